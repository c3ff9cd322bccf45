import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { defaultWatchGrades } from './strategy.ts';
import type { ModelVersion } from '../../models/registry/registry.ts';
import { counterfactualSpec, searchAndKeepCounterfactuals } from '../../models/counterfactual/kept.ts';

/**
 * Searches and keeps the counterfactual sentences of a month-end's likely cases right after the
 * month-end is scored: the loans the score puts on that date's case list with a model probability
 * (active, DPD 1–30, or current at a watch grade) that have no sentence kept for this score yet.
 * The first case list after a nightly score would otherwise search them all while a collector
 * waits (44,000 loans of the 1M book: about 26 s); a list still searches the few loans it has no
 * sentence for (a loan that turned delinquent after the month-end). The sentences are the case
 * list's own: the book's default actions, the next better grade.
 */
export async function keepMonthEndCounterfactuals(
  wh: Warehouse,
  m: Pick<ModelVersion, 'model_name' | 'version' | 'artifact'>,
  monthEnd: string,
): Promise<{ searched: number }> {
  const t = (name: string) => trusted(tableRef(wh, name));
  const spec = counterfactualSpec();
  const name = param(m.model_name, 'String');
  const version = param(m.version, 'UInt32');
  const me = param(monthEnd, 'Date');
  const likely = await querySql<{ loan_id: string; scored_at: number }>(
    wh,
    sql`SELECT s.loan_id AS loan_id, toUInt32(s.scored_at) AS scored_at
      FROM (SELECT loan_id, scored_at, grade FROM ${t('scores')}
            WHERE model_name = ${name} AND model_version = ${version} AND month_end = ${me}) AS s
      INNER JOIN (SELECT loan_id, dpd FROM ${t('loan_month')} WHERE month_end = ${me} AND status = 'active' AND dpd <= 30) AS d
        ON d.loan_id = s.loan_id
      WHERE (d.dpd > 0 OR s.grade IN ${param(defaultWatchGrades, 'Array(String)')})
        AND (s.loan_id, toUInt32(s.scored_at)) NOT IN (
          SELECT loan_id, toUInt32(scored_at) FROM ${t('loan_counterfactuals')}
          WHERE model_name = ${name} AND model_version = ${version} AND month_end = ${me} AND spec = ${param(spec, 'String')})
      ORDER BY loan_id`,
  );
  if (likely.length === 0) return { searched: 0 };
  await searchAndKeepCounterfactuals(
    wh,
    m.artifact,
    { model: { name: m.model_name, version: m.version }, monthEnd, spec },
    likely,
  );
  return { searched: likely.length };
}
