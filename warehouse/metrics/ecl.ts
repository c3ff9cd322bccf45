import { queryRows, type Warehouse } from '../connection.ts';
import { tableRef } from '../ddl.ts';
import { MetricRequestError } from './compile.ts';
import { monthEndOf } from '../../lib/dates.ts';
import { runMetric } from './run.ts';

export interface EclStage {
  stage: 1 | 2 | 3;
  loans: number;
  ead: number;
  /** stage 1: 12-month PD; stage 2: lifetime PD over the stage's average remaining term; stage 3: 1 */
  pd: number;
  pd_basis: string;
  lgd: number;
  ecl: number;
  coverage: number | null;
}

/** Basel II foundation-IRB LGD for senior unsecured exposures, used only when the book has no closed workouts yet. */
export const fallbackLgd = 0.45;

/**
 * A simplified collective IFRS 9 expected credit loss at a month-end, from the book's own history:
 * EAD = principal balance of active loans by stage (stage from DPD: > 30 → 2, > 90 or charged off → 3);
 * 12-month PD per stage = share of balance in that stage at each month-end t over the 12 month-ends
 * ending a year before the as-of that had defaulted by t + 12 (balance-weighted, not yet defaulted at t);
 * stage 2 lifetime PD = its PD12 for the first year, then the stage-1 PD12 for each further year of its
 * balance-weighted remaining term (survivors of a year mostly cure): 1 − (1 − PD12₂)(1 − PD12₁)^(years − 1);
 * stage 3 PD = 1; LGD = the EAD-weighted LGD of closed workouts (the lgd metric), 45% without any.
 * No forward-looking overlay: it is the backward-looking base a finance team would adjust.
 */
export async function expectedCreditLoss(
  wh: Warehouse,
  asOfRaw: string,
): Promise<{ as_of: string; lgd_source: string; stages: EclStage[] }> {
  const asOf = monthEndOf(asOfRaw);
  const t = (n: string) => tableRef(wh, n);
  const pds = await queryRows<{ stage: number; pd: number | null; obs: number }>(
    wh,
    `
    SELECT a.ifrs9_stage AS stage, sumIf(toFloat64(a.principal_balance), b.first_default > a.month_end AND b.first_default <= toLastDayOfMonth(addMonths(a.month_end, 12))) / sum(toFloat64(a.principal_balance)) AS pd, count() AS obs
    FROM (SELECT loan_id, month_end, ifrs9_stage, principal_balance FROM ${t('loan_month')}
          WHERE status = 'active' AND default_flag = 0 AND ifrs9_stage < 3 AND principal_balance > 0
            AND month_end > toLastDayOfMonth(addMonths({as_of:Date}, -24)) AND month_end <= toLastDayOfMonth(addMonths({as_of:Date}, -12))) AS a
    LEFT JOIN (SELECT loan_id, minIf(month_end, default_flag = 1) AS first_default FROM ${t('loan_month')}
               WHERE default_flag = 1 GROUP BY loan_id) AS b ON b.loan_id = a.loan_id
    GROUP BY stage ORDER BY stage`,
    { as_of: asOf },
    { join_use_nulls: 0 },
  );
  const book = await queryRows<{ stage: number; loans: string; ead: number; years: number }>(
    wh,
    `
    SELECT ifrs9_stage AS stage, count() AS loans, sum(toFloat64(m.principal_balance)) AS ead,
      sum(toFloat64(m.principal_balance) * greatest(l.term_months - m.mob, 0) / 12) / greatest(sum(toFloat64(m.principal_balance)), 1e-9) AS years
    FROM ${t('loan_month')} AS m INNER JOIN ${t('loans')} AS l ON l.loan_id = m.loan_id
    WHERE m.month_end = {as_of:Date} AND m.status = 'active' GROUP BY stage ORDER BY stage`,
    { as_of: asOf },
  );
  if (book.length === 0) throw new MetricRequestError(`no active loans in the snapshot at ${asOf}`);
  const lgdRun = await runMetric(wh, 'lgd', { as_of: asOf });
  const row = lgdRun.rows[0];
  const closed = Number(row?.closed_workouts ?? 0);
  const lgd =
    closed > 0 && row?.lgd !== null && row?.lgd !== undefined ? Math.min(1, Math.max(0, Number(row.lgd))) : fallbackLgd;
  const lgdSource = closed > 0 ? `closed workouts (${closed})` : `no closed workouts: fallback ${fallbackLgd}`;
  const pd12 = new Map(pds.map((p) => [p.stage, Number(p.pd)]));
  const stages = book.map((b): EclStage => {
    const stage = b.stage as 1 | 2 | 3;
    const p12 = pd12.get(stage) ?? 0;
    const years = Math.max(1, b.years);
    const pd = stage === 3 ? 1 : stage === 2 ? 1 - (1 - p12) * (1 - (pd12.get(1) ?? 0)) ** (years - 1) : p12;
    const basis =
      stage === 3
        ? 'credit-impaired: 1'
        : stage === 2
          ? `lifetime over ${years.toFixed(1)} years: PD12 ${p12.toFixed(4)}, then stage 1's`
          : '12-month, observed';
    const ead = b.ead;
    return {
      stage,
      loans: Number(b.loans),
      ead,
      pd,
      pd_basis: basis,
      lgd,
      ecl: ead * pd * lgd,
      coverage: ead > 0 ? pd * lgd : null,
    };
  });
  return { as_of: asOf, lgd_source: lgdSource, stages };
}
