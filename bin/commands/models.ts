import { z } from 'zod';
import { list, isoDate } from '../flags.ts';
import { resolve } from 'node:path';
import type { Config } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { lastMonthEnd } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultTarget, targetName } from '../../models/features/feature-catalogue.ts';
import { monitorModel, storeMonitoring } from '../../models/evaluate/monitor.ts';
import { buildFeatures } from '../../models/features/build-features.ts';
import { currentChampion, defaultGate, loadModel, promote, RegistryError } from '../../models/registry/registry.ts';
import { scoreMonthInDb, scoreMonthInNode } from '../../models/score.ts';
import { trainBookModels, trainTableModels } from '../../models/workflows.ts';
import { defaultBinning } from '../../models/scorecard/binning.ts';
import { defaultSelection } from '../../models/scorecard/selection.ts';
import { log } from '../progress.ts';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const trainFlags = z.object({
  table: z.string().optional(), target: z.string().optional(), 'bad-value': z.string().optional(), drop: list.optional(), categorical: list.optional(),
  'test-share': z.coerce.number().gt(0).lt(1).default(0.3), name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  horizon: z.coerce.number().int().min(1).max(24).default(defaultTarget.horizonMonths),
  threshold: z.coerce.number().int().min(0).max(3650).default(defaultTarget.dpdThreshold),
  'oot-months': z.coerce.number().int().min(1).max(60).default(6),
  'loan-share': z.coerce.number().gt(0).max(1).default(1),
  'rebuild-features': z.boolean().default(false),
  model: list.pipe(z.array(z.enum(['scorecard', 'network', 'gbm'])).min(1)).default(['scorecard', 'network']),
  seed: z.coerce.number().int().min(0).default(1),
  binning: z.enum(['chimerge', 'tree']).default('chimerge'),
  monotonic: bool.default(true),
  l2: z.coerce.number().min(0).default(0),
  special: list.pipe(z.array(z.string().regex(/^-?\d+(\.\d+)?$/, 'special values are numbers').transform(Number))).optional(),
  /** the columns the special values are codes of (default: every numeric column) */
  'special-for': list.optional(),
  'min-iv': z.coerce.number().min(0).max(10).default(defaultSelection.minIv),
  by: z.string().min(1).max(100).default(process.env.USER ?? 'cli'),
  out: z.string().optional(),
}).refine((f) => !f.table || f.target, { message: '--table needs --target COLUMN', path: ['target'] })
  .refine((f) => !f['special-for'] || f.special, { message: '--special-for names the columns of the --special values: give --special too', path: ['special-for'] });

/** `loanwatch train`: early-warning models on the book, or (with --table) application models on a CSV feature table. */
export async function trainCommand(wh: Warehouse, config: Config, f: z.infer<typeof trainFlags>) {
  const common = {
    kinds: f.model, seed: f.seed, actor: f.by, outDir: resolve(f.out ?? resolve(config.LOANWATCH_DATA_DIR, 'models')),
    scorecard: {
      binning: { ...defaultBinning, method: f.binning, monotonic: f.monotonic, specialValues: f.special ?? [], specialFeatures: f['special-for'] }, l2: f.l2,
      selection: { ...defaultSelection, minIv: f['min-iv'] },
    },
  };
  const done = f.table
    ? await trainTableModels(wh, { ...common, path: f.table, target: f.target!, badValue: f['bad-value'], drop: f.drop, categorical: f.categorical, testShare: f['test-share'], name: f.name })
    : await trainBookModels(wh, { ...common, target: { horizonMonths: f.horizon, dpdThreshold: f.threshold }, ootMonths: f['oot-months'], loanShare: f['loan-share'], rebuildFeatures: f['rebuild-features'], log });
  console.table(done.map(({ model: m, cardDir }) => ({
    model: m.model_name, version: m.version, target: m.target, test_auc: m.metrics.test.auc.toFixed(4), ks: m.metrics.test.ks.toFixed(4),
    gini: m.metrics.test.gini.toFixed(4), score_psi: m.metrics.score_psi.toFixed(4), seconds: m.metrics.train_seconds.toFixed(1), card: cardDir,
  })));
  return done;
}

const modelRef = z.string().regex(/^[A-Za-z0-9_-]{1,64}(@\d{1,9})?$/, 'expected NAME or NAME@VERSION');
const parseRef = (ref: string) => { const [name, v] = ref.split('@'); return { name: name!, version: v ? Number(v) : undefined }; };

export const evaluateFlags = z.object({ name: modelRef, format: z.enum(['table', 'json']).default('table') });

