import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestOptions } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { ingestFiles } from '../../../helpers/ingest-files.ts';
import { entityFileText, type EntityFileFormat } from '../../../helpers/entity-file-text.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * A loan's schedule judged as a whole (crossRowRules): the schedule loaded for the loan with the file's
 * rows over it must number its installments 1..n, have due dates rising with the number and repay at
 * least the loan's principal. A loan whose schedule fails has all its rows of the file quarantined
 * under one reason, wherever they are in the file; in both loaders, CSV and JSONL; receipts balance.
 */
type Wh = Awaited<ReturnType<typeof testWarehouse>>;
type Format = EntityFileFormat;

const SCHEDULE = ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'];
const LOANS = 'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months';

/** `good` rows with `bad` (rows of one loan) put first (0), in the middle (1) or last (2); the bad rows' lines */
function placed(format: Format, good: string[][], bad: string[][], at: 0 | 1 | 2) {
  const i = at === 0 ? 0 : at === 1 ? Math.floor(good.length / 2) : good.length;
  const rows = [...good.slice(0, i), ...bad, ...good.slice(i)];
  const first = i + (format === 'csv' ? 2 : 1);
  return { text: entityFileText(format, SCHEDULE, rows), lines: bad.map((_, k) => first + k) };
}

/** a three-installment schedule repaying `principal` (cents split as evenly as they go), due monthly from 2024-02-10 */
function schedule(loan: string, principal: number, n = 3): string[][] {
  const cents = Math.round(principal * 100);
  return Array.from({ length: n }, (_, k) => {
    const part = Math.floor(cents / n) + (k === n - 1 ? cents % n : 0);
    return [loan, String(k + 1), `2024-${String(k + 2).padStart(2, '0')}-10`, (part / 100).toFixed(2), '10.00'];
  });
}

async function load(wh: Wh, files: Record<string, string>, o: Partial<IngestOptions> = {}) {
  const { receipts, quarantined } = await ingestFiles(wh, files, o, 'schedule');
  return { receipt: receipts.find((x) => x.entity === 'schedule'), quarantined };
}

const loans = (ids: string[], principal = '1200.00') =>
  `${LOANS}\n${ids.map((id) => `${id},C1,consumer,2024-01-10,${principal},0.1,3`).join('\n')}\n`;

