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
  return (await scoreMonthsInDb(wh, m, [monthEnd])).get(monthEnd) ?? 0;
}

/**
 * Several month-ends in one statement: the engine analyses a model's query once (for 400 trees that
 * is most of a month's time on a small book: 16 month-ends of the demo took 99 s one by one).
 */
export async function scoreMonthsInDb(
  wh: Warehouse,
  m: ModelVersion,
  monthEnds: string[],
): Promise<Map<string, number>> {
  const exported = modelToSql(m.artifact);
  await deleteScores(wh, m.model_name, m.version, monthEnds);
  await wh.client.command({
    query: `INSERT INTO ${tableRef(wh, 'scores')} (model_name, model_version, loan_id, month_end, probability, points, grade, reasons, scored_at)
    SELECT {lwq_name:String}, {lwq_version:UInt32}, loan_id, month_end, probability, points, grade, reasons, now()
    FROM (${scoringQuery(exported, `SELECT * FROM ${tableRef(wh, 'ew_features')} WHERE has({lwq_months:Array(Date)}, month_end)`)})`,
    query_params: { ...exported.params, lwq_name: m.model_name, lwq_version: m.version, lwq_months: monthEnds },
    // a model of a few hundred trees with its reason-code constants is a query of a few MB (the
    // default limit is 256 KiB) and several hundred thousand syntax-tree nodes (the default limit is
    // 50,000: 400 trees of depth 4 passed it); as request settings, since the parser reads them
    // before a SETTINGS clause
    clickhouse_settings: modelQuerySettings,
  });
  return countScores(wh, m, monthEnds);
}

export async function scoreMonthInNode(wh: Warehouse, m: ModelVersion, monthEnd: string): Promise<number> {
  const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
  const s = scoreModel(m.artifact, ds);
  await deleteScores(wh, m.model_name, m.version, [monthEnd]);
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
  return (await countScores(wh, m, [monthEnd])).get(monthEnd) ?? 0;
}

/** A version's scores per month-end (a month-end with none is absent). */
async function countScores(wh: Warehouse, m: ModelVersion, monthEnds: string[]): Promise<Map<string, number>> {
  const counts = await queryRows<{ m: string; n: string }>(
    wh,
    `SELECT toString(month_end) AS m, count() AS n FROM ${tableRef(wh, 'scores')}
    WHERE model_name = {n:String} AND model_version = {v:UInt32} AND has({months:Array(Date)}, month_end) GROUP BY month_end`,
    { n: m.model_name, v: m.version, months: monthEnds },
  );
  return new Map(counts.map((r) => [r.m, Number(r.n)]));
}

/**
 * Removes a version's scores of some month-ends before re-scoring, and the counterfactual sentences
 * kept for them (models/counterfactual/kept.ts): one condition, both tables, one DELETE each.
 */
async function deleteScores(wh: Warehouse, name: string, version: number, monthEnds: string[]) {
  for (const table of ['scores', 'loan_counterfactuals'])
    await deleteRows(
      wh,
      table,
      'model_name = {n:String} AND model_version = {v:UInt32} AND has({m:Array(Date)}, month_end)',
      {
        n: name,
        v: version,
        m: monthEnds,
      },
    );
}
