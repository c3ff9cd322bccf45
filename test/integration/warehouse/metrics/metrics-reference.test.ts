import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { systemTables } from '../../../../warehouse/tables.ts';
import { bucketOrder, runMetric } from '../../../../warehouse/metrics/run.ts';
import { metricWindow } from '../../../../warehouse/metrics/window.ts';
import {
  collectionsRef,
  flowRateRef,
  lgdRef,
  migrationRef,
  overdueRef,
  recoveryRef,
  transitionsRef,
  vintageRef,
  type Action,
  type Cash,
  type LM,
  type Loan,
} from '../../../reference/metrics-reference.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { referenceDelinquencyOn } from '../../../reference/snapshot-reference.ts';
import { referenceInput, refSettings } from '../../../helpers/reference-input.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const cents = (x: unknown) => Math.round(Number(x) * 100);
const asOf = '2024-06-30';
/**
 * The default period of a metric without from/to (warehouse/metrics/window.ts): the 12 month-ends
 * ending at the as-of month-end, the 12 moves ending at them, the migration from the month-end
 * before. The references below cut their rows to it.
 */
const windowOf = (to: string) => metricWindow(to);
const window = windowOf(asOf);

describe('every metric equals an independent TypeScript computation over the same rows', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  // named columns: a column a test drops and a migration adds back comes last in `*`
  let loanMonthChecksum = '';
  let rows: LM[];
  let loans: Loan[];
  let cash: Cash[];
  let payments: Cash[];
  let events: { loan_id: string; event_date: string; type: string }[];
  let actions: Action[];
  /** each action's loan's bucket on the action's day, from the reference's own DPD (tape loans: the latest month-end row by then) */
  let dayBucket: Map<string, string>;
  beforeAll(async () => {
    wh = await testWarehouse('metrics_ref');
    const book = join(tmpDir('metrics'), 'book');
    await generateBook({ loans: 1500, months: 30, asOf, seed: 31, badRows: 0, outDir: book, format: 'csv' });
    await ingest(wh, [book], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf, settings: defaultSettings });
    const db = wh.database;
    loanMonthChecksum = `SELECT count() AS n, toString(sum(cityHash64(toString(tuple(${systemTables.loan_month.columns.map(([n]) => n).join(', ')}))))) AS h FROM ${db}.loan_month`;
    const num = <T>(xs: T[], keys: (keyof T)[]) =>
      xs.map((x) => {
        for (const k of keys) if (x[k] !== null) (x as Record<string, unknown>)[k as string] = Number(x[k]);
        return x;
      });
    rows = num(
      await queryRows<LM>(
        wh,
        `SELECT loan_id, toString(month_end) AS month_end, toString(cohort_month) AS cohort_month, mob, dpd, bucket, status, five_class, principal_balance, original_principal, product FROM ${db}.loan_month`,
      ),
      ['mob', 'dpd', 'principal_balance', 'original_principal'],
    );
    loans = num(
      await queryRows<Loan>(
        wh,
        `SELECT loan_id, toString(origination_date) AS origination_date, principal, product FROM ${db}.loans`,
      ),
      ['principal'],
    );
    payments = num(
      await queryRows<Cash>(wh, `SELECT loan_id, toString(paid_date) AS date, amount FROM ${db}.payments`),
      ['amount'],
    );
    events = await queryRows(wh, `SELECT loan_id, toString(event_date) AS event_date, type FROM ${db}.loan_events`);
    const recov = num(
      await queryRows<Cash>(
        wh,
        `SELECT loan_id, toString(event_date) AS date, amount FROM ${db}.loan_events WHERE type IN ('recovery', 'collateral_sale', 'debt_sale', 'settlement')`,
      ),
      ['amount'],
    );
    cash = [...payments, ...recov];
    actions = num(
      await queryRows<Action>(
        wh,
        `SELECT action_id, loan_id, toString(action_date) AS action_date, channel, outcome, promised_amount, if(isNull(promised_date), NULL, toString(promised_date)) AS promised_date FROM ${db}.collection_actions`,
      ),
      ['promised_amount'],
    );
    const days = actions.map((a) => ({ loan_id: a.loan_id, day: a.action_date }));
    const onDay = referenceDelinquencyOn(await referenceInput(wh, asOf), refSettings(defaultSettings), days);
    dayBucket = new Map([...onDay].map(([k, v]) => [k, v.bucket]));
    const tapeRows = await queryRows<{ loan_id: string; month_end: string; bucket: string }>(
      wh,
      `SELECT loan_id, toString(month_end) AS month_end, bucket FROM ${db}.loan_month WHERE source = 'performance' ORDER BY month_end`,
    );
    for (const d of days) {
      const last = tapeRows.filter((r) => r.loan_id === d.loan_id && r.month_end <= d.day).pop();
      if (last) dayBucket.set(`${d.loan_id}|${d.day}`, last.bucket);
    }
  });
  afterAll(() => disposeIfOpened(wh));

  it('overdue ratios, PAR, NPL ratio and deviation by month-end', async () => {
    const sql = await runMetric(wh, 'overdue', {});
    const ref = overdueRef(
      rows.filter((r) => r.month_end >= window.from),
      asOf,
    );
    expect(ref.size).toBe(12);
    expect(sql.rows.length).toBe(ref.size);
    for (const r of sql.rows) {
      const e = ref.get(String(r.month_end))!;
      expect([
        cents(r.outstanding),
        cents(r.m1plus),
        cents(r.m2plus),
        cents(r.m3plus),
        cents(r.m4plus),
        cents(r.npl),
      ]).toEqual([e.outstanding, e.m1plus, e.m2plus, e.m3plus, e.m4plus, e.npl]);
      expect(Number(r.par30)).toBeCloseTo(e.outstanding ? e.m2plus / e.outstanding : 0, 12);
      if (e.npl > 0) expect(Number(r.deviation)).toBeCloseTo(e.m4plus / e.npl, 12);
    }
    expect(sql.columns.find((x) => x.name === 'deviation')?.denominator).toMatch(/NPL/);
  });

  it.each(['month', 'quarter'] as const)(
    'vintage ever-X+ and coincident, %s cohorts, right-censored',
    async (grain) => {
      const sql = await runMetric(wh, 'vintage', { cohort_grain: grain });
      const ref = vintageRef(loans, rows, asOf, grain);
      expect(sql.rows.length).toBe(ref.size);
      for (const r of sql.rows) {
        const e = ref.get(`${r.cohort}|${r.mob}`);
        expect(e, `${r.cohort} mob ${r.mob}`).toBeDefined();
        expect([cents(r.cohort_total), cents(r.ever0), cents(r.ever30), cents(r.ever60), cents(r.ever90)]).toEqual([
          e!.cohort_total,
          ...e!.ever,
        ]);
        expect([cents(r.coincident0), cents(r.coincident30), cents(r.coincident60), cents(r.coincident90)]).toEqual(
          e!.coincident,
        );
      }
      // the latest cohort has reached MOB 0 only
      const last = sql.rows.filter((r) => r.cohort === sql.rows.at(-1)!.cohort);
      expect(last.map((r) => Number(r.mob))).toEqual(grain === 'month' ? [0] : last.map((_, i) => i));
    },
  );

  it('roll-rate matrix by balance and by count; every row sums to 1', async () => {
    // the 12 moves ending in the window: from the month-end before its first
    const pairs = transitionsRef(rows, asOf).filter((p) => p.fromMonth >= window.start);
    for (const basis of ['balance', 'count'] as const) {
      const sql = await runMetric(wh, 'roll_rate', { basis });
      const expected = new Map<string, number>();
      for (const p of pairs)
        expected.set(
          `${p.from}>${p.to}`,
          (expected.get(`${p.from}>${p.to}`) ?? 0) + (basis === 'balance' ? p.weight : 1),
        );
      expect(sql.rows.length).toBe(expected.size);
      for (const r of sql.rows)
        expect(basis === 'balance' ? cents(r.flow) : Number(r.flow)).toBe(
          expected.get(`${r.from_bucket}>${r.to_bucket}`),
        );
      const sums = new Map<string, number>();
      for (const r of sql.rows)
        sums.set(String(r.from_bucket), (sums.get(String(r.from_bucket)) ?? 0) + Number(r.flow_share));
      for (const s of sums.values()) expect(s).toBeCloseTo(1, 12);
    }
  });

  it('cure rates and flow rates name their denominators', async () => {
    const cure = await runMetric(wh, 'cure_rate', {});
    const pairs = transitionsRef(rows, asOf).filter((p) => p.fromMonth >= window.start);
    for (const r of cure.rows) {
      const from = pairs.filter((p) => p.from === r.from_bucket);
      expect(cents(r.cured)).toBe(from.filter((p) => p.to === 'C').reduce((s, p) => s + p.weight, 0));
      expect(cents(r.from_total)).toBe(from.reduce((s, p) => s + p.weight, 0));
    }
    expect(cure.columns.find((x) => x.name === 'cure_rate')?.denominator).toBe('balance at t of loans in from_bucket');
    const flow = await runMetric(wh, 'flow_rate', {});
    // from the window's opening month-end; M7+ has no next delinquency bucket (no M7+ → WO flow)
    const ref = flowRateRef(
      rows.filter((r) => r.month_end >= window.start),
      asOf,
      bucketOrder.filter((b) => b !== 'WO'),
    );
    expect(flow.rows.map((r) => r.from_bucket)).not.toContain('M7+');
    for (const r of flow.rows) {
      const e = ref.get(String(r.from_bucket))!;
      expect([cents(r.from_total), cents(r.next_bucket_total)]).toEqual([e.from, e.to]);
    }
    expect(flow.columns.find((x) => x.name === 'flow_rate')?.denominator).toMatch(/every loan in the bucket/);
  });

  it('regulatory five-category migration rates over a period', async () => {
    // the period July 2023 … June 2024 runs from June 2023's month-end: the default window
    const sql = await runMetric(wh, 'migration', { from: '2023-07-31', to: '2024-06-30' });
    expect((await runMetric(wh, 'migration', {})).rows).toEqual(sql.rows);
    const ref = migrationRef(rows, '2023-06-30', '2024-06-30');
    expect(sql.rows.length).toBe(ref.size);
    for (const r of sql.rows) {
      const e = ref.get(String(r.from_class))!;
      expect([cents(r.start_total), cents(r.reduced), cents(r.migrated)]).toEqual([e.start, e.reduced, e.migrated]);
    }
    expect(ref.get('normal')!.migrated).toBeGreaterThan(0);
  });

  it('recovery curves by default cohort, with recoveries above 100% of EAD flagged', async () => {
    const sql = await runMetric(wh, 'recovery', {});
    const ref = recoveryRef(rows, cash, asOf);
    expect(sql.rows.length).toBe(ref.size);
    for (const r of sql.rows) {
      const e = ref.get(`${r.default_cohort}|${r.months_since_default}`)!;
      expect([cents(r.ead), cents(r.recovered), Number(r.defaulted_loans), Number(r.loans_over_100pct)]).toEqual([
        e.ead,
        e.recovered,
        e.loans,
        e.over,
      ]);
    }
    expect(sql.rows.some((r) => Number(r.loans_over_100pct) > 0)).toBe(true);
    const lgd = await runMetric(wh, 'lgd', {});
    const l = lgdRef(rows, cash, events, asOf);
    expect([
      cents(lgd.rows[0]!.ead_closed),
      cents(lgd.rows[0]!.recovered_closed),
      Number(lgd.rows[0]!.closed_workouts),
      Number(lgd.rows[0]!.open_workouts),
    ]).toEqual([l.ead, l.recovered, l.closed, l.open]);
  });

  it.each([
    [asOf, 'channel'],
    ['2024-03-31', 'channel'],
    [asOf, 'stage'],
  ] as const)(
    'collection KPIs as of %s by %s (promises and cash not yet seen then are not counted; cures only from past due)',
    async (date, by) => {
      const sql = await runMetric(wh, 'collections', { as_of: date, group_by: [by] });
      // actions of the 12 months ending at the as-of month-end
      const from = windowOf(date).from.slice(0, 7);
      const ref = collectionsRef(
        rows,
        actions.filter((a) => a.action_date.slice(0, 7) >= from),
        payments,
        date,
        dayBucket,
        actions,
        by,
      );
      expect(sql.rows.length).toBe(ref.size);
      for (const r of sql.rows) {
        const e = ref.get(String(r[by]))!;
        expect([
          Number(r.actions),
          Number(r.contacts),
          Number(r.promises),
          Number(r.matured_promises),
          Number(r.kept_promises),
          cents(r.collected),
          Number(r.past_due_actions),
          Number(r.cures),
        ]).toEqual([e.actions, e.contacts, e.promises, e.matured, e.kept, e.collected, e.past_due, e.cures]);
        // the cure rate is over the actions on past-due loans: undefined where there are none (current loans)
        if (e.past_due === 0) expect(r.cure_rate).toBeNull();
        else expect(Number(r.cure_rate)).toBeCloseTo(e.cures / e.past_due, 12);
      }
      if (by === 'stage') {
        // the generated book works current loans too: their actions are there, and never cures
        const current = sql.rows.find((r) => r.stage === 'current');
        expect(Number(current?.actions ?? 0)).toBeGreaterThan(0);
        expect([Number(current!.past_due_actions), Number(current!.cures), current!.cure_rate]).toEqual([0, 0, null]);
      }
    },
  );

  it('filters and group-bys change the answer the way the reference says', async () => {
    const sql = await runMetric(wh, 'overdue', {
      product: ['mortgage'],
      from: '2024-01-31',
      to: '2024-06-30',
      group_by: ['month_end', 'product'],
    });
    const ref = overdueRef(
      rows.filter((r) => r.product === 'mortgage' && r.month_end >= '2024-01-31'),
      asOf,
    );
    expect(sql.rows.map((r) => [r.month_end, r.product, cents(r.outstanding)])).toEqual(
      [...ref].sort().map(([me, e]) => [me, 'mortgage', e.outstanding]),
    );
  });

  it('recovery and LGD by region add up to the whole book (the filter columns are not the aggregate aliases)', async () => {
    const regions = (await queryRows<{ region: string }>(wh, `SELECT DISTINCT region FROM ${wh.database}.loans`)).map(
      (r) => r.region,
    );
    expect(regions.length).toBeGreaterThan(1);
    const all = await runMetric(wh, 'recovery', {});
    const total = (r: Awaited<ReturnType<typeof runMetric>>) => r.rows.reduce((s, x) => s + cents(x.ead), 0);
    let sum = 0;
    for (const region of regions) sum += total(await runMetric(wh, 'recovery', { region: [region] }));
    expect(sum).toBe(total(all));
    const lgdAll = await runMetric(wh, 'lgd', {});
    let closed = 0;
    for (const region of regions)
      closed += Number((await runMetric(wh, 'lgd', { region: [region] })).rows[0]?.closed_workouts ?? 0);
    expect(closed).toBe(Number(lgdAll.rows[0]!.closed_workouts));
  });

  it('an upgraded warehouse gets its per-loan default facts from the snapshot it already has (migration 10)', async () => {
    const before = await runMetric(wh, 'recovery', {});
    await exec(wh, `TRUNCATE TABLE ${wh.database}.loan_defaults`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 10`);
    expect(await migrate(wh)).toEqual([10]);
    const [n] = await queryRows<{ d: string; l: string }>(
      wh,
      `SELECT (SELECT count() FROM ${wh.database}.loan_defaults) AS d,
      (SELECT uniqExact(loan_id) FROM ${wh.database}.loan_month WHERE default_flag = 1) AS l`,
    );
    expect(Number(n!.d)).toBeGreaterThan(10);
    expect(Number(n!.d)).toBe(Number(n!.l));
    expect(await runMetric(wh, 'recovery', {})).toEqual(before);
  });

  it('an upgraded warehouse gets its per-action collection facts from the snapshot it already has (migration 11)', async () => {
    const before = await runMetric(wh, 'collections', { group_by: ['channel', 'stage'] });
    const sum = `SELECT count() AS n, toString(sum(cityHash64(toString(tuple(*))))) AS h FROM ${wh.database}.collection_facts`;
    const [built] = await queryRows<{ n: string; h: string }>(wh, sum);
    await exec(wh, `TRUNCATE TABLE ${wh.database}.collection_facts`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 11`);
    expect(await migrate(wh)).toEqual([11]);
    expect(Number(built!.n)).toBe(actions.length);
    expect(await queryRows(wh, sum)).toEqual([built]);
    expect(await runMetric(wh, 'collections', { group_by: ['channel', 'stage'] })).toEqual(before);
  });

  /** Drops a loan_month column as an older warehouse lacks it; its migration must write what the snapshot wrote. */
  const refilledByMigration = async (column: string, version: number) => {
    const request = { from: '2023-06-30', to: '2024-06-30', group_by: ['from_class', 'product'] };
    const before = await runMetric(wh, 'migration', request);
    const [built] = await queryRows<{ n: string; h: string }>(wh, loanMonthChecksum);
    await exec(wh, `ALTER TABLE ${wh.database}.loan_month DROP COLUMN ${column}`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = {v:UInt32}`, { v: version });
    expect(await migrate(wh)).toEqual([version]);
    expect(await queryRows(wh, loanMonthChecksum)).toEqual([built]);
    expect(await runMetric(wh, 'migration', request)).toEqual(before);
  };

  it("an upgraded warehouse gets each loan-month's next_month_end from the snapshot it already has (migration 12)", async () => {
    await refilledByMigration('next_month_end', 12);
    const [last] = await queryRows<{ n: string; loans: string }>(
      wh,
      `SELECT countIf(next_month_end = '2149-06-06') AS n, uniqExact(loan_id) AS loans FROM ${wh.database}.loan_month`,
    );
    expect(Number(last!.n)).toBe(Number(last!.loans));
  });

  it("an upgraded warehouse gets each loan's loan_key from the snapshot it already has (migration 13); keys and loans correspond one to one", async () => {
    await refilledByMigration('loan_key', 13);
    const [k] = await queryRows<Record<string, string>>(
      wh,
      `SELECT uniqExact(loan_id) AS loans, uniqExact(loan_key) AS keys,
      uniqExact(loan_id, loan_key) AS pairs, min(loan_key) AS lowest FROM ${wh.database}.loan_month`,
    );
    expect(Number(k!.keys)).toBe(Number(k!.loans));
    expect(Number(k!.pairs)).toBe(Number(k!.loans));
    expect(Number(k!.lowest)).toBeGreaterThan(0);
  });
});
