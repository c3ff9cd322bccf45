import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';

/**
 * The agency each loan is placed with on the date (its open placement, by the rule the placements
 * command's history follows: pipelines/collections/agency/rules.ts placementHistory); loans worked
 * in house are absent. A placed loan stays on the case list — its balance is still at risk — but
 * says so, where it had looked like any other in-house case.
 *
 * Decided in the engine for the whole book, needing no case, so it goes out with the list's first
 * statements: a recall closes the earliest open placement with its agency, so per loan and agency the
 * open placements are the last `open` of its placements, `open` being the placements less the recalls
 * that found one open (a running count that does not go below zero); the loan's agency is that of its
 * earliest open placement. Only the placed loans come back (8,428 on the 1M bench book, where
 * returning its 118,256 placement and recall events to fold in Node took ten times as long).
 */
export async function openPlacements(wh: Warehouse, asOf: string): Promise<Map<string, string>> {
  const rows = await querySql<{ loan_id: string; agency: string }>(
    wh,
    sql`SELECT loan_id, argMin(agency, first_open) AS agency FROM (
        SELECT loan_id, note AS agency,
          -- in the order of the history: by date, then event id
          arraySort(x -> (x.1, x.2), groupArray((event_date, event_id, type = 'agency_placement'))) AS history,
          arrayFilter(x -> x.3, history) AS placed,
          arrayFold((open, x) -> toInt64(if(x.3, open + 1, greatest(open - 1, 0))), history, toInt64(0)) AS open,
          placed[length(placed) - open + 1] AS first_open
        FROM ${trusted(tableRef(wh, 'loan_events'))}
        WHERE type IN ('agency_placement', 'agency_recall') AND event_date <= ${param(asOf, 'Date')}
        GROUP BY loan_id, note
        HAVING open > 0)
      GROUP BY loan_id`,
  );
  return new Map(rows.map((r) => [r.loan_id, r.agency]));
}
