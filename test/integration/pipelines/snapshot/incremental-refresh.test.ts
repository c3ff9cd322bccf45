import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDailyDeltas, type DailyDeltasManifest } from '../../../../pipelines/generate/daily-deltas.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { ingestDays } from '../../../helpers/ingest-days.ts';
import { snapshotChecksums, type SnapshotChecksums } from '../../../../pipelines/snapshot/snapshot-checksums.ts';
import { refreshSnapshots, type RefreshResult } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { refreshScope } from '../../../../pipelines/snapshot/refresh-scope.ts';
import { exec, queryRows, type Warehouse } from '../../../../warehouse/connection.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * Daily files of a generated book ingested one day after another, each followed by an incremental
 * refresh, end identical to a full rebuild of the same data: loan_month (loan_key aside: any
 * one-to-one numbering serves, checked as such) and every per-loan table the refresh maintains.
 * Besides the generated days (new loans, payments, actions, events, late payments, corrected
 * actions): rows dated after the month-end that change earlier loan-months (a payment without a
 * principal split on a loan that split it, a restructure) and one that does not (a charge-off), a month-end crossing, a charge-off and a restructure booked late, a classification
 * override, an outcome recorded in the console, rows of a killed ingest (no receipt), a non-retail
 * borrower whose other loan changes class through contagion, a sold loan paid after the month-end
 * (its loan-months kept, its sale facts derived again from them), two days' files in one refresh, and a
 * refresh killed half way and run again.
 */

const write = (dir: string, file: string, lines: string[]) => {
  writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
};

class Killed extends Error {}
/** A refresh stopped after `step`, as a kill there would stop it. */
async function killedRefresh(wh: Warehouse, asOf: string, step: string) {
  await expect(
    refreshSnapshots(wh, {
      asOf,
      settings: defaultSettings,
      onStep: (s) => {
        if (s === step) throw new Killed(s);
      },
    }),
  ).rejects.toBeInstanceOf(Killed);
}

const refresh = (wh: Warehouse, asOf: string) => refreshSnapshots(wh, { asOf, settings: defaultSettings });

