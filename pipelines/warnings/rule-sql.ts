import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { LoanRule } from './rules.ts';

/** What a loan rule compiles to: rows of (loan_id, value, threshold, evidence JSON) for the date. */
export interface RuleQuery {
  query: string;
  query_params: Record<string, unknown>;
}
export interface RuleContext {
  asOf: string;
  monthEnd: string;
  previousMonthEnd: string;
  champion: { name: string; version: number } | null;
  /** active loans' DPD and overdue amounts on the date (activeDelinquencyQuery) */
  delinquency: RuleQuery;
}

/** Evidence as a JSON object built in ClickHouse: a named tuple serialises to {"name": value, …}. */
const evidence = (fields: [name: string, type: string, expr: string][]) =>
  `toJSONString(CAST((${fields.map((f) => f[2]).join(', ')}), 'Tuple(${fields.map(([n, t]) => `${n} ${t}`).join(', ')})'))`;

const championParams = (c: RuleContext) => ({
  lww_model: c.champion?.name ?? '',
  lww_version: c.champion?.version ?? 0,
  lww_me: c.monthEnd,
  lww_prev: c.previousMonthEnd,
});
const modelLabel = `concat({lww_model:String}, '@', toString({lww_version:UInt32}))`;

/**
 * One query per rule kind. Month-based rules (consecutive overdue, scores) read the last
 * month-end on or before the date; amounts and promises are evaluated on the date itself.
 */
