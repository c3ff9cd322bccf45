/**
 * One public credit table through the path a modeler takes: `loanwatch train --table FILE --target COL`
 * with the defaults (the data-quality gate, the default model set, Platt calibration, seeded 70/30
 * split), run as the CLI in its own process on a fresh data directory. XGBoost and sklearn then read
 * the version's split.csv (the same training window and test rows) and only the columns the gate kept.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { GateDecision, GateReport } from '../../models/data/quality-gate.ts';
import type { ModelMetrics } from '../../models/model-types.ts';
import type { RefinementReport } from '../../models/scorecard/refine.ts';
import { championPick, modelsByKind, type DefaultModel } from './champion-pick.ts';

export interface PublicTable {
  key: string;
  path: string;
  target: string;
  badValue?: string;
  /** flags beyond the defaults (a variant reported for information, never judged by the targets) */
  flags?: string[];
  /** flags after the defaults, only when the defaults refuse the table (recorded with the refusal) */
  afterRefusal?: string[];
}

/** bench/models/xgb_sklearn.py's last line of JSON */
export interface ReferenceFigures {
  xgboost_auc: number;
  xgboost_ks: number;
  xgboost_ece: number;
  xgboost_train_s: number;
  sklearn_lr_auc: number;
  sklearn_lr_ks: number;
  sklearn_lr_train_s: number;
  train_rows: number;
  test_rows: number;
  columns: number;
}

