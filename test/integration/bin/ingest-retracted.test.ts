import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import type { Receipt } from '../../../pipelines/ingest/ingest-file.ts';

const csv = (header: string, rows: string[]) => `${[header, ...rows].join('\n')}\n`;
const PAYMENTS = 'payment_id,loan_id,paid_date,amount';
const schedule = Array.from({ length: 12 }, (_, i) => {
  const due = new Date(Date.UTC(2024, 1 + i, 15)).toISOString().slice(0, 10);
  return `L1,${i + 1},${due},1000.00,120.00`;
});

/** a book with a row of every entity to retract, each beside a row that stays */
const book: Record<string, string> = {
  'customers.csv': csv('customer_id,region', ['C1,east', 'C2,west']),
  'loans.csv': csv('loan_id,customer_id,product,origination_date,principal,annual_rate,term_months', [
    'L1,C1,consumer,2024-01-15,12000.00,0.12,12',
    'L2,C1,consumer,2024-01-20,6000.00,0.12,12',
  ]),
  'schedule.csv': csv('loan_id,installment_no,due_date,principal_due,interest_due', schedule),
  'payments.csv': csv(PAYMENTS, ['P1,L1,2024-02-15,1120.00', 'P2,L1,2024-03-15,1120.00']),
  'performance.csv': csv('loan_id,as_of_month,dpd,principal_balance', [
    'L1,2024-02,0,11000.00',
    'L1,2024-03,0,10000.00',
  ]),
  'collection_actions.csv': csv('action_id,loan_id,action_date,channel,outcome,promised_amount,promised_date', [
    'A1,L1,2024-03-01,sms,no_contact,,',
    'A2,L1,2024-03-02,phone,contacted,,',
  ]),
  'loan_events.csv': csv('event_id,loan_id,event_date,type,amount', [
    'E1,L1,2024-03-03,legal_filed,0',
    'E2,L1,2024-03-04,complaint,0',
  ]),
};

/** the retraction of one row of each entity (a loan and a customer nothing else names) */
const reversals: Record<string, [string, string]> = {
  'customers-rev.csv': ['customer_id\nC2', 'customer_id C2'],
  'loans-rev.csv': ['loan_id,customer_id\nL2,C1', 'loan_id L2'],
  'schedule-rev.csv': ['loan_id,installment_no\nL1,2', 'loan_id L1, installment_no 2'],
  'payments-rev.csv': ['payment_id\nP2', 'payment_id P2'],
  'performance-rev.csv': ['loan_id,as_of_month\nL1,2024-03', 'loan_id L1, as_of_month 2024-03'],
  'collection_actions-rev.csv': ['action_id\nA2', 'action_id A2'],
  'loan_events-rev.csv': ['event_id\nE2', 'event_id E2'],
};

/**
 * A retracted key lasts as a corrected one does: the row sent again unchanged (the day's file again)
 * stays retracted, counted as superseded; with other content (alone in another day's file, among new
 * rows) it is quarantined, naming the retraction; only `ingest --correct` with the row reinstates
 * it. Both loaders, every entity.
 */
