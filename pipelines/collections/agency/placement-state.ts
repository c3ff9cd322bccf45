import { querySql, type Warehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../../warehouse/sql.ts';
import { activeDelinquencyQuery } from '../../snapshot/delinquency-as-of.ts';
import type { SnapshotSettings } from '../../snapshot/snapshot-settings.ts';
import { placementHistory, type LoanEvent, type LoanPlacementState } from './rules.ts';
import { assertWithinData } from '../../../warehouse/data-horizon.ts';
import { listPromises } from '../promises.ts';
import { consentWithdrawnOn, listedDoNotContactOn, type LoanContacts } from '../contact-rules.ts';
import { defaultContactRules, type ContactRules } from '../contact-rules-config.ts';

const eventTypes = ['agency_placement', 'agency_recall', 'do_not_contact', 'contact_allowed', 'consent_withdrawn'];

/**
 * What holds a loan back from an agency on the date beside its do-not-contact events (placementHistory):
 * the contact rules' do-not-contact list, and a withdrawn consent to the `agency` channel (as the
 * contact rules read them: doNotContactOn, consentWithdrawnOn) — an agency contacts the borrower, so a
 * loan the case list may not send to an agency is not placed, and a placed one is recalled.
 */
function contactHold(rules: ContactRules, loan: LoanContacts, date: string): string | null {
  // the list holds the channels the rules give it, as the case list reads it
  const listed = rules.do_not_contact.channels.includes('agency')
    ? listedDoNotContactOn(rules, loan.loan_id, date)
    : '';
  if (listed) return listed;
  const withdrawn = consentWithdrawnOn(loan, 'agency', date);
  return withdrawn ? `consent to agency withdrawn on ${withdrawn}` : null;
}

/**
 * Each loan the rules look at on a date: active loans with DPD > 0 on the date (DPD and balance as
 * the case list computes them: activeDelinquencyQuery), and every loan ever placed (a placed loan
 * that is current, paid off or charged off may have to be recalled), with product, region and the
 * placement and do-not-contact events up to the date.
 */
export async function placementStates(
  wh: Warehouse,
  asOf: string,
  settings: SnapshotSettings,
  /** how the caller names the date in a refusal (`--as-of` on the CLI, `as_of` in the API) */
  label = 'as_of',
  /** the contact rules whose do-not-contact list and agency consent hold a loan back (default: the default file's) */
  contactRules: ContactRules = defaultContactRules,
): Promise<LoanPlacementState[]> {
  await assertWithinData(wh, asOf, label);
  const date = param(asOf, 'Date');
  const events = trusted(tableRef(wh, 'loan_events'));
  const loans = trusted(tableRef(wh, 'loans'));
  const months = trusted(tableRef(wh, 'loan_month'));
  const placed = sql`SELECT loan_id FROM ${events} WHERE type = 'agency_placement' AND event_date <= ${date}`;
  const delinquency = await activeDelinquencyQuery(wh, asOf, settings);
  const rows = await querySql<{
    loan_id: string;
    product: string;
    region: string;
    status: string;
    dpd: number;
    balance: string;
  }>(
    wh,
    sql`SELECT lwq_l.loan_id AS loan_id, toString(lwq_l.product) AS product, toString(lwq_l.region) AS region,
          -- charged off since its last month-end row (a charge_off event between month-ends, which the month-end rows
          -- do not show yet): charged off on the date, recalled at expiry, never as a cure
          lwq_c.charged_off = 1 AND lwq_s.status != 'charged_off' AS charged_off_since,
          multiIf(charged_off_since, 'charged_off', lwq_d.status = 'active', 'active', lwq_s.status = '', 'active', toString(lwq_s.status)) AS status,
          -- a charged-off loan (its recall at expiry) shows its DPD at charge-off plus the days since and the balance written off,
          -- as the disposal list does; DPD 0 and 0.00 read as a cure
          -- (one charged off since its last month-end: that month-end's DPD and balance carried to the date, whether
          -- or not the snapshot is fresh — a fresh one's day delinquency reads only the loans active at the month-end)
          toUInt32(multiIf(lwq_d.status = 'active' AND NOT charged_off_since, lwq_d.dpd,
            lwq_s.status = 'charged_off' OR charged_off_since, lwq_s.dpd + dateDiff('day', lwq_s.me, ${date}), 0)) AS dpd,
          toString(multiIf(lwq_d.status = 'active' AND NOT charged_off_since, toDecimal64(lwq_d.principal_balance, 2),
            lwq_s.status = 'charged_off' OR charged_off_since, toDecimal64(lwq_s.balance, 2), toDecimal64(0, 2))) AS balance
        FROM ${loans} AS lwq_l
        -- active and charged-off rows only: with a stale snapshot the source is the whole history, which also returns paid-off loans
        LEFT JOIN (SELECT loan_id, toString(status) AS status, dpd, principal_balance FROM (${delinquency.sql})
                   WHERE status IN ('active', 'charged_off')) AS lwq_d ON lwq_d.loan_id = lwq_l.loan_id
        LEFT JOIN (SELECT loan_id, argMax(status, month_end) AS status, argMax(dpd, month_end) AS dpd,
                     argMax(principal_balance, month_end) AS balance, max(month_end) AS me FROM ${months}
                   WHERE month_end <= ${date} AND loan_id IN (${placed}) GROUP BY loan_id) AS lwq_s ON lwq_s.loan_id = lwq_l.loan_id
        LEFT JOIN (SELECT loan_id, 1 AS charged_off FROM ${events}
                   WHERE type = 'charge_off' AND event_date <= ${date} AND loan_id IN (${placed}) GROUP BY loan_id) AS lwq_c
          ON lwq_c.loan_id = lwq_l.loan_id
        WHERE (lwq_d.status = 'active' AND lwq_d.dpd > 0) OR lwq_l.loan_id IN (${placed})
        ORDER BY loan_id`,
    { join_use_nulls: 0 },
  );
  const eventRows = await querySql<{
    loan_id: string;
    event_id: string;
    day: string;
    kind: string;
    note: string;
    amount_text: string;
  }>(
    wh,
    sql`SELECT loan_id, event_id, toString(event_date) AS day, toString(type) AS kind, note, toString(amount) AS amount_text
        FROM ${events} WHERE type IN ${param(eventTypes, 'Array(String)')} AND event_date <= ${date}
          AND loan_id IN (SELECT loan_id FROM ${events} WHERE type IN ${param(eventTypes, 'Array(String)')})
        ORDER BY loan_id, event_date, event_id`,
  );
  // open promises on the day, as `loanwatch promises --status open` lists them: the one falling due first per loan
  const promised = new Map<string, { action_id: string; promised_date: string }>();
  for (const p of await listPromises(wh, { asOf, status: ['open'], label }))
    if (!promised.has(p.loan_id)) promised.set(p.loan_id, { action_id: p.action_id, promised_date: p.promised_date });
  const byLoan = new Map<string, LoanEvent[]>();
  for (const e of eventRows) {
    const list = byLoan.get(e.loan_id) ?? [];
    list.push({ event_id: e.event_id, event_date: e.day, type: e.kind, note: e.note, amount: Number(e.amount_text) });
    byLoan.set(e.loan_id, list);
  }
  return rows.map((r) => {
    const events = byLoan.get(r.loan_id) ?? [];
    const h = placementHistory(events);
    const contacts = {
      loan_id: r.loan_id,
      actions: [],
      events: events.map((e) => ({ event_id: e.event_id, date: e.event_date, type: e.type, note: e.note })),
    };
    return {
      loan_id: r.loan_id,
      product: r.product,
      region: r.region,
      status: r.status === 'paid_off' ? 'paid_off' : r.status === 'charged_off' ? 'charged_off' : 'active',
      dpd: r.dpd,
      balance: Number(r.balance),
      placements: h.placements,
      hold: h.hold ?? contactHold(contactRules, contacts, asOf),
      open_promise: promised.get(r.loan_id) ?? null,
    };
  });
}
