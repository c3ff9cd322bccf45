import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { modelRef, parseModelRef } from './model-ref.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { lastMonthEnd } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { buildFeatures } from '../../models/features/build-features.ts';
import { currentChampion, loadModel, RegistryError } from '../../models/registry/registry.ts';
import { scoreMonthInDb, scoreMonthInNode } from '../../models/score.ts';
import { log } from '../progress.ts';

const scoreFlags = {
  'as-of': flag(isoDate, 'scores the last month-end on or before this date', 'YYYY-MM-DD'),
  model: flag(modelRef.optional(), 'a model version (default: the champion)', 'NAME[@VERSION]'),
  'in-db': flag(z.boolean().default(false), 'score inside ClickHouse with the exported SQL'),
  target: flag(
    z
      .string()
      .regex(/^[a-z0-9_:]{1,100}$/u, 'a target name such as dpd30_3m')
      .default(targetName(defaultTarget)),
    'whose champion',
    'NAME',
  ),
};
export type ScoreFlags = FlagValues<typeof scoreFlags>;

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'score every active loan at a month-end into the scores table',
  flags: scoreFlags,
  examples: ['loanwatch score --as-of 2024-06-30 --in-db'],
  warehouse: true,
  run: ({ wh }, f) => runScore(wh, f),
});

/**
 * Features are rebuilt when the snapshots moved on since they were built (a new month-end, or a
 * rebuilt loan_month with a different row count), so a score never reads stale features.
 */
async function ensureFreshFeatures(wh: Warehouse, target: string) {
  const [r] = await queryRows<{ f: string; s: string; fn: string; sn: string }>(
    wh,
    `SELECT
      (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'ew_features')}) AS f, (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'loan_month')}) AS s,
      (SELECT toString(count()) FROM ${tableRef(wh, 'ew_features')}) AS fn, (SELECT toString(countIf(status = 'active')) FROM ${tableRef(wh, 'loan_month')}) AS sn`,
  );
  if (r && r.f === r.s && r.fn === r.sn) return;
  const m = /^dpd(\d+)_(\d+)m$/u.exec(target);
  const spec = m ? { dpdThreshold: Number(m[1]), horizonMonths: Number(m[2]) } : defaultTarget;
  log(`features are older than the snapshots: rebuilding them (${targetName(spec)})`);
  await buildFeatures(wh, { target: spec, log });
}

export async function runScore(wh: Warehouse, f: ScoreFlags) {
  const ref = f.model ? parseModelRef(f.model) : null;
  const m = ref ? await loadModel(wh, ref.name, ref.version) : await currentChampion(wh, f.target);
  if (!m)
    throw new RegistryError(
      'not_found',
      `no champion for ${f.target}: train and promote a model, or pass --model NAME@VERSION`,
    );
  const me = lastMonthEnd(f['as-of']);
  await ensureFreshFeatures(wh, m.target);
  const t0 = performance.now();
  const n = f['in-db'] ? await scoreMonthInDb(wh, m, me) : await scoreMonthInNode(wh, m, me);
  const grades = await queryRows<{ grade: string; n: string }>(
    wh,
    `SELECT grade, count() AS n FROM ${tableRef(wh, 'scores')}
    WHERE model_name = {n:String} AND model_version = {v:UInt32} AND month_end = {m:Date} GROUP BY grade ORDER BY grade`,
    { n: m.model_name, v: m.version, m: me },
  );
  log(
    `scored ${n} loans at ${me} with ${m.model_name} v${m.version} ${f['in-db'] ? 'in the database' : 'in Node'} in ${((performance.now() - t0) / 1000).toFixed(2)} s; grades ${grades.map((g) => `${g.grade}:${g.n}`).join(' ')}`,
  );
  return { n, monthEnd: me, model: m.model_name, version: m.version };
}
