import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { correctionAuditKey } from '../snapshot/corrected-loans.ts';
import { recordedActionKey, seenKeysSql } from '../snapshot/run-ledger.ts';

/**
 * The loans whose promises collection_facts may not hold as they are stored now, though no file was
 * loaded since the snapshot: a promise recorded in the console or the API that no completed snapshot
 * run has seen (a recorded action is not an ingest, so the snapshot still reads fresh), and the loans
 * of a collection action corrected or withdrawn since (row_corrections rows not seen: the old and the
 * new loan). The same ledger the next refresh reads to rebuild their facts (run-ledger.ts,
 * corrected-loans.ts). A reader that takes promise states from a fresh snapshot's facts judges these
 * loans' promises from the actions instead. Few loans (what people recorded since the last run), read
 * once per list: the ledger's keys of the recorded actions and the audit rows alone.
 */
export async function loansWithPromisesSinceSnapshot(wh: Warehouse): Promise<string[]> {
  const rows = await queryRows<{ loan_id: string }>(
    wh,
    `SELECT DISTINCT loan_id FROM (
      SELECT loan_id FROM ${tableRef(wh, 'collection_actions')}
      WHERE source != 'file' AND outcome = 'promise_to_pay' AND ${recordedActionKey} NOT IN (${seenKeysSql(wh, 'recorded_action')})
      UNION ALL
      SELECT arrayJoin([old_loan_id, new_loan_id]) AS loan_id FROM ${tableRef(wh, 'row_corrections')}
      WHERE entity = 'collection_actions' AND ${correctionAuditKey} NOT IN (${seenKeysSql(wh, 'correction')}))
    WHERE loan_id != '' ORDER BY loan_id`,
  );
  return rows.map((r) => r.loan_id);
}
