import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runAdapter } from '../../../../pipelines/adapters/index.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { sharedData } from '../../../helpers/shared-data.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';
import { defaultSettings } from '../../../helpers/settings.ts';

const settings = defaultSettings;

describe('real-data adapters load with the published row counts', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('adapters');
  });
  afterAll(() => disposeIfOpened(wh));

  it('credit_card_monthly_status: 1,048,575 account-months of 45,985 accounts as performance tapes', async () => {
    // each data set on the file's warehouse as just migrated (each had a database of its own, migrated again)
    await wh.reset();
    const db = wh;
    const out = join(tmpDir('cc'), 'files');
    const receipt = await runAdapter('credit_card_monthly_status', sharedData('credit_card_monthly_status'), out, {
      asOfMonth: '2024-06',
    });
    expect(receipt.read['credit_record.csv']).toBe(1_048_575);
    const r = await ingest(db, [out], { piiSecret: 's' });
    const by = Object.fromEntries(r.receipts.map((x) => [x.entity, x]));
    expect(by.performance).toMatchObject({ rows_read: 1_048_575, rows_accepted: 1_048_575, rows_quarantined: 0 });
    expect(by.loans).toMatchObject({ rows_read: 45_985, rows_accepted: 45_985 });
    expect(by.customers!.rows_read).toBe(by.customers!.rows_accepted + by.customers!.rows_quarantined);
    const snap = await buildMonthEndSnapshots(db, { asOf: '2024-06-30', settings });
    expect(snap.rows).toBeGreaterThan(1_000_000);
    const buckets = await queryRows<{ bucket: string }>(
      db,
      `SELECT DISTINCT bucket FROM ${wh.database}.loan_month ORDER BY bucket`,
    );
    expect(buckets.map((b) => b.bucket)).toEqual(expect.arrayContaining(['C', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6']));
    // derived columns on the tape path agree with the rows they derive from
    const [c] = await queryRows<Record<string, string>>(
      db,
      `SELECT
        countIf(cur.prev_bucket != '' AND cur.prev_bucket != prv.bucket) AS wrong_prev_bucket,
        countIf(prv.loan_id != '' AND cur.prev_bucket = '') AS missing_prev_bucket,
        countIf(cur.prev_balance != if(prv.loan_id != '', prv.principal_balance, 0)) AS wrong_prev_balance,
        countIf(bitAnd(cur.new_ever_bits, bitNot(cur.ever_bits)) != 0) AS new_not_in_ever,
        countIf(prv.loan_id != '' AND bitAnd(prv.ever_bits, bitNot(cur.ever_bits)) != 0) AS ever_switched_off,
        countIf(bitTest(cur.ever_bits, 1) AND cur.dpd > 30 AND NOT bitTest(cur.ever_bits, 0)) AS inconsistent_bits
      FROM ${wh.database}.loan_month AS cur
      LEFT JOIN ${wh.database}.loan_month AS prv ON prv.loan_id = cur.loan_id AND prv.month_end = toLastDayOfMonth(addMonths(cur.month_end, -1))`,
    );
    expect(Object.values(c!).map(Number)).toEqual([0, 0, 0, 0, 0, 0]);
    const [n] = await queryRows<Record<string, string>>(
      db,
      `SELECT countIf(next_month_end != lead) AS wrong_next,
        countIf(next_month_end = '2149-06-06') - uniqExact(loan_id) AS last_rows_minus_loans
      FROM (SELECT loan_id, next_month_end, leadInFrame(month_end, 1, toDate('2149-06-06'))
              OVER (PARTITION BY loan_id ORDER BY month_end ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS lead FROM ${wh.database}.loan_month)`,
    );
    expect(Object.values(n!).map(Number)).toEqual([0, 0]);
  });

  it('home_credit_subset: 7,347 installments as payments and whole schedules (the rest set aside), orphans quarantined not dropped', async () => {
    // each data set on the file's warehouse as just migrated (each had a database of its own, migrated again)
    await wh.reset();
    const db = wh;
    const out = join(tmpDir('hc'), 'files');
    const receipt = await runAdapter('home_credit_subset', sharedData('home_credit_subset'), out, {
      asOf: '2024-06-30',
    });
    expect(receipt.read['installments_payments.csv']).toBe(7_347);
    expect(receipt.read['application.csv']).toBe(1_000);
    // a row's schedule part is written, or set aside with the reason (the subset samples installments)
    const asideSchedule = Object.entries(receipt.setAside)
      .filter(([why]) => why.startsWith('schedule row not written'))
      .reduce((a, [, n]) => a + n, 0);
    expect(asideSchedule).toBeGreaterThan(0);
    // a revolving line has no term: set aside here with its installments, not quarantined by ingest for ever
    const termless =
      receipt.setAside['loan without a term (CNT_PAYMENT 0 or empty: a revolving line): not a term loan'];
    const termlessInstallments =
      receipt.setAside['installment of a loan set aside without a term (schedule and payment)'];
    expect(termless).toBe(190);
    expect(termlessInstallments).toBeGreaterThan(1000);
    expect(receipt.written.schedule! + asideSchedule + termlessInstallments!).toBe(7_347);
    expect(receipt.written.payments! + termlessInstallments!).toBe(7_347);
    const r = await ingest(db, [out], { piiSecret: 's' });
    const by = Object.fromEntries(r.receipts.map((x) => [x.entity, x]));
    expect(by.payments!.rows_read).toBe(receipt.written.payments);
    expect(by.loans!.rows_quarantined).toBe(0);
    expect(by.schedule!.rows_read).toBe(receipt.written.schedule);
    for (const e of ['schedule', 'payments']) {
      expect(by[e]!.rows_read).toBe(by[e]!.rows_accepted + by[e]!.rows_quarantined);
    }
    const orphans = await count(db, 'quarantine', "entity = 'schedule' AND reason LIKE 'loan_id: no such loan%'");
    expect(orphans).toBeGreaterThan(0);
    // the schedules written are whole: none quarantined by the schedule rule or as a duplicate
    expect(await count(db, 'quarantine', "entity = 'schedule' AND reason NOT LIKE 'loan_id: no such loan%'")).toBe(0);
    expect(await count(db, 'schedule')).toBeGreaterThan(0);
    await buildMonthEndSnapshots(db, { asOf: '2024-06-30', settings });
    expect(await count(db, 'loan_month', "source = 'schedule'")).toBeGreaterThan(0);
  });

  it('taiwan_credit_default: 30,000 clients × 6 monthly statuses as performance tapes', async () => {
    // each data set on the file's warehouse as just migrated (each had a database of its own, migrated again)
    await wh.reset();
    const db = wh;
    const out = join(tmpDir('tw'), 'files');
    await runAdapter('taiwan_credit_default', sharedData('taiwan_credit_default'), out, { asOfMonth: '2005-09' });
    const r = await ingest(db, [out], { piiSecret: 's' });
    const by = Object.fromEntries(r.receipts.map((x) => [x.entity, x]));
    expect(by.loans).toMatchObject({ rows_read: 30_000, rows_accepted: 30_000 });
    expect(by.performance).toMatchObject({ rows_read: 180_000, rows_accepted: 180_000 });
    const snap = await buildMonthEndSnapshots(db, { asOf: '2005-09-30', settings });
    expect(snap.rows).toBe(180_000);
  });
});