export const reference = (...args: string[]) =>
  JSON.parse(
    execFileSync('/usr/bin/python3', [resolve('bench/models/xgb_sklearn.py'), ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .at(-1)!,
  ) as ReferenceFigures;

/** `train --format json`'s rows */
interface TrainedRow {
  model: string;
  version: number;
  test_auc: number;
  ks: number;
  score_psi: number;
  seconds: number;
  card: string;
}

interface Card {
  kind: DefaultModel['kind'];
  metrics: ModelMetrics & { data_quality: GateReport };
  refinement?: RefinementReport;
}

const round = (x: number, d = 4) => Number(x.toFixed(d));
const kept = (d: GateDecision) => d.action !== 'drop' && d.action !== 'refuse';

/** the CLI in its own process: exit code, stdout and the progress lines of stderr */
function loanwatch(dataDir: string, args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/loanwatch.mjs', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, LOANWATCH_DATA_DIR: dataDir, TZ: 'UTC' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

/** Gate decisions counted by action and by rule, and the dropped columns named with their rule (never a value). */
function gateSummary(report: GateReport) {
  const count = (key: (d: GateDecision) => string) =>
    report.decisions.reduce<Record<string, number>>((acc, d) => ({ ...acc, [key(d)]: (acc[key(d)] ?? 0) + 1 }), {});
  return {
    training_rows: report.rows,
    columns: report.decisions.length,
    kept: report.decisions.filter(kept).length,
    by_action: count((d) => d.action),
    by_rule: count((d) => d.rule),
    dropped: report.decisions
      .filter((d) => !kept(d))
      .map((d) => ({ column: d.column, rule: d.rule, ...(d.auc === undefined ? {} : { auc: round(d.auc) }) })),
    changed: report.decisions
      .filter((d) => kept(d) && d.action !== 'keep')
      .map((d) => ({ column: d.column, action: d.action, rule: d.rule, reason: d.reason })),
  };
}

/** The scorecard's joint refinement as the card records it: the λ kept (null: the classic fit) and the held-back AUC of each tried. */
export const refinementSummary = (r: RefinementReport | undefined) =>
  r && {
    chosen_lambda: r.chosen,
    added: r.added,
    held_back_auc: Object.fromEntries(r.tried.map((t) => [t.lambda ?? 'classic', round(t.held_back_auc)])),
  };

export function benchPublicTable(t: PublicTable, work: string, log: (s: string) => void) {
  const dir = join(work, t.key);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const base = ['train', '--table', t.path, '--target', t.target, '--format', 'json', '--by', 'bench'];
  if (t.badValue !== undefined) base.push('--bad-value', t.badValue);
  base.push(...(t.flags ?? []));
  const loadBefore = loadavg();
  let run = loanwatch(dataDir, base);
  writeFileSync(join(dir, 'train-defaults.log'), run.stderr);
  let refusedByDefault: string | null = null;
  if (run.status !== 0 && t.afterRefusal) {
    // the defaults refuse the table: the one line a modeler sees, then the flag it names
    refusedByDefault = run.stderr.trim().split('\n').at(-1) ?? '';
    log(`${t.key}: the defaults refuse it (exit ${run.status}): ${refusedByDefault.slice(0, 200)}…`);
    run = loanwatch(dataDir, [...base, ...t.afterRefusal]);
    writeFileSync(join(dir, `train-${t.afterRefusal.join('_').replace(/[^a-z0-9_]+/giu, '')}.log`), run.stderr);
  }
  if (run.status !== 0) throw new Error(`${t.key}: loanwatch train exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const loadAfter = loadavg();
  const rows = JSON.parse(run.stdout) as TrainedRow[];
  const cards = rows.map((r) => JSON.parse(readFileSync(join(r.card, 'model-card.json'), 'utf8')) as Card);
  const gate = cards[0]!.metrics.data_quality;
  const models: DefaultModel[] = rows.map((r, k) => ({
    kind: cards[k]!.kind,
    name: `${r.model}@${r.version}`,
    auc: r.test_auc,
    ks: r.ks,
    scorePsi: r.score_psi,
    ece: cards[k]!.metrics.probability_calibration?.test.ece_after ?? Number.NaN,
    eceBefore: cards[k]!.metrics.probability_calibration?.test.ece_before ?? Number.NaN,
    trainSeconds: r.seconds,
  }));
  const best = championPick(models);

  // the reference models: the version's split and the columns the gate kept, with the kinds it read
  const spec = join(dir, 'reference-spec.json');
  writeFileSync(
    spec,
    JSON.stringify({
      target: t.target,
      bad_value: t.badValue ?? '1',
      missing_markers: gate.settings.missingMarkers,
      columns: gate.decisions.filter(kept).map((d) => ({ name: d.column, kind: d.kind })),
    }),
  );
  const py = reference('table', t.path, join(rows[0]!.card, 'split.csv'), spec);
  const split = cards[0]!.metrics.split;
  log(
    `${t.key}: ${models.map((m) => `${m.kind} ${m.auc.toFixed(4)}`).join(', ')}; best by the champion gate ${best.kind}; XGBoost ${py.xgboost_auc.toFixed(4)} on ${py.columns} columns`,
  );
  return {
    file: t.path.replace(/^.*\/shared\//u, '../shared/'),
    command: `loanwatch ${base.filter((a) => a !== '--format' && a !== 'json' && a !== '--by' && a !== 'bench').join(' ')}${refusedByDefault === null ? '' : ` (refused) → again with ${t.afterRefusal!.join(' ')}`}`,
    refused_by_default: refusedByDefault,
    rows: py.train_rows + py.test_rows,
    split: `${split}: ${py.train_rows} training rows (of which ${cards[0]!.metrics.probability_calibration?.rows ?? 0} held back for early stopping and calibration), ${py.test_rows} test rows — the same rows for XGBoost and sklearn (from split.csv)`,
    gate: gateSummary(gate),
    models: modelsByKind(models, 2),
    best_default_model: best.kind,
    best_default_auc: round(best.auc),
    scorecard_auc: round(models.find((m) => m.kind === 'scorecard')!.auc),
    scorecard_refinement: refinementSummary(cards.find((c) => c.kind === 'scorecard')?.refinement),
    xgboost_auc: round(py.xgboost_auc),
    ece: round(best.ece),
    xgboost: {
      auc: round(py.xgboost_auc),
      ks: round(py.xgboost_ks),
      ece_uncalibrated: round(py.xgboost_ece),
      train_s: round(py.xgboost_train_s, 2),
      columns: py.columns,
    },
    sklearn_lr: {
      auc: round(py.sklearn_lr_auc),
      ks: round(py.sklearn_lr_ks),
      train_s: round(py.sklearn_lr_train_s, 2),
    },
    train_command_s: round(run.seconds, 1),
    load_avg_before: loadBefore.map((x) => round(x, 2)),
    load_avg_after: loadAfter.map((x) => round(x, 2)),
  };
}