export function loanRuleQuery(wh: Warehouse, rule: LoanRule, c: RuleContext): RuleQuery | { skipped: string } {
  const t = (name: string) => tableRef(wh, name);
  switch (rule.kind) {
    case 'consecutive_overdue':
      // the streak counts month-ends back from the latest one with DPD > 0 to the last month-end at DPD 0 (or the first month)
      return {
        query: `SELECT loan_id, toFloat64(streak) AS value, toFloat64({lww_months:UInt32}) AS threshold,
            ${evidence([
              ['month_end', 'String', 'toString(last_me)'],
              ['months', 'UInt32', 'streak'],
              ['dpd', 'UInt32', 'dpd_now'],
              ['bucket', 'String', 'bucket_now'],
            ])} AS evidence
          FROM (SELECT loan_id, max(month_end) AS last_me, argMax(dpd, month_end) AS dpd_now, argMax(bucket, month_end) AS bucket_now,
              toUInt32(toRelativeMonthNum(max(month_end)) - greatest(maxIf(toRelativeMonthNum(month_end), dpd = 0), toRelativeMonthNum(min(month_end)) - 1)) AS streak
            FROM ${t('loan_month')} WHERE month_end <= {lww_me:Date}
              AND loan_id IN (SELECT loan_id FROM ${t('loan_month')} WHERE month_end = {lww_me:Date} AND dpd > 0 AND status = 'active')
            GROUP BY loan_id)
          WHERE last_me = {lww_me:Date} AND streak >= {lww_months:UInt32}`,
        query_params: { lww_me: c.monthEnd, lww_months: rule.months },
      };
    case 'overdue_amount': {
      const dq = c.delinquency;
      return {
        query: `SELECT loan_id, toFloat64(overdue) AS value, toFloat64({lww_limit:Decimal(38, 2)}) AS threshold,
            ${evidence([
              ['dpd', 'UInt32', 'dpd'],
              ['overdue_principal', 'String', 'toString(op)'],
              ['overdue_interest', 'String', 'toString(oi)'],
            ])} AS evidence
          FROM (SELECT loan_id, dpd, toDecimal128(overdue_principal, 2) AS op, toDecimal128(overdue_interest, 2) AS oi, op + oi AS overdue
                FROM (${dq.query}) WHERE status = 'active')
          WHERE overdue > {lww_limit:Decimal(38, 2)}`,
        query_params: { ...dq.query_params, lww_limit: rule.limit },
      };
    }
    case 'score_above':
      if (!c.champion) return { skipped: 'no champion model: nothing is scored' };
      return {
        query: `SELECT loan_id, probability AS value, {lww_threshold:Float64} AS threshold,
            ${evidence([
              ['model', 'String', modelLabel],
              ['month_end', 'String', 'toString(month_end)'],
              ['probability', 'Float64', 'probability'],
              ['grade', 'String', 'toString(grade)'],
              ['reasons', 'Array(String)', 'reasons'],
            ])} AS evidence
          FROM ${t('scores')} WHERE model_name = {lww_model:String} AND model_version = {lww_version:UInt32} AND month_end = {lww_me:Date}
            AND probability > {lww_threshold:Float64}`,
        query_params: { ...championParams(c), lww_threshold: rule.threshold },
      };
    case 'score_jump':
      if (!c.champion) return { skipped: 'no champion model: nothing is scored' };
      return {
        query: `SELECT loan_id, p_now - p_prev AS value, {lww_delta:Float64} AS threshold,
            ${evidence([
              ['model', 'String', modelLabel],
              ['month_end', 'String', 'toString({lww_me:Date})'],
              ['probability', 'Float64', 'p_now'],
              ['previous_month_end', 'String', 'toString({lww_prev:Date})'],
              ['previous_probability', 'Float64', 'p_prev'],
            ])} AS evidence
          FROM (SELECT loan_id, anyIf(probability, month_end = {lww_me:Date}) AS p_now, anyIf(probability, month_end = {lww_prev:Date}) AS p_prev,
                  countIf(month_end = {lww_me:Date}) AS n_now, countIf(month_end = {lww_prev:Date}) AS n_prev
                FROM ${t('scores')} WHERE model_name = {lww_model:String} AND model_version = {lww_version:UInt32} AND month_end IN ({lww_me:Date}, {lww_prev:Date})
                GROUP BY loan_id)
          WHERE n_now > 0 AND n_prev > 0 AND p_now - p_prev > {lww_delta:Float64}`,
        query_params: { ...championParams(c), lww_delta: rule.delta },
      };
    case 'broken_promise':
      // a promise is broken once its date plus the grace days has passed with less paid since the promise than promised;
      // it fires when that moment falls in the look-back window ending on the date
      return {
        query: `SELECT loan_id, toFloat64(count()) AS value, 1. AS threshold,
            ${evidence([
              ['broken', 'UInt32', 'toUInt32(count())'],
              ['action_id', 'String', 'argMax(action_id, settles)'],
              ['promised_date', 'String', 'toString(argMax(due, settles))'],
              ['promised_amount', 'String', 'toString(argMax(promised, settles))'],
              ['paid', 'String', 'toString(argMax(paid, settles))'],
            ])} AS evidence
          FROM (SELECT q.action_id AS action_id, any(q.loan_id) AS loan_id, any(q.due) AS due, any(q.settles) AS settles, any(q.promised) AS promised,
                  sumIf(p.amount, p.paid_date >= q.action_date AND p.paid_date <= q.settles) AS paid
                FROM (SELECT action_id, loan_id, action_date, ifNull(promised_date, action_date) AS due, addDays(due, {lww_grace:UInt32}) AS settles,
                        ifNull(promised_amount, toDecimal64(0, 2)) AS promised
                      FROM ${t('collection_actions')} WHERE outcome = 'promise_to_pay'
                        AND settles <= {lww_as_of:Date} AND settles > subtractDays({lww_as_of:Date}, {lww_lookback:UInt32})) AS q
                LEFT JOIN (SELECT loan_id, paid_date, amount FROM ${t('payments')} WHERE paid_date <= {lww_as_of:Date}) AS p ON p.loan_id = q.loan_id
                GROUP BY q.action_id)
          WHERE paid < promised GROUP BY loan_id`,
        query_params: { lww_as_of: c.asOf, lww_grace: rule.grace_days, lww_lookback: rule.lookback_days },
      };
  }
}
