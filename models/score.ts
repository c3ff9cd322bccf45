import { queryRows, type Warehouse } from '../warehouse/connection.ts';
import { tableRef } from '../warehouse/ddl.ts';
import { deleteRows } from '../warehouse/delete-rows.ts';
import { loadFeatureRows } from './data/load-features.ts';
import { modelToSql, scoringQuery } from './export/sql.ts';
import { scoreModel } from './model-types.ts';
import type { ModelVersion } from './registry/registry.ts';

/**
 * Scores every active loan of one month-end into `scores`, replacing that model version's earlier
 * scores of the month. In the database: the model's exported SQL runs over ew_features (embedded
 * chDB or a cluster alike). In Node: rows are read, scored by the TypeScript scorer, written back.
 */
/** Room for an exported model's SQL text (gbm trees with their constants run to a few MB). */
export const modelQueryBytes = 64 * 1024 * 1024;
/** The engine's limits for an exported model's query: its text and its syntax tree, before and after expansion. */
export const modelQuerySettings = {
  max_query_size: String(modelQueryBytes),
  max_ast_elements: String(20_000_000),
  max_expanded_ast_elements: String(20_000_000),
};

export async function scoreMonthInDb(wh: Warehouse, m: ModelVersion, monthEnd: string): Promise<number> {
  const exported = modelToSql(m.artifact);
  await deleteScores(wh, m.model_name, m.version, monthEnd);
  await wh.client.command({
    query: `INSERT INTO ${tableRef(wh, 'scores')} (model_name, model_version, loan_id, month_end, probability, points, grade, reasons, scored_at)
    SELECT {lwq_name:String}, {lwq_version:UInt32}, loan_id, month_end, probability, points, grade, reasons, now()
    FROM (${scoringQuery(exported, `SELECT * FROM ${tableRef(wh, 'ew_features')} WHERE month_end = {lwq_me:Date}`)})`,
    query_params: { ...exported.params, lwq_name: m.model_name, lwq_version: m.version, lwq_me: monthEnd },
    // a model of a few hundred trees with its reason-code constants is a query of a few MB (the
    // default limit is 256 KiB) and several hundred thousand syntax-tree nodes (the default limit is
    // 50,000: 400 trees of depth 4 passed it); as request settings, since the parser reads them
    // before a SETTINGS clause
    clickhouse_settings: modelQuerySettings,
  });
  return countScores(wh, m, monthEnd);
}

export async function scoreMonthInNode(wh: Warehouse, m: ModelVersion, monthEnd: string): Promise<number> {
  const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
  const s = scoreModel(m.artifact, ds);
  await deleteScores(wh, m.model_name, m.version, monthEnd);
  const now = Math.floor(Date.now() / 1000);
  const chunk = 100_000;
  for (let a = 0; a < ds.n; a += chunk) {
    const values = [];
    for (let i = a; i < Math.min(ds.n, a + chunk); i++) {
      values.push({
        model_name: m.model_name,
        model_version: m.version,
        loan_id: ds.ids[i],
        month_end: ds.period[i],
        probability: s.probability[i],
        points: s.points[i],
        grade: s.grade[i],
        reasons: s.reasons[i],
        scored_at: now,
      });
    }
    await wh.client.insert({ table: tableRef(wh, 'scores'), format: 'JSONEachRow', values });
  }
  return countScores(wh, m, monthEnd);
}

async function countScores(wh: Warehouse, m: ModelVersion, monthEnd: string): Promise<number> {
  const [r] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'scores')}
    WHERE model_name = {n:String} AND model_version = {v:UInt32} AND month_end = {m:Date}`,
    { n: m.model_name, v: m.version, m: monthEnd },
  );
  return Number(r?.n ?? 0);
}

/**
 * Removes a version's scores of one month-end before re-scoring, and the counterfactual sentences
 * kept for them (models/counterfactual/kept.ts): one condition, both tables.
 */
async function deleteScores(wh: Warehouse, name: string, version: number, monthEnd: string) {
  for (const table of ['scores', 'loan_counterfactuals'])
    await deleteRows(wh, table, 'model_name = {n:String} AND model_version = {v:UInt32} AND month_end = {m:Date}', {
      n: name,
      v: version,
      m: monthEnd,
    });
}