describe.each(['engine', 'stream'])('a retracted key is not loaded again (--loader %s)', (loader) => {
  const { dir, out, err, run } = cliHarness(`ingest_retracted_${loader}`);
  const write = (name: string, text: string | Buffer, sub = '') => {
    mkdirSync(join(dir, sub), { recursive: true });
    const path = join(dir, sub, name);
    writeFileSync(path, text);
    return path;
  };
  const printed = () => JSON.parse(out.join('\n')) as { ingest_id: string; receipts: Receipt[] };
  const ingest = (...args: string[]) => run('ingest', '--loader', loader, ...args);
  const quarantined = async (id: string) => {
    expect(await run('quarantine', '--ingest', id, '--format', 'json')).toBe(0);
    return (JSON.parse(out.join('\n')) as { file: string; line: number; reason: string }[]).map((q) => [
      q.line,
      q.reason,
    ]);
  };
  const today = new Date().toISOString().slice(0, 10);
  const retractedBy = (label: string, id: string) =>
    `${label} was retracted on ${today} by ingest run ${id}: send the row with ingest --correct to reinstate it`;

  it('every entity: the book loaded again keeps the retracted row of each file retracted, nothing quarantined', async () => {
    for (const [name, text] of Object.entries(book)) write(name, text, 'book');
    expect(await ingest(join(dir, 'book')), err.join('\n')).toBe(0);
    for (const [name, [text]] of Object.entries(reversals)) write(name, `${text}\n`, 'retr');
    expect(await run('ingest', '--retract', join(dir, 'retr')), err.join('\n')).toBe(0);
    const retraction = printed();
    expect(retraction.receipts.map((r) => r.rows_retracted)).toEqual(Object.keys(reversals).map(() => 1));

    expect(await ingest(join(dir, 'book')), err.join('\n')).toBe(0);
    const again = printed();
    for (const r of again.receipts)
      expect(r, r.entity).toMatchObject({
        rows_read: r.entity === 'schedule' ? 12 : 2,
        rows_inserted: 0,
        rows_quarantined: 0,
        rows_already_present: r.entity === 'schedule' ? 12 : 2,
        rows_superseded: 1,
      });
    expect(err.join('\n')).toContain('already present 2 of which 1 replaced by a correction or retracted, kept so');
    expect(await quarantined(again.ingest_id)).toEqual([]);

    // changed, each comes back quarantined, naming the retraction
    const changed: Record<string, string> = {
      'customers.csv': csv('customer_id,region', ['C2,north']),
      'loans.csv': csv('loan_id,customer_id,product,origination_date,principal,annual_rate,term_months', [
        'L2,C1,consumer,2024-01-20,6500.00,0.12,12',
      ]),
      'schedule.csv': csv('loan_id,installment_no,due_date,principal_due,interest_due', [
        'L1,2,2024-03-15,1000.00,121.00',
      ]),
      'payments.csv': csv(PAYMENTS, ['P2,L1,2024-03-15,1121.00']),
      'performance.csv': csv('loan_id,as_of_month,dpd,principal_balance', ['L1,2024-03,1,10000.00']),
      'collection_actions.csv': csv('action_id,loan_id,action_date,channel,outcome,promised_amount,promised_date', [
        'A2,L1,2024-03-02,phone,no_contact,,',
      ]),
      'loan_events.csv': csv('event_id,loan_id,event_date,type,amount', ['E2,L1,2024-03-04,complaint,1']),
    };
    for (const [name, text] of Object.entries(changed)) write(name, text, 'changed');
    expect(await ingest(join(dir, 'changed'))).toBe(3);
    const reasons = (await quarantined(printed().ingest_id)).map(([, reason]) => reason);
    expect(reasons.sort()).toEqual(
      Object.values(reversals)
        .map(([, label]) => retractedBy(label, retraction.ingest_id))
        .sort(),
    );
  });

  it('payments: the day again, the key alone in another day, among new rows first, middle and last; reinstated by --correct', async () => {
    const day2 = write(
      'payments-day2.csv',
      csv(PAYMENTS, [
        'D1,L1,2024-03-16,1120.00',
        'D2,L1,2024-03-17,5.00',
        'D3,L1,2024-03-18,5.00',
        'D4,L1,2024-03-19,5.00',
      ]),
    );
    expect(await ingest(day2), err.join('\n')).toBe(0);
    const keys = write('payments-rev2.csv', 'payment_id\nD1\nD3\nD4\n', 'retr2');
    expect(await run('ingest', '--retract', keys)).toBe(0);
    const retractId = printed().ingest_id;

    // the reviewer's case: the day's file again, exit 0 and nothing changes: the retracted rows not
    // "new", and nothing for anyone to fix in the quarantine
    expect(await ingest(day2)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({
      rows_inserted: 0,
      rows_already_present: 4,
      rows_superseded: 3,
      rows_quarantined: 0,
    });
    expect(await quarantined(printed().ingest_id)).toEqual([]);

    // alone, with other content, in a file of another day: nothing of it loads (exit 3)
    const alone = write('payments-day5.csv', csv(PAYMENTS, ['D3,L1,2024-03-20,7.00']));
    expect(await ingest(alone)).toBe(3);
    expect(printed().receipts[0]).toMatchObject({ rows_read: 1, rows_quarantined: 1, rows_inserted: 0 });
    expect(await quarantined(printed().ingest_id)).toEqual([[2, retractedBy('payment_id D3', retractId)]]);

    // changed, among new rows: first, middle and last line
    const mixed = write(
      'payments-day6.csv',
      csv(PAYMENTS, [
        'D1,L1,2024-03-16,1121.00',
        'N1,L1,2024-03-21,1.00',
        'D3,L1,2024-03-18,6.00',
        'N2,L1,2024-03-22,1.00',
        'D4,L1,2024-03-19,6.00',
      ]),
    );
    expect(await ingest(mixed)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ rows_read: 5, rows_inserted: 2, rows_quarantined: 3 });
    expect((await quarantined(printed().ingest_id)).map(([line]) => line)).toEqual([2, 4, 6]);

    // reinstated on purpose: the row sent with --correct (a retracted key is no "no such key"); again: present
    const fix = write('payments-fix.csv', csv(PAYMENTS, ['D3,L1,2024-03-18,5.00']));
    expect(await ingest('--correct', fix)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ mode: 'correct', rows_corrected: 1, rows_quarantined: 0 });
    expect(await ingest('--correct', fix)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ rows_corrected: 0, rows_already_present: 1 });
    expect(await ingest(day2)).toBe(0);
    expect(printed().receipts[0]).toMatchObject({ rows_already_present: 4, rows_superseded: 2, rows_quarantined: 0 });
    // the quarantined row of the key is resolved by the reinstatement
    expect(await run('quarantine', '--status', 'resolved', '--format', 'json')).toBe(0);
    expect((JSON.parse(out.join('\n')) as { reason: string }[]).map((q) => q.reason)).toContain(
      retractedBy('payment_id D3', retractId),
    );

    // the retraction itself cannot be rolled back: the refusal names the way back
    expect(await run('ingest', '--rollback', retractId)).toBe(2);
    expect(err.join('\n')).toContain(
      'send the retracted rows (row_corrections.old_row) with --correct to reinstate them',
    );
  });
});
