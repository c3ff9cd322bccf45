import { addDays } from '../../../lib/dates.ts';
import { querySql, type Warehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { param, sql, trusted, type Param } from '../../../warehouse/sql.ts';
import type { DelinquencySettings } from '../../../warehouse/config.ts';
import { effectiveSchedule } from '../../snapshot/schedule-path-sql.ts';
import { contactOutcomes, type IncentiveContact, type IncentivePlacement } from './attribution.ts';
import { placementWindowsSql } from '../../../warehouse/metrics/workout-sources.ts';
import { defaultAgencyTerms } from '../../../warehouse/workout/agency-terms.ts';
import type { IncentiveCash, IncentiveCure, IncentiveInputs, IncentivePromise } from './award.ts';
import type { IncentiveBreach } from './breaches.ts';
import type { IncentiveScheme } from './scheme.ts';
import { promiseRowsSql } from '../../../warehouse/metrics/promise-sources.ts';

/** First and last day of a YYYY-MM month. */
export function monthBounds(month: string): { start: string; end: string } {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { start: `${month}-01`, end };
}

interface Bounds {
  start: Param;
  end: Param;
}

const t = (wh: Warehouse, name: string) => trusted(tableRef(wh, name));

/** Payments and recovery/settlement events of the month (the cash an agent can be credited with). */
const cashOfMonth = (wh: Warehouse, b: Bounds) => sql`
  SELECT payment_id AS cash_id, loan_id, paid_date AS cash_date, amount, 'payment' AS source
  FROM ${t(wh, 'payments')} WHERE paid_date BETWEEN ${b.start} AND ${b.end}
  UNION ALL
  SELECT event_id, loan_id, event_date, ifNull(amount, toDecimal64(0, 2)), type
  FROM ${t(wh, 'loan_events')} WHERE type IN ('recovery', 'settlement') AND event_date BETWEEN ${b.start} AND ${b.end}`;

/**
 * The month's cash with the loan's DPD just before it (SPEC §4 at the cash's day, counting only
 * what was paid on earlier days): P = payments less penalty before the day; the oldest instalment
 * not fully paid is the first whose cumulative amount due exceeds P; DPD counts from its due date
 * once grace has lapsed. Charged off on or before the day: recovery (late stage, bucket WO).
 * Restructure credits are not counted here (a restructured loan's DPD may read higher than the
 * snapshot's until its next month-end).
 */
async function loadCash(wh: Warehouse, b: Bounds, settings: DelinquencySettings): Promise<IncentiveCash[]> {
  const grace = param(settings.graceDays, 'UInt16');
  const graceEnd = param(settings.dpdConvention === 'grace_end' ? 1 : 0, 'UInt8');
  const cashLoans = sql`SELECT loan_id FROM (${cashOfMonth(wh, b)})`;
  const sched = effectiveSchedule(wh, { loans: 'lwq_l', as: 'lwq_sf', filter: sql`loan_id IN (${cashLoans})` });
  const rows = await querySql<{
    cash_id: string;
    loan_id: string;
    date: string;
    amount: string;
    source: IncentiveCash['source'];
    dpd: number;
    charged_off: number;
  }>(
    wh,
    sql`
    SELECT lwq_c.cash_id AS cash_id, lwq_c.loan_id AS loan_id, toString(lwq_c.cash_date) AS date, toString(lwq_c.amount) AS amount,
      lwq_c.source AS source, toUInt8(lwq_co.co_date IS NOT NULL AND lwq_co.co_date <= lwq_c.cash_date) AS charged_off,
      ${sched.columns},
      arrayCumSum(arrayMap((lwq_i, lwq_p) -> lwq_i + lwq_p, s_int, s_pr)) AS lwq_cum,
      arraySum(arrayFilter((lwq_a, lwq_d) -> lwq_d < lwq_c.cash_date, ifNull(lwq_pp.pa, []), ifNull(lwq_pp.pd, []))) AS lwq_before,
      arrayFirstIndex(lwq_x -> lwq_x > lwq_before, lwq_cum) AS lwq_oldest,
      toUInt32(if(lwq_oldest > 0 AND addDays(s_due[lwq_oldest], ${grace}) < lwq_c.cash_date,
        greatest(dateDiff('day', s_due[lwq_oldest], lwq_c.cash_date) - if(${graceEnd} = 1, ${grace}, 0), 0), 0)) AS dpd
    FROM (${cashOfMonth(wh, b)}) AS lwq_c
    INNER JOIN ${t(wh, 'loans')} AS lwq_l ON lwq_l.loan_id = lwq_c.loan_id
    ${sched.join}
    LEFT JOIN (SELECT loan_id, min(event_date) AS co_date FROM ${t(wh, 'loan_events')}
               WHERE type = 'charge_off' AND loan_id IN (${cashLoans}) GROUP BY loan_id) AS lwq_co ON lwq_co.loan_id = lwq_c.loan_id
    LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64(round((amount - ifNull(penalty_paid, 0)) * 100))) AS pa
               FROM ${t(wh, 'payments')} WHERE loan_id IN (${cashLoans}) AND paid_date <= ${b.end} GROUP BY loan_id) AS lwq_pp
      ON lwq_pp.loan_id = lwq_c.loan_id
    ORDER BY cash_date, cash_id`,
    { join_use_nulls: 1 },
  );
  return rows.map((r) => ({
    cash_id: r.cash_id,
    loan_id: r.loan_id,
    date: r.date,
    amount: Number(r.amount),
    source: r.source,
    dpd: r.dpd,
    charged_off: r.charged_off === 1,
  }));
}

/** Contacts (outcome contacted, promise_to_pay, paid) from N days before the month to its end. */
const loadContacts = (wh: Warehouse, from: Param, b: Bounds) =>
  querySql<IncentiveContact>(
    wh,
    sql`SELECT action_id, loan_id, toString(action_date) AS action_date, toString(channel) AS channel, agent_id, toString(team) AS team,
          toString(action_time) AS action_time
        FROM ${t(wh, 'collection_actions')} AS lwq_a
        WHERE lwq_a.action_date BETWEEN ${from} AND ${b.end} AND lwq_a.outcome IN ${param([...contactOutcomes], 'Array(String)')}
        ORDER BY loan_id, action_date, action_id`,
  );

/**
 * Loans current or paid off (C, PO) at the month-end that were delinquent (M1 … M7+) at the month-end
 * before: a cure as the collections metric counts it (a delinquent loan paid off in full is cured too).
 */
const loadCures = (wh: Warehouse, b: Bounds) =>
  querySql<IncentiveCure>(
    wh,
    sql`SELECT loan_id, toString(month_end) AS month_end, toString(prev_bucket) AS from_bucket, toString(bucket) AS to_bucket
        FROM ${t(wh, 'loan_month')} AS lwq_m
        WHERE lwq_m.month_end = ${b.end} AND lwq_m.bucket IN ('C', 'PO') AND lwq_m.prev_bucket NOT IN ('', 'C', 'PO', 'WO')
        ORDER BY loan_id`,
  );

/**
 * Agents' promises (not an agency's) whose deadline — promised date + grace — falls in the month, judged
 * by the promise lifecycle (issue 22, item 2: warehouse/metrics/promise-sources.ts) at the month-end, so
 * the multiplier's kept rate is the promise KPIs' (a payment is not counted for two overlapping promises).
 */
async function loadPromises(wh: Warehouse, b: Bounds, graceDays: number): Promise<IncentivePromise[]> {
  const rows = await querySql<{
    id: string;
    loan: string;
    agent: string;
    team_name: string;
    made: string;
    due: string;
    promised: string | null;
    paid_amount: string;
    state: string;
  }>(
    wh,
    sql`
    SELECT action_id AS id, loan_id AS loan, agent, team AS team_name, toString(action_date) AS made, toString(deadline) AS due,
      if(has_amount, toString(promised_cents / 100), NULL) AS promised, toString(paid_cents / 100) AS paid_amount, status AS state
    FROM (${promiseRowsSql(trusted(wh.database), sql`${b.end}`, sql`${param(graceDays, 'UInt16')}`)})
    WHERE channel != 'agency' AND deadline BETWEEN ${b.start} AND ${b.end}
    ORDER BY id`,
  );
  return rows.map((r) => ({
    action_id: r.id,
    loan_id: r.loan,
    agent_id: r.agent,
    team: r.team_name,
    action_date: r.made,
    deadline: r.due,
    promised_amount: r.promised === null ? null : Number(r.promised),
    paid: Number(r.paid_amount),
    status: r.state,
  }));
}

/**
 * The agency placements whose window (the day after the placement to its recall or period's end)
 * reaches into the month, as agency_performance credits them (placementWindowsSql, the default terms'
 * period): the cash and cures in them are the agency's.
 */
async function loadPlacements(wh: Warehouse, b: Bounds): Promise<IncentivePlacement[]> {
  const rows = await querySql<{ loan_id: string; agency: string; first_day: string; last_day: string }>(
    wh,
    sql`SELECT loan_id, agency, toString(addDays(placed_date, 1)) AS first_day, toString(end_date) AS last_day
      FROM (${placementWindowsSql(trusted(wh.database), sql`${b.end}`, defaultAgencyTerms.placement_days)})
      WHERE end_date >= ${b.start} AND end_date > placed_date`,
  );
  return rows.map((r) => ({ loan_id: r.loan_id, agency: r.agency, from: r.first_day, to: r.last_day }));
}

/** Everything the scheme's arithmetic reads for one month (breaches are given: see breaches.ts). */
export async function loadIncentiveInputs(
  wh: Warehouse,
  o: { month: string; scheme: IncentiveScheme; settings: DelinquencySettings; breaches: IncentiveBreach[] },
): Promise<IncentiveInputs> {
  const { start, end } = monthBounds(o.month);
  const b = { start: param(start, 'Date'), end: param(end, 'Date') };
  const from = param(addDays(start, -o.scheme.attribution_days), 'Date');
  const [cash, contacts, cures, promises, placements] = [
    await loadCash(wh, b, o.settings),
    await loadContacts(wh, from, b),
    await loadCures(wh, b),
    await loadPromises(wh, b, o.scheme.multiplier.promise_grace_days),
    await loadPlacements(wh, b),
  ];
  return { month: o.month, month_end: end, contacts, cash, cures, promises, breaches: o.breaches, placements };
}
