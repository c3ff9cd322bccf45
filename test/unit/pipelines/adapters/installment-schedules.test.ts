import { describe, expect, it } from 'vitest';
import { InstallmentCollector } from '../../../../pipelines/adapters/installment-schedules.ts';

type Row = [no: number, dueDay: number, amount: string];

function verdictOf(rows: Row[], principalCents: number) {
  const c = new InstallmentCollector();
  for (const [no, due, amount] of rows) c.add('L1', String(no), due, amount);
  return c.verdicts(new Map([['L1', principalCents]])).get('L1');
}

/** n installments of `each`, due every 30 days, in a seeded shuffled order (a source's row order). */
function schedule(n: number, each: string, seed: number): Row[] {
  const rows: Row[] = Array.from({ length: n }, (_, i) => [i + 1, -900 + 30 * i, each]);
  let s = seed;
  for (let i = rows.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

describe('InstallmentCollector: the schedule rule of ingest, judged in the adapter', () => {
  for (const n of [1, 2, 12, 60]) {
    for (const seed of [1, 7]) {
      const rows = schedule(n, '100.00', seed);
      it(`${n} installments in any order repaying the principal: complete (seed ${seed})`, () => {
        expect(verdictOf(rows, n * 100_00)).toBe('complete');
        // ingest's tolerance: half a cent an installment short is still accepted, a cent more is not
        expect(verdictOf(rows, n * 100_00 + Math.floor(n / 2))).toBe('complete');
        expect(verdictOf(rows, n * 100_00 + Math.floor(n / 2) + 1)).toBe('short');
      });
      if (n > 1) {
        for (const missing of [1, Math.ceil(n / 2), n]) {
          it(`${n} installments without number ${missing}: ${missing === n ? 'short' : 'gap'} (seed ${seed})`, () => {
            const without = rows.filter(([no]) => no !== missing);
            // the last one missing leaves 1..n−1 without a gap, repaying less than the principal
            expect(verdictOf(without, (n - 1) * 100_00)).toBe(missing === n ? 'complete' : 'gap');
            expect(verdictOf(without, n * 100_00)).toBe(missing === n ? 'short' : 'gap');
          });
        }
        it(`${n} installments with two due days swapped: unordered (seed ${seed})`, () => {
          const swapped = rows.map(([no, due, a]): Row => [
            no,
            no === 1 ? -900 + 30 * (n - 1) : no === n ? -900 : due,
            a,
          ]);
          expect(verdictOf(swapped, n * 100_00)).toBe('unordered');
        });
      }
    }
  }

  it('a further payment row of an installment counts once, its first row standing for it', () => {
    const rows: Row[] = [
      [1, -60, '100.00'],
      [2, -30, '100.00'],
      [1, -10, '999.00'], // a second payment of installment 1: neither its due day nor its amount counts
    ];
    expect(verdictOf(rows, 200_00)).toBe('complete');
    expect(verdictOf(rows, 200_02)).toBe('short');
  });

  it('a loan with a value ingest refuses on its own is not judged (its rows go to ingest as they are)', () => {
    for (const bad of [
      ['x', -30, '100.00'],
      ['2', Number.NaN, '100.00'],
      ['2', -30, ''],
      ['2', -30, 'abc'],
      ['2.5', -30, '100.00'],
    ] as const) {
      const c = new InstallmentCollector();
      c.add('L1', '1', -60, '100.00');
      c.add('L1', bad[0], bad[1], bad[2]);
      c.add('L1', '3', -10, '100.00');
      c.add('L2', '1', -60, '100.00');
      const v = c.verdicts(
        new Map([
          ['L1', 300_00],
          ['L2', 100_00],
        ]),
      );
      expect(v.has('L1')).toBe(false);
      expect(v.get('L2')).toBe('complete');
    }
  });

  it('a loan without a known principal is not judged', () => {
    const c = new InstallmentCollector();
    c.add('L9', '1', -60, '100.00');
    expect(c.verdicts(new Map()).size).toBe(0);
  });
});
