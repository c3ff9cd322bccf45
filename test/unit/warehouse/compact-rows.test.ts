import { describe, expect, it } from 'vitest';
import { compactRows } from '../../../warehouse/compact-rows.ts';

describe('compact rows', () => {
  it('give each line the header names, values as JSONEachRow gives them', () => {
    const text = '["s", "t", "u", "n"]\n["a\\nb", [{"date":"2024-01-01"}], 5, null]\n["c", [], 6, 1.5]\n';
    expect(compactRows(text)).toEqual([
      { s: 'a\nb', t: [{ date: '2024-01-01' }], u: 5, n: null },
      { s: 'c', t: [], u: 6, n: 1.5 },
    ]);
  });

  it('an empty answer (names only, or nothing at all) is no rows', () => {
    expect(compactRows('["a"]\n')).toEqual([]);
    expect(compactRows('')).toEqual([]);
  });
});