describe.each([
  ['engine', 'csv'],
  ['stream', 'csv'],
  ['engine', 'jsonl'],
  ['stream', 'jsonl'],
] as const)('a schedule judged as a whole: %s loader, %s', (loader, format) => {
  let wh: Wh;
  const ext = format;
  const go = (wh: Wh, files: Record<string, string>) => load(wh, files, { loader });
  /** good loans G1..G4 of 1,200.00 each; their schedules are the good rows of every file */
  const good = () => ['G1', 'G2', 'G3', 'G4'].flatMap((id) => schedule(id, 1200));
  beforeAll(async () => {
    wh = await testWarehouse(`sched_${loader}_${format}`);
    const r = await load(wh, {
      'customers.csv': 'customer_id\nC1\n',
      'loans.csv': `${loans(['G1', 'G2', 'G3', 'G4'])}M1,C1,mortgage,2024-01-10,1000000.00,0.05,360\n`,
    });
    expect(r.quarantined.size).toBe(0);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each([0, 1, 2] as const)(
    "a schedule repaying less than the loan's principal is quarantined whole (its rows at position %i)",
    async (at) => {
      const id = `S${at}`;
      await go(wh, { 'loans.csv': `${LOANS}\n${id},C1,mortgage,2024-01-10,1000000.00,0.05,360\n` });
      const f = placed(format, good(), schedule(id, 175000), at);
      const r = await go(wh, { [`schedule.${ext}`]: f.text });
      expect(r.receipt).toMatchObject({ rows_read: 15, rows_accepted: 12, rows_quarantined: 3 });
      expect([...r.quarantined.keys()]).toEqual(f.lines);
      for (const reason of r.quarantined.values())
        expect(reason).toBe(
          `schedule of loan ${id}: principal_due sums to 175000.00, the loan's principal is 1000000.00`,
        );
      const [n] = await queryRows<{ n: string }>(
        wh,
        `SELECT count() AS n FROM ${wh.database}.schedule WHERE loan_id = {id:String}`,
        { id },
      );
      expect(Number(n!.n)).toBe(0);
    },
  );

  it.each([0, 1, 2] as const)(
    'due dates out of order with installment_no, or a gap in the numbers, quarantine the schedule whole (position %i)',
    async (at) => {
      const [a, b] = [`D${at}`, `N${at}`];
      await go(wh, { 'loans.csv': loans([a, b]) });
      const swapped = schedule(a, 1200);
      [swapped[0]![2], swapped[1]![2]] = [swapped[1]![2]!, swapped[0]![2]!];
      const d = placed(format, good(), swapped, at);
      const r = await go(wh, { [`schedule.${ext}`]: d.text });
      expect(r.receipt).toMatchObject({ rows_read: 15, rows_quarantined: 3 });
      expect([...r.quarantined.keys()]).toEqual(d.lines);
      expect(r.quarantined.get(d.lines[0]!)).toBe(
        `schedule of loan ${a}: due_date of installment 2 (2024-02-10) is not after that of installment 1 (2024-03-10)`,
      );
      // installment 2 missing: the loan's other rows go with it
      const gap = schedule(b, 1200, 4).filter((x) => x[1] !== '2');
      const g = placed(format, good(), gap, at);
      const r2 = await go(wh, { [`schedule.${ext}`]: g.text });
      expect([...r2.quarantined.keys()]).toEqual(g.lines);
      expect(r2.quarantined.get(g.lines[2]!)).toMatch(new RegExp(`^schedule of loan ${b}: installment 2 is missing`));
    },
  );

  it("a row quarantined for its own field takes its loan's other rows with it: no partial schedule lands", async () => {
    await go(wh, { 'loans.csv': loans(['F1']) });
    const rows = schedule('F1', 1200);
    rows[1]![2] = '2024-02-30';
    const f = placed(format, good(), rows, 1);
    const r = await go(wh, { [`schedule.${ext}`]: f.text });
    expect(r.receipt).toMatchObject({ rows_read: 15, rows_quarantined: 3 });
    expect(r.quarantined.get(f.lines[1]!)).toMatch(/^due_date: not a valid date/);
    expect(r.quarantined.get(f.lines[0]!)).toMatch(/^schedule of loan F1: installment 2 is missing/);
    expect(r.quarantined.get(f.lines[2]!)).toMatch(/^schedule of loan F1: installment 2 is missing/);
  });

  it('the sum may miss the principal by half a cent per installment, not more', async () => {
    await go(wh, { 'loans.csv': loans(['T1', 'T2']) });
    // three installments: 1.5 cents of tolerance
    const one = schedule('T1', 1199.99);
    const two = schedule('T2', 1199.98);
    const r = await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, [...one, ...two]) });
    expect(r.receipt).toMatchObject({ rows_read: 6, rows_accepted: 3, rows_quarantined: 3 });
    expect([...r.quarantined.values()][0]).toBe(
      "schedule of loan T2: principal_due sums to 1199.98, the loan's principal is 1200.00",
    );
  });

  it('a schedule repaying more than the principal (arrears a restructure capitalised) is accepted', async () => {
    await go(wh, { 'loans.csv': loans(['R1']) });
    const r = await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, schedule('R1', 1500)) });
    expect(r.receipt).toMatchObject({ rows_read: 3, rows_accepted: 3, rows_quarantined: 0 });
  });

  it("the loaded schedule counts: the file's rows are judged with the loan's rows loaded before", async () => {
    await go(wh, { 'loans.csv': loans(['E1']) });
    const base = schedule('E1', 1200);
    expect((await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, base) })).receipt).toMatchObject({
      rows_quarantined: 0,
    });
    // the same file again: already present, still a whole schedule
    expect((await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, base) })).receipt).toMatchObject({
      rows_read: 3,
      rows_already_present: 3,
      rows_quarantined: 0,
    });
    // an installment 5 after the loaded 1..3: 4 is missing
    const five = [['E1', '5', '2024-06-10', '0.00', '1.00']];
    const r = await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, five) });
    expect([...r.quarantined.values()]).toEqual([
      expect.stringMatching(/^schedule of loan E1: installment 4 is missing/),
    ]);
    // an installment 4 due before the loaded installment 3
    const four = [['E1', '4', '2024-04-01', '0.00', '1.00']];
    const r2 = await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, four) });
    expect([...r2.quarantined.values()]).toEqual([
      'schedule of loan E1: due_date of installment 4 (2024-04-01) is not after that of installment 3 (2024-04-10)',
    ]);
    // installment 4 after it, repaying nothing more: accepted
    const ok = [['E1', '4', '2024-05-10', '0.00', '1.00']];
    expect((await go(wh, { [`schedule.${ext}`]: entityFileText(format, SCHEDULE, ok) })).receipt).toMatchObject({
      rows_inserted: 1,
      rows_quarantined: 0,
    });
  });

  it("a schedule loaded in the same run as its loans is judged against them; one of an unknown loan is 'no such loan'", async () => {
    const r = await go(wh, {
      'loans.csv': loans(['Y1', 'Y2']),
      [`schedule.${ext}`]: entityFileText(format, SCHEDULE, [
        ...schedule('Y1', 1200),
        ...schedule('Y2', 1000),
        ...schedule('NOPE', 1200),
      ]),
    });
    expect(r.receipt).toMatchObject({ rows_read: 9, rows_accepted: 3, rows_quarantined: 6 });
    const reasons = [...r.quarantined.values()];
    expect(reasons.filter((x) => x.startsWith('loan_id: no such loan'))).toHaveLength(3);
    expect(reasons.filter((x) => x.startsWith('schedule of loan Y2: principal_due sums to 1000.00'))).toHaveLength(3);
  });
});
