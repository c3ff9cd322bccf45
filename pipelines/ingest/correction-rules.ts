import { tableRef } from '../../warehouse/ddl.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import type { EntitySpec } from './entity-specs.ts';

/**
 * Rules a correction must keep that a new row cannot break: a corrected loan must not be
 * originated after rows already loaded for it (the cross-row rules quarantine a payment, action or
 * event dated before its loan's origination, so such rows could never have been loaded against the
 * corrected loan). As a SELECT of (vline, vreason) over the file's key conflicts, or null when the
 * entity has none.
 */
export function correctionRulesSelect(
  wh: Pick<Warehouse, 'database'>,
  spec: EntitySpec,
  o: { stg: string; conflicts: string },
): string | null {
  if (spec.entity !== 'loans') return null;
  const t = (name: string) => tableRef(wh, name);
  const ofLoans = `loan_id IN (SELECT key FROM ${o.conflicts})`;
  return `SELECT lwq_c.line AS vline,
      concat('origination_date: ', toString(lwq_s.origination_date), ' is after a ', lwq_f.what, ' of this loan already loaded (',
        toString(lwq_f.first_date), '): correct or retract the rows dated before it first') AS vreason
    FROM ${o.conflicts} AS lwq_c
    INNER JOIN (SELECT line, origination_date FROM ${o.stg}) AS lwq_s ON lwq_s.line = lwq_c.line
    INNER JOIN (SELECT loan_id, min(d) AS first_date, argMin(what, d) AS what FROM (
        SELECT loan_id, paid_date AS d, 'payment' AS what FROM ${t('payments')} WHERE ${ofLoans}
        UNION ALL SELECT loan_id, action_date, 'collection action' FROM ${t('collection_actions')} WHERE ${ofLoans}
        UNION ALL SELECT loan_id, event_date, 'event' FROM ${t('loan_events')} WHERE ${ofLoans})
      GROUP BY loan_id) AS lwq_f ON lwq_f.loan_id = lwq_c.key
    WHERE lwq_s.origination_date > lwq_f.first_date`;
}
