import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { ModelArtifact, ModelMetrics } from '../model-types.ts';
import { UserError } from '../../lib/user-error.ts';
import { isTableModel, testPartsDiffer } from './comparable-tests.ts';

/**
 * The model registry in the warehouse: every trained model is an immutable version (artifact,
 * metrics, data fingerprint, seed); the champion of a target is the latest row of its
 * champion_history, which is append-only, so who made which version champion, when and why is
 * never lost.
 */
export interface ModelVersion {
  model_name: string;
  version: number;
  target: string;
  kind: string;
  created_at: string;
  created_by: string;
  seed: number;
  fingerprint: string;
  metrics: ModelMetrics;
  artifact: ModelArtifact;
}

export class RegistryError extends UserError {
  constructor(
    readonly code: 'not_found' | 'gate_refused' | 'invalid',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface GateOptions {
  aucMargin: number;
  maxPsi: number;
  /**
   * a version whose out-of-time AUC is at or below this floor is never champion, first or not: at
   * 0.5 it ranks no better than chance (a first champion had no AUC to beat, so one at 0.4639 passed)
   */
  minAuc: number;
}
export const defaultGate: GateOptions = { aucMargin: 0.005, maxPsi: 0.1, minAuc: 0.5 };

export async function registerModel(wh: Warehouse, m: Omit<ModelVersion, 'version' | 'created_at'>): Promise<number> {
  const [r] = await queryRows<{ v: string }>(
    wh,
    `SELECT toString(max(version)) AS v FROM ${tableRef(wh, 'model_versions')} WHERE model_name = {n:String}`,
    { n: m.model_name },
  );
  const version = Number(r?.v ?? 0) + 1;
  await wh.client.insert({
    table: tableRef(wh, 'model_versions'),
    format: 'JSONEachRow',
    values: [
      {
        ...m,
        version,
        created_at: Date.now(),
        metrics: JSON.stringify(m.metrics),
        artifact: JSON.stringify(m.artifact),
      },
    ],
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  return version;
}

/** seed is a UInt64: a quoted string when the server quotes 64-bit integers in JSON. */
type Row = Omit<ModelVersion, 'seed' | 'metrics' | 'artifact'> & {
  seed: number | string;
  metrics: string;
  artifact: string;
};
// metrics and artifact are the JSON registerModel wrote
const parse = (r: Row): ModelVersion => ({
  ...r,
  seed: Number(r.seed),
  metrics: JSON.parse(r.metrics) as ModelMetrics,
  artifact: JSON.parse(r.artifact) as ModelArtifact,
});

export async function loadModel(wh: Warehouse, name: string, version?: number): Promise<ModelVersion> {
  const rows = await queryRows<Row>(
    wh,
    `SELECT * FROM ${tableRef(wh, 'model_versions')}
    WHERE model_name = {n:String} AND ({v:UInt32} = 0 OR version = {v:UInt32}) ORDER BY version DESC LIMIT 1`,
    { n: name, v: version ?? 0 },
  );
  if (!rows[0]) throw new RegistryError('not_found', `no model ${name}${version ? ` version ${version}` : ''}`);
  return parse(rows[0]);
}

export interface ModelSummary {
  model_name: string;
  version: number;
  target: string;
  kind: string;
  created_at: string;
  created_by: string;
  oot_auc: number;
  champion: boolean;
}

export async function listModels(wh: Warehouse): Promise<ModelSummary[]> {
  const rows = await queryRows<Omit<ModelSummary, 'champion'> & { champion: number }>(
    wh,
    `
    SELECT v.model_name AS model_name, v.version AS version, v.target AS target, v.kind AS kind, toString(v.created_at) AS created_at,
      v.created_by AS created_by, JSONExtractFloat(v.metrics, 'test', 'auc') AS oot_auc,
      (v.model_name, v.version) IN (SELECT argMax(model_name, decided_at), argMax(version, decided_at) FROM ${tableRef(wh, 'champion_history')} GROUP BY target) AS champion
    FROM ${tableRef(wh, 'model_versions')} AS v ORDER BY model_name, version`,
  );
  return rows.map((r) => ({ ...r, champion: Boolean(r.champion) }));
}

export interface ChampionEvent {
  target: string;
  model_name: string;
  version: number;
  decided_at: string;
  actor: string;
  reason: string;
  challenger_auc: number;
  champion_auc: number | null;
  score_psi: number;
}

export async function championHistory(wh: Warehouse, target?: string): Promise<ChampionEvent[]> {
  return queryRows<ChampionEvent>(
    wh,
    `SELECT target, model_name, version, toString(decided_at) AS decided_at, actor, reason, challenger_auc, champion_auc, score_psi
    FROM ${tableRef(wh, 'champion_history')} WHERE {t:String} = '' OR target = {t:String} ORDER BY decided_at, model_name, version`,
    { t: target ?? '' },
  );
}

/** The decision that made the target's current champion (null: none yet). */
export const latestChampionEvent = async (wh: Warehouse, target: string): Promise<ChampionEvent | null> =>
  (await championHistory(wh, target)).at(-1) ?? null;

export async function currentChampion(wh: Warehouse, target: string): Promise<ModelVersion | null> {
  const last = await latestChampionEvent(wh, target);
  return last ? loadModel(wh, last.model_name, last.version) : null;
}

/** A table model is measured on a seeded random test part, a book model on its out-of-time months. */
const aucName = (m: ModelVersion) => (isTableModel(m) ? 'test AUC' : 'out-of-time AUC');

/**
 * Makes a version the champion of its target if it passes the gate: its test AUC (out-of-time for
 * the book's models) is above the floor (`minAuc`, 0.5: chance), its score PSI between training and
 * the test part is below the maximum, and its test AUC beats the current champion's by the margin,
 * measured on the same test rows. A refusal throws with the numbers and changes nothing.
 */
export async function promote(
  wh: Warehouse,
  p: { name: string; version: number; actor: string; reason: string; gate?: Partial<GateOptions> },
): Promise<ChampionEvent> {
  const gate = { ...defaultGate, ...p.gate };
  const challenger = await loadModel(wh, p.name, p.version);
  const champion = await currentChampion(wh, challenger.target);
  const auc = challenger.metrics.test.auc;
  const psi = challenger.metrics.score_psi;
  const problems: string[] = [];
  const isChampion = champion?.model_name === challenger.model_name && champion.version === challenger.version;
  if (isChampion) problems.push('already the champion');
  const what = aucName(challenger);
  if (!(auc > gate.minAuc))
    problems.push(
      `${what} ${auc.toFixed(4)} is not above the AUC floor ${gate.minAuc} (at 0.5 a model ranks no better than chance; promote --min-auc sets the floor)`,
    );
  if (!(psi < gate.maxPsi)) problems.push(`score PSI ${psi.toFixed(4)} is not below ${gate.maxPsi}`);
  const differ = champion && !isChampion ? await testPartsDiffer(wh, challenger, champion) : null;
  if (differ) problems.push(differ);
  else if (champion && !(auc >= champion.metrics.test.auc + gate.aucMargin)) {
    problems.push(
      `${what} ${auc.toFixed(4)} does not beat the champion ${champion.model_name} v${champion.version} (${champion.metrics.test.auc.toFixed(4)}) by ${gate.aucMargin}`,
    );
  }
  if (problems.length)
    throw new RegistryError('gate_refused', `promotion refused: ${problems.join('; ')}`, {
      auc,
      psi,
      champion_auc: champion?.metrics.test.auc ?? null,
    });
  const event: ChampionEvent = {
    target: challenger.target,
    model_name: challenger.model_name,
    version: challenger.version,
    decided_at: new Date().toISOString(),
    actor: p.actor,
    reason: p.reason,
    challenger_auc: auc,
    champion_auc: champion?.metrics.test.auc ?? null,
    score_psi: psi,
  };
  await wh.client.insert({
    table: tableRef(wh, 'champion_history'),
    format: 'JSONEachRow',
    values: [{ ...event, decided_at: Date.now() }],
  });
  return event;
}