/** `loanwatch evaluate NAME[@V]`: stored test quality, then PSI / CSI and realised AUC for each month after training. */
export async function evaluateCommand(wh: Warehouse, f: z.infer<typeof evaluateFlags>) {
  const ref = parseRef(f.name);
  const m = await loadModel(wh, ref.name, ref.version);
  const rows = m.target.startsWith('table:') ? [] : await monitorModel(wh, m);
  await storeMonitoring(wh, m, rows);
  if (f.format === 'json') console.log(JSON.stringify({ model: m.model_name, version: m.version, test: m.metrics.test, months: rows }, null, 2));
  else {
    console.log(`${m.model_name} v${m.version} (${m.kind}, target ${m.target}): test AUC ${m.metrics.test.auc.toFixed(4)}, KS ${m.metrics.test.ks.toFixed(4)}, score PSI ${m.metrics.score_psi.toFixed(4)}`);
    if (rows.length) console.table(rows.map((r) => ({ month_end: r.month_end, n: r.n, score_psi: r.score_psi.toFixed(4), status: r.psi_status, observed: r.observed, auc: r.auc?.toFixed(4) ?? '', ks: r.ks?.toFixed(4) ?? '', warnings: r.warnings.join('; ') })));
  }
  return rows;
}

export const promoteFlags = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), version: z.coerce.number().int().min(1),
  reason: z.string().min(3).max(1000), by: z.string().min(1).max(100).default(process.env.USER ?? 'cli'),
  margin: z.coerce.number().min(0).max(1).default(defaultGate.aucMargin), 'max-psi': z.coerce.number().gt(0).default(defaultGate.maxPsi),
});

export async function promoteCommand(wh: Warehouse, f: z.infer<typeof promoteFlags>) {
  const e = await promote(wh, { name: f.name, version: f.version, actor: f.by, reason: f.reason, gate: { aucMargin: f.margin, maxPsi: f['max-psi'] } });
  console.log(`${e.model_name} v${e.version} is now the champion for ${e.target} (AUC ${e.challenger_auc.toFixed(4)}${e.champion_auc === null ? '' : ` vs ${e.champion_auc.toFixed(4)}`}, PSI ${e.score_psi.toFixed(4)}), by ${e.actor}: ${e.reason}`);
  return e;
}

export const scoreFlags = z.object({
  model: modelRef.optional(), 'as-of': isoDate, 'in-db': z.boolean().default(false),
  target: z.string().regex(/^[a-z0-9_:]{1,100}$/).default(targetName(defaultTarget)),
});

/**
 * Features are rebuilt when the snapshots moved on since they were built (a new month-end, or a
 * rebuilt loan_month with a different row count), so a score never reads stale features.
 */
async function ensureFreshFeatures(wh: Warehouse, target: string) {
  const [r] = await queryRows<{ f: string; s: string; fn: string; sn: string }>(wh, `SELECT
      (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'ew_features')}) AS f, (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'loan_month')}) AS s,
      (SELECT toString(count()) FROM ${tableRef(wh, 'ew_features')}) AS fn, (SELECT toString(countIf(status = 'active')) FROM ${tableRef(wh, 'loan_month')}) AS sn`);
  if (r && r.f === r.s && r.fn === r.sn) return;
  const m = /^dpd(\d+)_(\d+)m$/.exec(target);
  const spec = m ? { dpdThreshold: Number(m[1]), horizonMonths: Number(m[2]) } : defaultTarget;
  log(`features are older than the snapshots: rebuilding them (${targetName(spec)})`);
  await buildFeatures(wh, { target: spec, log });
}

/** `loanwatch score --as-of D [--model NAME[@V]] [--in-db]`: the champion (or a named version) scores the book at the last month-end ≤ D. */
export async function scoreCommand(wh: Warehouse, f: z.infer<typeof scoreFlags>) {
  const ref = f.model ? parseRef(f.model) : null;
  const m = ref ? await loadModel(wh, ref.name, ref.version) : await currentChampion(wh, f.target);
  if (!m) throw new RegistryError('not_found', `no champion for ${f.target}: train and promote a model, or pass --model NAME@VERSION`);
  const me = lastMonthEnd(f['as-of']);
  await ensureFreshFeatures(wh, m.target);
  const t0 = performance.now();
  const n = f['in-db'] ? await scoreMonthInDb(wh, m, me) : await scoreMonthInNode(wh, m, me);
  const grades = await queryRows<{ grade: string; n: string }>(wh, `SELECT grade, count() AS n FROM ${tableRef(wh, 'scores')}
    WHERE model_name = {n:String} AND model_version = {v:UInt32} AND month_end = {m:Date} GROUP BY grade ORDER BY grade`, { n: m.model_name, v: m.version, m: me });
  log(`scored ${n} loans at ${me} with ${m.model_name} v${m.version} ${f['in-db'] ? 'in the database' : 'in Node'} in ${((performance.now() - t0) / 1000).toFixed(2)} s; grades ${grades.map((g) => `${g.grade}:${g.n}`).join(' ')}`);
  return { n, monthEnd: me, model: m.model_name, version: m.version };
}
