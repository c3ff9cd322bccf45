import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { ColumnBuilder, markerCounts, missingMarkerSet } from '../../../../models/data/dataset.ts';

/** A numeric column built cell by cell, against the rule spelled out: a marker is missing (counted), else Number(cell), else an error. */
describe('ColumnBuilder, numeric', () => {
  const pools: [string, string[]][] = [
    ['the default markers', ['NA', 'N/A', 'NULL', '\\N', '']],
    ['markers that read as numbers', ['-1', '999', '', 'n/a']],
  ];
  for (const [what, markers] of pools)
    it(`reads numbers, ${what} and padded numbers as the rule does, over random cells`, () => {
      const rng = new Rng(31);
      const missing = missingMarkerSet(markers);
      const cells = Array.from({ length: 5_000 }, () =>
        rng.pick([
          ...markers,
          String(rng.int(-5, 1000)),
          String(rng.normal() * 1e3),
          ` ${rng.int(0, 9)} `,
          '1e3',
          '-0',
          '999',
          '-1',
        ]),
      );
      const b = new ColumnBuilder('x', 'numeric', missing);
      for (const c of cells) b.push(c);
      const col = b.build();
      if (col.kind !== 'numeric') throw new Error('not numeric');
      const expected = cells.map((c) => (missing.has(c) ? Number.NaN : Number(c)));
      expect(Array.from(col.values)).toEqual(expected);
      const counts: Record<string, number> = {};
      for (const c of cells) if (missing.has(c)) counts[c] = (counts[c] ?? 0) + 1;
      expect(markerCounts(col)).toEqual(counts);
    });

  it('refuses a cell that is neither a number nor a marker, naming the row', () => {
    const b = new ColumnBuilder('income', 'numeric');
    b.push('12');
    expect(() => { b.push('twelve'); }).toThrow(/income, row 2: "twelve" is not a number/u);
  });

  it('a hex, binary or octal literal is not a number (JavaScript reads 0x10 as 16)', () => {
    for (const cell of ['0x10', '0X1f', '0b101', '0o17', ' 0x10 ']) {
      const b = new ColumnBuilder('duration', 'numeric');
      b.push('12');
      expect(() => { b.push(cell); }, cell).toThrow(new RegExp(`duration, row 2: "${cell}" is not a number`, 'u'));
    }
    // a column of them, its kind not given, is text
    const typed = new ColumnBuilder('code', undefined);
    for (const c of ['0x0A3F', '0x0B10', '0x0C01']) typed.push(c);
    expect(typed.build().kind).toBe('categorical');
  });
});
