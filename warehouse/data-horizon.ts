import { queryRows, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';

/**
 * The last day the loaded data speaks for: the latest payment, action, event, origination or tape
 * month. A date after it would count every installment falling due since as unpaid, because the
 * payments that settle them are not loaded yet. Null when nothing is loaded.
 */
export async function dataLastDate(wh: Warehouse): Promise<string | null> {
  const [r] = await queryRows<{ d: string }>(
    wh,
    `SELECT toString(greatest(
      (SELECT max(paid_date) FROM ${tableRef(wh, 'payments')}),
      (SELECT max(action_date) FROM ${tableRef(wh, 'collection_actions')}),
      (SELECT max(event_date) FROM ${tableRef(wh, 'loan_events')}),
      (SELECT max(origination_date) FROM ${tableRef(wh, 'loans')}),
      (SELECT toLastDayOfMonth(max(as_of_month)) FROM ${tableRef(wh, 'performance')}))) AS d`,
  );
  return !r || r.d === '1970-01-01' ? null : r.d;
}
