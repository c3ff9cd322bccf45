import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { indicesWhere, subset } from '../data/dataset.ts';
import { loadFeatureRows } from '../data/load-features.ts';
import { probabilityOf } from '../model-types.ts';
import type { ModelVersion } from '../registry/registry.ts';
import { csiOf, featureBaselines, unbinnedFeatures } from './csi.ts';
import type { FeatureBaseline } from './feature-baseline.ts';
import { countByEdges, ks, auc, psi, psiStatus } from './metrics.ts';

export interface MonitorRow {
  month_end: string;
  /**
   * the rows monitored: loans eligible for the target at the month-end (active, dpd ≤ the target's
   * threshold: the model's population). `score` scores every active loan, so its count is larger by
   * the active loans already past the threshold.
   */
  n: number;
  score_psi: number;
  psi_status: string;
  /**
   * CSI of each feature the model reads: under the model's own training bins (scorecard variables, a
   * network's WoE inputs), else under the training deciles / categories of feature-baseline.ts (trees)
   */
  csi: Record<string, number>;
  /** realised quality where the outcome window has closed (null before) */
  observed: number;
  auc: number | null;
  ks: number | null;
  warnings: string[];
}

export interface MonitorOptions {
  maxPsi: number;
  aucDrop: number;
  /** the last month-end to monitor (a date's warnings judge the months up to it; default: all) */
  until?: string;
}
export const defaultMonitor: MonitorOptions = { maxPsi: 0.25, aucDrop: 0.05 };

/**
 * For every month-end after the model's training window: PSI of the score and CSI of each
 * variable against the training baseline bins, and AUC / KS on rows whose outcome has matured.
 * A warning (the retraining signal) when PSI exceeds the maximum or AUC falls more than the set
 * margin below the model's test AUC.
 */
export async function monitorModel(
  wh: Warehouse,
  m: ModelVersion,
  o: MonitorOptions = defaultMonitor,
): Promise<MonitorRow[]> {
  const months = await queryRows<{ m: string }>(
    wh,
    `SELECT DISTINCT toString(month_end) AS m FROM ${tableRef(wh, 'ew_features')}
    WHERE month_end > {after:Date} AND month_end <= {until:Date} ORDER BY m`,
    { after: m.metrics.train_end ?? '1970-01-01', until: o.until ?? '2149-06-06' },
  );
  const a = m.artifact;
  const baselines = months.length ? await baselinesOf(wh, m) : [];
  const out: MonitorRow[] = [];
  for (const { m: monthEnd } of months) {
    const ds = await loadFeatureRows(wh, { mode: 'eligible', monthEnd });
    if (ds.n === 0) continue;
    const p = probabilityOf(a, ds);
    const scorePsi = psi(a.baseline.scoreCounts, countByEdges(p, a.baseline.scoreEdges));
    const csi = csiOf(a, baselines, ds);
    const obs = indicesWhere(ds.n, (i) => ds.observed[i] === 1);
    const done = subset(ds, obs);
    const po = Float64Array.from(obs, (i) => p[i]!);
    const realised = done.n > 0 ? auc(po, done.label) : Number.NaN;
    const warnings: string[] = [];
    if (scorePsi > o.maxPsi) warnings.push(`score PSI ${scorePsi.toFixed(3)} > ${o.maxPsi}: retrain`);
    if (Number.isFinite(realised) && realised < m.metrics.test.auc - o.aucDrop)
      warnings.push(
        `AUC ${realised.toFixed(3)} fell more than ${o.aucDrop} below the test AUC ${m.metrics.test.auc.toFixed(3)}: retrain`,
      );
    out.push({
      month_end: monthEnd,
      n: ds.n,
      score_psi: scorePsi,
      psi_status: psiStatus(scorePsi),
      csi,
      observed: done.n,
      auc: Number.isFinite(realised) ? realised : null,
      ks: done.n > 0 && Number.isFinite(realised) ? ks(po, done.label) : null,
      warnings,
    });
  }
  return out;
}

/**
 * The feature baselines of a model's unbinned features: the artifact's, or for a version trained
 * before artifacts carried them, the book's labelled rows of its training window (to train_end) as
 * they are now, sampled by loan to about `baselineRows` rows (deciles need no more). Special values
 * are not known for those versions: none are kept apart.
 */
export async function baselinesOf(wh: Warehouse, m: ModelVersion): Promise<FeatureBaseline[]> {
  const a = m.artifact;
  if (a.featureBaselines || unbinnedFeatures(a).length === 0 || !m.metrics.train_end) return a.featureBaselines ?? [];
  // the demo's warnings monitor the champion at 15 dates in one process: its training window is read once
  const key = `${m.model_name}@${m.version}`;
  const kept = derived.get(wh)?.get(key);
  if (kept) return kept;
  const made = await windowBaselines(wh, m);
  derived.set(wh, (derived.get(wh) ?? new Map<string, FeatureBaseline[]>()).set(key, made));
  return made;
}
const derived = new WeakMap<Warehouse, Map<string, FeatureBaseline[]>>();

async function windowBaselines(wh: Warehouse, m: ModelVersion): Promise<FeatureBaseline[]> {
  const a = m.artifact;
  if (!m.metrics.train_end) return [];
  const [row] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'ew_features')}
    WHERE eligible = 1 AND label_observed = 1 AND month_end <= {to:Date}`,
    { to: m.metrics.train_end },
  );
  const n = Number(row?.n ?? 0);
  if (n === 0) return [];
  const train = await loadFeatureRows(wh, {
    mode: 'labelled',
    to: m.metrics.train_end,
    loanShare: Math.min(1, baselineRows / n),
  });
  return featureBaselines(a, train);
}
const baselineRows = 200_000;

/** Keeps a model's monitoring rows (replacing earlier ones of the same months) for reports and the API. */
export async function storeMonitoring(wh: Warehouse, m: ModelVersion, rows: MonitorRow[]) {
  if (rows.length === 0) return;
  const model = `${m.model_name}@${m.version}`;
  await deleteRows(wh, 'model_monitoring', 'model = {m:String} AND has({months:Array(Date)}, month_end)', {
    m: model,
    months: rows.map((r) => r.month_end),
  });
  const now = Math.floor(Date.now() / 1000);
  await wh.client.insert({
    table: tableRef(wh, 'model_monitoring'),
    format: 'JSONEachRow',
    values: rows.map((r) => ({
      model,
      month_end: r.month_end,
      n: r.n,
      score_psi: r.score_psi,
      auc: r.auc,
      ks: r.ks,
      observed: r.observed,
      csi: JSON.stringify(r.csi),
      warnings: r.warnings,
      computed_at: now,
    })),
  });
}
