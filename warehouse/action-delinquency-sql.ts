import { bucketSql } from './bucket-sql.ts';
import { defaultBucketBounds } from './classification.ts';
import { tableRef } from './ddl.ts';
import { delinquencyOnWindowSql } from './delinquency-on-window-sql.ts';
import { effectiveSchedule } from './schedule/effective-schedule.ts';
import { sql, trusted, type Param, type Sql } from './sql.ts';

/**
 * What DPD on a day depends on besides the data: the grace days, the counting convention (1: from
 * the end of grace) and the bucket bounds — bound parameters from the snapshot's settings
 * (snapshotParams), or in a migration expressions reading them from the stored snapshot (storedSnapshotDpdSettings).
 */
export interface DpdSettingsSql {
  grace: Param | Sql;
  graceEnd: Param | Sql;
  bucketBounds: Param | Sql;
}

/**
 * The settings the latest snapshot run was built with, read from its label (settingsLabel in
 * pipelines/snapshot/snapshot-settings.ts: `grace=Nd;dpd_from=…;buckets=a/b/…;…`): a migration that
 * refills facts from the stored snapshot has no configuration, and its facts must agree with the
 * snapshot's month-end rows. Without a run: no grace, DPD from the due date, the default buckets.
 * Expressions without parameters (a migration's statements are text).
 */
export function storedSnapshotDpdSettings(wh: { database: string }): DpdSettingsSql {
  const label = `ifNull((SELECT argMax(settings, started_at) FROM ${tableRef(wh, 'snapshot_runs')}), '')`;
  const buckets = `extract(${label}, 'buckets=([0-9/]+)')`;
  return {
    grace: trusted(`toUInt16OrZero(extract(${label}, 'grace=([0-9]+)d'))`),
    graceEnd: trusted(`toUInt8(extract(${label}, 'dpd_from=([a-z_]+)') = 'grace_end')`),
    bucketBounds: trusted(
      `if(${buckets} = '', [${defaultBucketBounds.join(', ')}], arrayMap(x -> toUInt32(x), splitByChar('/', ${buckets})))::Array(UInt32)`,
    ),
  };
}

/**
 * Each collection action's loan on the action's day (SPEC §4's DPD: the day minus the due date of
 * the oldest installment not fully paid by that day, with the configured grace), one row per loan
 * and action day: loan_id, day, dpd, bucket (PO, WO for a loan closed by then). Schedule loans are
 * evaluated in closed form (delinquencyOnWindowSql, the case list's mid-month evaluation) on their
 * whole schedule with what the snapshot applies by the day: payments less penalty before any
 * charge-off, plus restructure credits — the `dpd --as-of` reading of the same loan on that day. Tape
 * loans carry their latest month-end row on or before the day, as `dpd --as-of` does (a tape has no
 * intra-month information); a day before a tape loan's first row has no row here (stage unknown).
 *
 * `actions` is the actions' table or a subquery of them (text without parameters), so a pass of
 * the derived facts reads its own loans only; every other read is of those actions' loans.
 */
