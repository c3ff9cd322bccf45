import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { expectedCreditLoss } from '../../warehouse/metrics/ecl.ts';
import { markovLossForecast } from '../../warehouse/metrics/forecast.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { MetricRequestError } from '../../warehouse/metrics/compile.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';
import type { DatasetName, ReportPeriod, Row } from '../template.ts';

/**
 * The report datasets that are not a single declared metric: each one calls the metrics layer,
 * the ECL / forecast modules, or reads what the models and warnings steps stored.
 */
export const datasets: Record<DatasetName, (wh: Warehouse, p: ReportPeriod) => Promise<Row[]>> = {
  /** expected charge-offs per month ahead (the roll-rate Markov forecast from the period's month-end) */
  forecast: async (wh, p) => (await markovLossForecast(wh, { as_of: p.monthEnd, from: p.from, to: p.monthEnd }, 12)).months
    .map((m) => ({ month_ahead: m.month, charged_off: m.charged_off, paid_off: m.paid_off })),

  ecl: async (wh, p) => {
    const e = await expectedCreditLoss(wh, p.monthEnd).catch((err: unknown) => {
      if (err instanceof MetricRequestError) return null; // no active loans that month: the chart says "no data"
      throw err;
    });
    if (!e) return [];
    return e.stages.map((s) => ({ stage: s.stage, loans: s.loans, ead: s.ead, pd: s.pd, pd_basis: s.pd_basis, lgd: s.lgd, lgd_source: e.lgd_source, ecl: s.ecl, coverage: s.coverage }));
  },

  /** 拨备覆盖率 = provisions / NPL balance, 贷款拨备率 = provisions / outstanding loans, for month-ends with a loaded provision */
  provision_coverage: async (wh, p) => {
    const book = await runMetric(wh, 'overdue', { from: p.from, to: p.monthEnd });
    const prov = new Map((await queryRows<{ m: string; v: string }>(wh, `SELECT toString(month_end) AS m, toString(argMax(provision, loaded_at)) AS v
      FROM ${tableRef(wh, 'provisions')} WHERE month_end BETWEEN {f:Date} AND {t:Date} GROUP BY month_end`, { f: p.from, t: p.monthEnd })).map((r) => [r.m, Number(r.v)]));
    return book.rows.filter((r) => prov.has(String(r.month_end))).map((r) => {
      const provision = prov.get(String(r.month_end))!;
      const npl = Number(r.npl), outstanding = Number(r.outstanding);
      return { month_end: String(r.month_end), provision, npl_balance: npl, outstanding, provision_coverage: npl > 0 ? provision / npl : null, provision_ratio: outstanding > 0 ? provision / outstanding : null };
    });
  },

  /** the champion's scores at the month-end by grade (loans and balance) */
  score_distribution: async (wh, p) => {
    const champion = await latestChampionEvent(wh, targetName(defaultTarget));
    if (!champion) return [];
    return queryRows<Row>(wh, `SELECT toString(s.grade) AS grade, count() AS loans, toFloat64(sum(f.principal_balance)) AS balance, avg(s.probability) AS mean_probability
      FROM ${tableRef(wh, 'scores')} AS s INNER JOIN ${tableRef(wh, 'ew_features')} AS f ON f.loan_id = s.loan_id AND f.month_end = s.month_end
      WHERE s.model_name = {n:String} AND s.model_version = {v:UInt32} AND s.month_end = {m:Date} GROUP BY grade ORDER BY grade`,
    { n: champion.model_name, v: champion.version, m: p.monthEnd });
  },

  /** the champion's stored monitoring (loanwatch evaluate / warnings): PSI and realised AUC by month-end */
  monitoring: async (wh, p) => {
    const champion = await latestChampionEvent(wh, targetName(defaultTarget));
    if (!champion) return [];
    // month_end is renamed only outside: an alias named like the column would shadow it in WHERE
    return queryRows<Row>(wh, `SELECT toString(me) AS month_end, psi AS score_psi, a AS auc, loans FROM (
        SELECT month_end AS me, argMax(score_psi, computed_at) AS psi, argMax(auc, computed_at) AS a, argMax(n, computed_at) AS loans
        FROM ${tableRef(wh, 'model_monitoring')} WHERE model = {m:String} AND month_end <= {t:Date} GROUP BY month_end) ORDER BY me`,
    { m: `${champion.model_name}@${champion.version}`, t: p.monthEnd });
  },

  /** warnings fired for the month-end, by rule and severity */
  warnings_summary: async (wh, p) => queryRows<Row>(wh, `SELECT rule_id, toString(severity) AS severity, count() AS warnings
    FROM ${tableRef(wh, 'warnings')} WHERE as_of = {m:Date} GROUP BY rule_id, severity ORDER BY warnings DESC, rule_id LIMIT 12`, { m: p.monthEnd }),
};
