import { tableRef } from '../../warehouse/ddl.ts';
import { exec, type Warehouse } from '../../warehouse/connection.ts';
import type { EntitySpec } from './entity-specs.ts';
import { scheduleRule } from './schedule-rule.ts';

/**
 * Rules a correction must keep that a new row cannot break: the rows already loaded under a
 * corrected loan must still pass the rules their first load applied against it.
 * - its origination may not move after a payment, collection action or event already loaded for it
 *   (the cross-row rules quarantine one dated before its loan's origination);
 * - its principal may not rise above what its loaded schedule repays (the schedule rule, scheduleRule,
 *   judged the schedule against the principal: a schedule short of it makes the rest disappear from
 *   every balance). Only that check, and only on a raise: a loaded schedule's gap or shortfall (a
 *   retracted installment) is not the correction's doing.
 * A customer's rows need nothing: a loan reads only whether its customer is loaded, which a
 * correction under the same key keeps (the new customer of a corrected loan is checked by the
 * cross-row rules, as in a load).
 *
 * Fills `rules` (vline, vreason) with the file's key-conflict lines that break one; returns whether
 * the entity has such rules (none: the table is not created).
 */
export async function correctionRules(
  wh: Warehouse,
  spec: EntitySpec,
  o: { stg: string; conflicts: string; rules: string; scheduleRules: string },
): Promise<boolean> {
  if (spec.entity !== 'loans') return false;
  const t = (name: string) => tableRef(wh, name);
  const ofLoans = `loan_id IN (SELECT key FROM ${o.conflicts})`;
  await exec(wh, `DROP TABLE IF EXISTS ${o.rules}`);
  await exec(wh, `CREATE TABLE ${o.rules} (vline UInt64, vreason String) ENGINE = Memory`);
  await exec(
    wh,
    `INSERT INTO ${o.rules} SELECT lwq_c.line AS vline,
      concat('origination_date: ', toString(lwq_s.origination_date), ' is after a ', lwq_f.what, ' of this loan already loaded (',
        toString(lwq_f.first_date), '): correct or retract the rows dated before it first') AS vreason
    FROM ${o.conflicts} AS lwq_c
    INNER JOIN (SELECT line, origination_date FROM ${o.stg}) AS lwq_s ON lwq_s.line = lwq_c.line
    INNER JOIN (SELECT loan_id, min(d) AS first_date, argMin(what, d) AS what FROM (
        SELECT loan_id, paid_date AS d, 'payment' AS what FROM ${t('payments')} WHERE ${ofLoans}
        UNION ALL SELECT loan_id, action_date, 'collection action' FROM ${t('collection_actions')} WHERE ${ofLoans}
        UNION ALL SELECT loan_id, event_date, 'event' FROM ${t('loan_events')} WHERE ${ofLoans})
      GROUP BY loan_id) AS lwq_f ON lwq_f.loan_id = lwq_c.key
    WHERE lwq_s.origination_date > lwq_f.first_date`,
  );
  // the loaded schedule of each loan whose principal the correction raises (a schedule already short of
  // the loaded principal, an installment retracted, is not the correction's doing), as a schedule
  // file's stage under the loan's line, judged against the corrected principal: the rule's own merge
  // of file and loaded rows then reads the loaded schedule alone
  const corrected = `(SELECT lwq_c.line AS line, lwq_s.loan_id AS loan_id, lwq_s.principal AS principal
    FROM ${o.conflicts} AS lwq_c INNER JOIN (SELECT line, loan_id, principal FROM ${o.stg}) AS lwq_s ON lwq_s.line = lwq_c.line
    INNER JOIN (SELECT loan_id, principal FROM ${t('loans')} WHERE ${ofLoans}) AS lwq_o ON lwq_o.loan_id = lwq_c.key
    WHERE lwq_s.principal > lwq_o.principal)`;
  await exec(wh, `DROP TABLE IF EXISTS ${o.scheduleRules}`);
  await exec(wh, `CREATE TABLE ${o.scheduleRules} (line UInt64, reason String) ENGINE = Memory`);
  await scheduleRule(wh, {
    stg: `(SELECT lwq_l.line AS line, '' AS reason, lwq_d.loan_id AS loan_id, lwq_d.installment_no AS installment_no,
        lwq_d.due_date AS due_date, lwq_d.principal_due AS principal_due
      FROM ${t('schedule')} AS lwq_d INNER JOIN ${corrected} AS lwq_l ON lwq_l.loan_id = lwq_d.loan_id)`,
    loans: corrected,
    rules: o.scheduleRules,
  });
  await exec(
    wh,
    `INSERT INTO ${o.rules} SELECT line, concat('principal: the loaded ', any(reason), ': correct the schedule first (a run corrects loans before schedules)')
    FROM ${o.scheduleRules} WHERE position(reason, 'principal_due sums to') > 0 GROUP BY line`,
  );
  await exec(wh, `DROP TABLE IF EXISTS ${o.scheduleRules}`);
  return true;
}
