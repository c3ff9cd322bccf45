import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { joinSql, param, sql, sqlStringLiteral, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import type { LoanRule } from './rules.ts';
import { defaultTarget } from '../../warehouse/feature-catalogue.ts';

export interface RuleContext {
  asOf: string;
  monthEnd: string;
  previousMonthEnd: string;
  champion: { name: string; version: number } | null;
  /** active loans' DPD and overdue amounts on the date (activeDelinquencyQuery's fragment) */
  delinquency: Sql;
}

/** Evidence as a JSON object built in ClickHouse: a named tuple serialises to {"name": value, …}. */
const evidence = (fields: [name: string, type: string, expr: Sql | string][]) => {
  const values = joinSql(
    fields.map(([, , e]) => (typeof e === 'string' ? trusted(e) : e)),
    ', ',
  );
  // CAST's target type is a constant of the code's, inlined
  const type = sqlStringLiteral(`Tuple(${fields.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  return sql`toJSONString(CAST((${values}), ${trusted(type)}))`;
};

/** The champion's scores of a date: its name, version and the month-ends read, as bound values. */
const championParams = (c: RuleContext) => ({
  model: param(c.champion?.name ?? '', 'String'),
  version: param(c.champion?.version ?? 0, 'UInt32'),
  me: param(c.monthEnd, 'Date'),
  prev: param(c.previousMonthEnd, 'Date'),
});
const modelLabel = (p: { model: Param; version: Param }) => sql`concat(${p.model}, '@', toString(${p.version}))`;
/**
 * The loans in the model's population at the month-end (active, DPD ≤ the target's threshold): a score
 * of a loan already past it is no early warning (api/score-population.ts), and the warnings'
 * effectiveness counts only these — a score rule fired on every loan in collections besides.
 */
const inScorePopulation = (wh: Warehouse, me: Param) =>
  sql`loan_id IN (SELECT loan_id FROM ${trusted(tableRef(wh, 'loan_month'))}
    WHERE month_end = ${me} AND status = 'active' AND dpd <= ${param(defaultTarget.dpdThreshold, 'UInt32')})`;

/**
 * One query per rule kind, as rows of (loan_id, value, threshold, evidence JSON) for the date.
 * Month-based rules (consecutive overdue, scores) read the last month-end on or before the date;
 * amounts and promises are evaluated on the date itself.
 */
export function loanRuleQuery(wh: Warehouse, rule: LoanRule, c: RuleContext): Sql | { skipped: string } {
  const t = (name: string) => trusted(tableRef(wh, name));
  switch (rule.kind) {
    case 'consecutive_overdue': {
      // the streak counts month-ends back from the latest one with DPD > 0 to the last month-end at DPD 0 (or the first month)
      const me = param(c.monthEnd, 'Date');
      const months = param(rule.months, 'UInt32');
      return sql`SELECT loan_id, toFloat64(streak) AS value, toFloat64(${months}) AS threshold,
            ${evidence([
              ['month_end', 'String', 'toString(last_me)'],
              ['months', 'UInt32', 'streak'],
              ['dpd', 'UInt32', 'dpd_now'],
              ['bucket', 'String', 'bucket_now'],
            ])} AS evidence
          FROM (SELECT loan_id, max(month_end) AS last_me, argMax(dpd, month_end) AS dpd_now, argMax(bucket, month_end) AS bucket_now,
              toUInt32(toRelativeMonthNum(max(month_end)) - greatest(maxIf(toRelativeMonthNum(month_end), dpd = 0), toRelativeMonthNum(min(month_end)) - 1)) AS streak
            FROM ${t('loan_month')} WHERE month_end <= ${me}
              AND loan_id IN (SELECT loan_id FROM ${t('loan_month')} WHERE month_end = ${me} AND dpd > 0 AND status = 'active')
            GROUP BY loan_id)
          WHERE last_me = ${me} AND streak >= ${months}`;
    }
    case 'overdue_amount': {
      const limit = param(rule.limit, 'Decimal(38, 2)');
      return sql`SELECT loan_id, toFloat64(overdue) AS value, toFloat64(${limit}) AS threshold,
            ${evidence([
              ['dpd', 'UInt32', 'dpd'],
              ['overdue_principal', 'String', 'toString(op)'],
              ['overdue_interest', 'String', 'toString(oi)'],
            ])} AS evidence
          FROM (SELECT loan_id, dpd, toDecimal128(overdue_principal, 2) AS op, toDecimal128(overdue_interest, 2) AS oi, op + oi AS overdue
                FROM (${c.delinquency}) WHERE status = 'active')
          WHERE overdue > ${limit}`;
    }
    case 'score_above': {
      if (!c.champion) return { skipped: 'no champion model: nothing is scored' };
      const p = championParams(c);
      const threshold = param(rule.threshold, 'Float64');
      return sql`SELECT loan_id, probability AS value, ${threshold} AS threshold,
            ${evidence([
              ['model', 'String', modelLabel(p)],
              ['month_end', 'String', 'toString(month_end)'],
              ['probability', 'Float64', 'probability'],
              ['grade', 'String', 'toString(grade)'],
              ['reasons', 'Array(String)', 'reasons'],
            ])} AS evidence
          FROM ${t('scores')} WHERE model_name = ${p.model} AND model_version = ${p.version} AND month_end = ${p.me}
            AND probability > ${threshold} AND ${inScorePopulation(wh, p.me)}`;
    }
    case 'score_jump': {
      if (!c.champion) return { skipped: 'no champion model: nothing is scored' };
      const p = championParams(c);
      const delta = param(rule.delta, 'Float64');
      return sql`SELECT loan_id, p_now - p_prev AS value, ${delta} AS threshold,
            ${evidence([
              ['model', 'String', modelLabel(p)],
              ['month_end', 'String', sql`toString(${p.me})`],
              ['probability', 'Float64', 'p_now'],
              ['previous_month_end', 'String', sql`toString(${p.prev})`],
              ['previous_probability', 'Float64', 'p_prev'],
            ])} AS evidence
          FROM (SELECT loan_id, anyIf(probability, month_end = ${p.me}) AS p_now, anyIf(probability, month_end = ${p.prev}) AS p_prev,
                  countIf(month_end = ${p.me}) AS n_now, countIf(month_end = ${p.prev}) AS n_prev
                FROM ${t('scores')} WHERE model_name = ${p.model} AND model_version = ${p.version} AND month_end IN (${p.me}, ${p.prev})
                  AND ${inScorePopulation(wh, p.me)}
                GROUP BY loan_id)
          WHERE n_now > 0 AND n_prev > 0 AND p_now - p_prev > ${delta}`;
    }
    case 'broken_promise': {
      // a promise is broken once its date plus the grace days has passed with less paid since the promise than promised;
      // it fires when that moment falls in the look-back window ending on the date
      const asOf = param(c.asOf, 'Date');
      return sql`SELECT loan_id, toFloat64(count()) AS value, 1. AS threshold,
            ${evidence([
              ['broken', 'UInt32', 'toUInt32(count())'],
              ['action_id', 'String', 'argMax(action_id, settles)'],
              ['promised_date', 'String', 'toString(argMax(due, settles))'],
              ['promised_amount', 'String', 'toString(argMax(promised, settles))'],
              ['paid', 'String', 'toString(argMax(paid, settles))'],
            ])} AS evidence
          FROM (SELECT q.action_id AS action_id, any(q.loan_id) AS loan_id, any(q.due) AS due, any(q.settles) AS settles, any(q.promised) AS promised,
                  sumIf(p.amount, p.paid_date >= q.action_date AND p.paid_date <= q.settles) AS paid
                FROM (SELECT action_id, loan_id, action_date, ifNull(promised_date, action_date) AS due, addDays(due, ${param(rule.grace_days, 'UInt32')}) AS settles,
                        ifNull(promised_amount, toDecimal64(0, 2)) AS promised
                      FROM ${t('collection_actions')} WHERE outcome = 'promise_to_pay'
                        AND settles <= ${asOf} AND settles > subtractDays(${asOf}, ${param(rule.lookback_days, 'UInt32')})) AS q
                LEFT JOIN (SELECT loan_id, paid_date, amount FROM ${t('payments')} WHERE paid_date <= ${asOf}) AS p ON p.loan_id = q.loan_id
                GROUP BY q.action_id)
          WHERE paid < promised GROUP BY loan_id`;
    }
  }
}