export function actionDelinquencySql(wh: { database: string }, actions: string, s: DpdSettingsSql): Sql {
  const t = (name: string) => trusted(tableRef(wh, name));
  const worked = trusted(`SELECT loan_id FROM ${actions}`);
  const days = trusted(`SELECT DISTINCT loan_id, action_date AS day FROM ${actions}`);
  // the reach: installments due by the day, and those the amount applied by then can cover
  const schedule = effectiveSchedule(wh, {
    loans: 'lwq_l',
    as: 'lwq_sf',
    filter: sql`loan_id IN (${worked})`,
    reach: { through: trusted('lwq_d.day'), credits: trusted('lwq_p_applied + lwq_r_to_date') },
  });
  const toDay = (values: string, dates: string, cond = '') =>
    `arraySum(arrayFilter((lwq_v, lwq_t) -> lwq_t <= lwq_d.day${cond}, ${values}, ${dates}))`;
  const state = sql`
    SELECT loan_id, day, s_due AS due, s_pr AS principal, s_int AS interest,
      toInt64(0) AS due_before, toInt64(0) AS principal_before, toInt64(0) AS interest_before,
      if(s_prefix, s_principal_cents, arraySum(s_pr)) AS principal_total, explicit_split, charge_off,
      lwq_p_applied + lwq_r_to_date AS P, principal_paid_to_date, r_total - lwq_r_to_date AS restructured_later
    FROM (
      SELECT lwq_l.loan_id AS loan_id, lwq_d.day AS day,
        if(lwq_ev.has_co, lwq_ev.co_raw, toDate('2149-06-06')) AS charge_off,
        -- cash on or after the charge-off is recovery, not a payment that moves DPD (as the snapshot applies it)
        ${trusted(toDay('lwq_pay.pa', 'lwq_pay.pd', ' AND lwq_t < charge_off'))} AS lwq_p_applied,
        ${trusted(toDay('lwq_pay.pp', 'lwq_pay.pd', ' AND lwq_t < charge_off'))} AS principal_paid_to_date,
        ${trusted(toDay('lwq_ev.ra', 'lwq_ev.rd'))} AS lwq_r_to_date, arraySum(lwq_ev.ra) AS r_total,
        lwq_pay.explicit_split AS explicit_split,
        ${schedule.columns}
      FROM (SELECT * FROM ${t('loans')} WHERE loan_id IN (${worked}) AND loan_id NOT IN (SELECT loan_id FROM ${t('performance')})) AS lwq_l
      INNER JOIN (${days}) AS lwq_d ON lwq_d.loan_id = lwq_l.loan_id
      ${schedule.join}
      -- per payment as the snapshot converts it (cents, truncated); explicit_split over all the loan's payments, as there
      LEFT JOIN (SELECT loan_id, groupArray(paid_date) AS pd, groupArray(toInt64((amount - ifNull(penalty_paid, 0)) * 100)) AS pa,
                   groupArray(toInt64(ifNull(principal_paid, 0) * 100)) AS pp, toUInt8(countIf(isNull(principal_paid)) = 0) AS explicit_split
                 FROM ${t('payments')} WHERE loan_id IN (${worked}) GROUP BY loan_id) AS lwq_pay ON lwq_pay.loan_id = lwq_l.loan_id
      LEFT JOIN (SELECT loan_id, countIf(type = 'charge_off') > 0 AS has_co, minIf(event_date, type = 'charge_off') AS co_raw,
                   groupArrayIf(event_date, type = 'restructure') AS rd, groupArrayIf(toInt64(amount * 100), type = 'restructure') AS ra
                 FROM ${t('loan_events')} WHERE loan_id IN (${worked}) GROUP BY loan_id) AS lwq_ev ON lwq_ev.loan_id = lwq_l.loan_id
      -- an action before the loan's origination (quarantined since b156214; older data may hold one) has no state that day
      WHERE lwq_l.origination_date <= lwq_d.day
    )`;
  const bucket = (dpd: string, status: string) => bucketSql(dpd, status, s.bucketBounds);
  const evaluated = delinquencyOnWindowSql(state, {
    date: trusted('day'),
    grace: s.grace,
    graceEnd: s.graceEnd,
    bucket,
    closed: true,
  });
  return sql`
    SELECT loan_id, toDate(as_of) AS day, dpd, bucket FROM (${evaluated})
    UNION ALL
    SELECT lwq_d.loan_id AS loan_id, lwq_d.day AS day, lwq_m.dpd AS dpd, toString(lwq_m.bucket) AS bucket
    FROM (${days}) AS lwq_d
    ASOF INNER JOIN (SELECT loan_id, month_end, dpd, bucket FROM ${t('loan_month')}
                     WHERE source = 'performance' AND loan_id IN (${worked})) AS lwq_m
      ON lwq_m.loan_id = lwq_d.loan_id AND lwq_d.day >= lwq_m.month_end`;
}
