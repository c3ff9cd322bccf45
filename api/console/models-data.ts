import type { Context } from 'hono';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { modelCardJson } from '../../models/model-card.ts';
import {
  championHistory,
  listModels,
  loadModel,
  promote,
  RegistryError,
  type ChampionEvent,
  type ModelSummary,
  type ModelVersion,
} from '../../models/registry/registry.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';

export interface MonitoringMonth {
  month_end: string;
  score_psi: number | null;
  auc: number | null;
  loans: number | null;
}
export interface CsiPoint {
  month_end: string;
  variable: string;
  csi: number;
}

/**
 * How a version's test part was chosen, from its metrics' `split` (models/workflows.ts writes
 * `out-of-time: …` for the book's models, `seeded random 70/30 (seed …)` for `train --table`):
 * a random hold-out is not out of time, and a page calling it so claimed a test it never had.
 */
export type SplitKind = { kind: 'out_of_time' } | { kind: 'random'; testPct: number } | { kind: 'other' };
export function splitKind(split: string | undefined): SplitKind {
  if (split?.startsWith('out-of-time')) return { kind: 'out_of_time' };
  const random = /^seeded random \d+\/(\d+)/u.exec(split ?? '');
  if (random) return { kind: 'random', testPct: Number(random[1]) };
  return { kind: 'other' };
}

export interface ModelsOverview {
  models: (ModelSummary & { split: SplitKind })[];
  /** newest decision first */
  history: ChampionEvent[];
  champions: { target: string; model: string }[];
  /** the current champion's stored monitoring: score PSI and realised AUC per month-end (`model_monitoring` metric) */
  monitoring: MonitoringMonth[];
  /** CSI of each of the champion's variables per month-end (the stored monitoring rows: not an aggregate, so not a metric) */
  csi: CsiPoint[];
  /** the monitored champion (`name@version`), its test AUC */
  monitored: { model: string; test_auc: number } | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/**
 * The modeler's overview, from the registry (the functions `GET /v1/models` and the CLI use) and
 * the metrics catalogue: every version, the champion history (who promoted what, when and why),
 * and the champion's monthly monitoring.
 */
export async function modelsOverview(wh: Warehouse): Promise<ModelsOverview> {
  const [listed, history, splits] = await Promise.all([
    listModels(wh),
    championHistory(wh),
    queryRows<{ model_name: string; version: number; split: string }>(
      wh,
      `SELECT model_name, version, JSONExtractString(metrics, 'split') AS split FROM ${tableRef(wh, 'model_versions')}`,
    ),
  ]);
  const splitOf = new Map(splits.map((r) => [`${r.model_name}@${r.version}`, splitKind(r.split)]));
  const models = listed.map((m) => ({
    ...m,
    split: splitOf.get(`${m.model_name}@${m.version}`) ?? { kind: 'other' as const },
  }));
  const champions = models
    .filter((m) => m.champion)
    .map((m) => ({ target: m.target, model: `${m.model_name}@${m.version}` }));
  const monitoringRows = (await runMetric(wh, 'model_monitoring', {})).rows as Record<string, unknown>[];
  const monitoring = monitoringRows.map((r) => ({
    month_end: String(r.month_end),
    score_psi: num(r.score_psi),
    auc: num(r.auc),
    loans: num(r.loans),
  }));
  // the metric follows the current champion of the default target (the early-warning target)
  const target = targetName(defaultTarget);
  const last = history.filter((h) => h.target === target).at(-1);
  const monitored = last ? { model: `${last.model_name}@${last.version}`, test_auc: last.challenger_auc } : null;
  const csi = monitored ? await championCsi(wh, monitored.model) : [];
  return { models, history: [...history].reverse(), champions, monitoring, csi, monitored };
}

/** The latest stored CSI of each variable per month-end for a model (`name@version`), as `loanwatch evaluate` stored it. */
async function championCsi(wh: Warehouse, model: string): Promise<CsiPoint[]> {
  const rows = await queryRows<{ m: string; csi: string }>(
    wh,
    `SELECT toString(month_end) AS m, argMax(csi, computed_at) AS csi FROM ${tableRef(wh, 'model_monitoring')}
    WHERE model = {model:String} GROUP BY month_end ORDER BY month_end`,
    { model },
  );
  return rows.flatMap((r) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.csi);
    } catch {
      return [];
    }
    if (typeof parsed !== 'object' || parsed === null) return [];
    return Object.entries(parsed as Record<string, unknown>)
      .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
      .map(([variable, csi]) => ({ month_end: r.m, variable, csi }));
  });
}

export interface VersionView {
  model: ModelVersion;
  card: ReturnType<typeof modelCardJson>;
  champion: boolean;
  /** the target's current champion, when another version */
  current: { model_name: string; version: number; test_auc: number } | null;
  history: ChampionEvent[];
}

/** A version's card (modelCardJson, as the model card file has it) and where it stands. */
export async function versionView(wh: Warehouse, name: string, version: number): Promise<VersionView | null> {
  let model: ModelVersion;
  try {
    model = await loadModel(wh, name, version);
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'not_found') return null;
    throw e;
  }
  const history = (await championHistory(wh, model.target)).reverse();
  const last = history[0];
  const champion = last?.model_name === name && last.version === version;
  return {
    model,
    card: modelCardJson(model),
    champion,
    current:
      last && !champion ? { model_name: last.model_name, version: last.version, test_auc: last.challenger_auc } : null,
    history: history.filter((h) => h.model_name === name && h.version === version),
  };
}

/**
 * Promotes through the registry's gate with its default settings, as `POST /v1/models/{name}/{version}/promote`
 * does (the same actor text and audit row, `source: console`): the event, or the gate's refusal.
 */
export async function promoteFromConsole(
  c: Context<AppEnv>,
  name: string,
  version: number,
  reason: string,
): Promise<{ ok: true; event: ChampionEvent } | { ok: false; code: RegistryError['code']; message: string }> {
  const key = c.get('key');
  try {
    const event = await promote(c.get('deps').wh, {
      name,
      version,
      actor: `${key.role}:${key.key_id}${key.label ? ` (${key.label})` : ''}`,
      reason,
    });
    await audit(c, 'model.promote', `${name}@${version}`, { reason, outcome: 'promoted', source: 'console' });
    return { ok: true, event };
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    await audit(c, 'model.promote', `${name}@${version}`, {
      reason,
      outcome: e.code,
      message: e.message,
      source: 'console',
    });
    return { ok: false, code: e.code, message: e.message };
  }
}
