import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { placementHistory, type LoanEvent } from '../collections/agency/rules.ts';

/**
 * The agency each loan is placed with on the date (its open placement, by the same history the
 * placements command reads: pipelines/collections/agency/rules.ts); loans worked in house are
 * absent. A placed loan stays on the case list — its balance is still at risk — but says so, where
 * it had looked like any other in-house case. Read for the whole book, needing no case: placement
 * events are few, and the read goes out with the list's first statements instead of after them.
 */
export async function openPlacements(wh: Warehouse, asOf: string): Promise<Map<string, string>> {
  const rows = await querySql<{ loan_id: string; event_id: string; day: string; kind: string; note: string }>(
    wh,
    sql`SELECT loan_id, event_id, toString(event_date) AS day, toString(type) AS kind, note
      FROM ${trusted(tableRef(wh, 'loan_events'))}
      WHERE type IN ('agency_placement', 'agency_recall') AND event_date <= ${param(asOf, 'Date')}
      ORDER BY loan_id`,
  );
  const byLoan = new Map<string, LoanEvent[]>();
  for (const r of rows) {
    const events = byLoan.get(r.loan_id) ?? [];
    events.push({ event_id: r.event_id, event_date: r.day, type: r.kind, note: r.note, amount: 0 });
    byLoan.set(r.loan_id, events);
  }
  const out = new Map<string, string>();
  for (const [loan, events] of byLoan) {
    const open = placementHistory(events).placements.find((p) => p.recalled_date === null);
    if (open) out.set(loan, open.agency);
  }
  return out;
}