describe('incremental refresh over daily files across a month-end (seed 11): the full rebuild’s result', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let m: DailyDeltasManifest;
  const results: RefreshResult[] = [];
  const x2Rule: string[] = [];
  let incremental: SnapshotChecksums;
  let full: SnapshotChecksums;
  let day1Incremental: SnapshotChecksums;
  let day1Full: SnapshotChecksums;
  let scopesLeft: { name: string }[] = [];
  const y1May: string[] = [];
  const y1MayBalance = async () => {
    const [r] = await queryRows<{ b: string }>(
      wh,
      `SELECT toString(principal_balance) AS b FROM ${wh.database}.loan_month WHERE loan_id = 'Y1' AND month_end = '2024-05-31'`,
    );
    return r?.b ?? '';
  };
  const x2At = async () => {
    const [r] = await queryRows<{ rule: string }>(
      wh,
      `SELECT toString(five_class_rule) AS rule FROM ${wh.database}.loan_month WHERE loan_id = 'X2' AND month_end = '2024-05-31'`,
    );
    return r?.rule ?? '';
  };

  beforeAll(async () => {
    wh = await testWarehouse('incr');
    m = await generateDailyDeltas({
      loans: 200,
      months: 24,
      seed: 11,
      from: '2024-06-28',
      days: 4,
      outDir: tmpDir('incr-a'),
      lateShare: 0.3,
      correctionShare: 0.6,
    });
    // a non-retail borrower: X1 unpaid (DPD 106 at May's end: 次级), X2 a bullet loan with nothing due yet
    write(m.base, 'customers-x.csv', ['customer_id,borrower_type,region', 'CX,non_retail,east', 'CY,retail,east']);
    write(m.base, 'loans-x.csv', [
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,repayment_method',
      'X1,CX,small_business,2024-01-15,12000.00,0.12,12,annuity',
      'X2,CX,small_business,2024-01-15,5000.00,0.12,24,bullet',
      // retail loans whose day-1 rows are dated after May's end but still change their May rows (Y1, Y2) or not (Y3)
      'Y1,CY,consumer,2024-01-15,12000.00,0.12,12,annuity',
      'Y2,CY,consumer,2024-01-15,6000.00,0.12,12,annuity',
      'Y3,CY,consumer,2024-01-15,6000.00,0.12,12,annuity',
      // never paid, its collateral sold in April: a payment after May's end keeps its loan-months, but its
      // sale facts are derived again from them (DPD and balance before the sale)
      'Z1,CY,consumer,2024-01-15,6000.00,0.12,12,annuity',
    ]);
    write(m.base, 'loan_events-z.csv', [
      'event_id,loan_id,event_date,type,amount,note',
      'EZ1,Z1,2024-04-20,collateral_sale,2500.00,',
    ]);
    // Y1 splits principal explicitly (far below the waterfall's share): its balance follows the split
    write(m.base, 'payments-y.csv', [
      'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid',
      'PY1a,Y1,2024-02-15,1066.19,100.00,966.19',
      'PY1b,Y1,2024-03-15,1066.19,100.00,966.19',
    ]);
    await ingest(wh, [m.base], { piiSecret: 's' });
    results.push(await refresh(wh, m.days[0]!.date.replace('29', '28')));
    x2Rule.push(await x2At());
    const [d1, d2, d3, d4] = m.days;
    // day 1 (06-29): X1's May payment arrives late — X1 is current at May's end, so X2 (no file row) loses contagion
    // and, dated after May's end: a payment without a principal split for Y1 (the split is read over
    // all its payments: every balance changes), a restructure of Y2 (its credit is read at every
    // month-end), a charge-off of Y3 (its May row stays)
    write(d1!.dir, 'payments-x.csv', [
      'payment_id,loan_id,paid_date,amount',
      'PX1,X1,2024-05-20,5000.00',
      'PY1c,Y1,2024-06-29,500.00',
      'PZ1,Z1,2024-06-29,200.00',
    ]);
    write(d1!.dir, 'loan_events-y.csv', [
      'event_id,loan_id,event_date,type,amount,note',
      'EY2,Y2,2024-06-29,restructure,300.00,',
      'EY3,Y3,2024-06-29,charge_off,0.00,',
    ]);
    await ingestDays(wh, [d1!]);
    y1May.push(await y1MayBalance());
    results.push(await refresh(wh, d1!.date));
    x2Rule.push(await x2At());
    y1May.push(await y1MayBalance());
    // the ordinary day checked on its own (a month closing below recomputes every active loan)
    day1Incremental = await snapshotChecksums(wh);
    await refreshSnapshots(wh, { asOf: d1!.date, settings: defaultSettings, full: true });
    day1Full = await snapshotChecksums(wh);
    // day 2 (06-30, a month-end): an override and an outcome recorded in the console
    await ingestDays(wh, [d2!]);
    const [a, b, c, d] = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${wh.database}.loan_month WHERE month_end = '2024-05-31' AND status = 'active' AND source = 'schedule'
       AND loan_id NOT IN ('X1', 'X2') ORDER BY loan_id LIMIT 4`,
    );
    await exec(
      wh,
      `INSERT INTO ${wh.database}.classification_overrides VALUES ({l:String}, '2024-03-01', 'doubtful', 'fraud suspected', 'tester', now())`,
      { l: a!.loan_id },
    );
    await exec(
      wh,
      `INSERT INTO ${wh.database}.collection_actions (action_id, loan_id, action_date, channel, outcome, agent_id, team, ingest_id, source, recorded_by)
       VALUES ('CONSOLE-1', {l:String}, '2024-06-30', 'phone', 'contacted', 'A9', 'east-1', 'console', 'console', 'key1')`,
      { l: b!.loan_id },
    );
    results.push(await refresh(wh, d2!.date));
    // days 3 and 4 (07-01, 07-02) in one refresh: a charge-off and a restructure booked late (dated in
    // June), rows of an ingest killed before its receipt; the refresh is killed once after loan_month
    // and a loan originated on 07-01 by a new borrower (a new loan gets the next free loan_key)
    write(d3!.dir, 'customers-x.csv', ['customer_id,region', 'CN']);
    write(d3!.dir, 'loans-x.csv', [
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
      'L-NEW,CN,consumer,2024-07-01,3000.00,0.18,6',
    ]);
    write(d3!.dir, 'loan_events-x.csv', [
      'event_id,loan_id,event_date,type,amount,note',
      `XCO,${c!.loan_id},2024-06-20,charge_off,0.00,`,
      `XRS,${d!.loan_id},2024-06-25,restructure,500.00,arrears capitalised`,
    ]);
    await ingestDays(wh, [d3!, d4!]);
    await exec(
      wh,
      `INSERT INTO ${wh.database}.payments (payment_id, loan_id, paid_date, amount, channel, ingest_id)
       VALUES ('P-KILLED', {l:String}, '2024-06-10', 300.00, 'app', 'killed-run')`,
      { l: d!.loan_id },
    );
    await killedRefresh(wh, d4!.date, 'loan_month');
    results.push(await refresh(wh, d4!.date));
    scopesLeft = await queryRows<{ name: string }>(wh, `SELECT name FROM system.databases WHERE name = {n:String}`, {
      n: refreshScope(wh).database,
    });
    incremental = await snapshotChecksums(wh);
    results.push(await refreshSnapshots(wh, { asOf: d4!.date, settings: defaultSettings, full: true }));
    full = await snapshotChecksums(wh);
  }, 900_000);
  afterAll(() => disposeIfOpened(wh));

  it('equals the full rebuild of the same data, table by table, after an ordinary day and at the end', () => {
    expect(day1Incremental).toEqual(day1Full);
    expect(incremental).toEqual(full);
    expect(full.loanKeyOneToOne).toBe(1);
    expect(Number(full.tables.loan_month?.rows)).toBeGreaterThan(1500);
  });

  it('computed in a scope of the touched loans and dropped it, also the one a killed run left', () => {
    expect(scopesLeft).toEqual([]);
  });

  it('ran full first, then refreshes: of a few loans on ordinary days, of every active loan when June closed', () => {
    expect(results.map((r) => r.mode)).toEqual(['full', 'refresh', 'refresh', 'refresh', 'full']);
    const book = results[0]!.loansRefreshed;
    const [, day1, monthEnd, days34] = results;
    for (const r of [day1!, days34!]) expect(r.loansRefreshed).toBeLessThan(book / 3);
    expect(monthEnd!.reason).toContain('month-end 2024-06-30 closed');
    expect(monthEnd!.loansRefreshed).toBeGreaterThan(day1!.loansRefreshed);
    expect(monthEnd!.lastMonthEnd).toBe('2024-06-30');
  });

  it('recomputed the loan-months only of loans whose new rows can change them, on ordinary days a few', () => {
    const [, day1, monthEnd] = results;
    // the day's payments and actions are dated after May's end: those loans keep their loan-months
    expect(day1!.loansRecomputed).toBeGreaterThan(0);
    expect(day1!.loansRecomputed).toBeLessThan(day1!.loansRefreshed / 2);
    expect(monthEnd!.loansRecomputed).toBeGreaterThan(day1!.loansRecomputed);
    // a payment without a split after May's end still moved Y1's May balance (the loan was recomputed)
    expect(y1May[0]).not.toEqual(y1May[1]);
  });

  it('refreshed the borrower’s other loan: contagion at May’s end went with the late payment', () => {
    expect(x2Rule).toEqual(['contagion', 'dpd_floor']);
  });

  it('carried the generated late payments and corrected actions', () => {
    expect(m.late_payments).toBeGreaterThan(0);
    expect(m.corrected_actions).toBeGreaterThan(0);
  });
});
