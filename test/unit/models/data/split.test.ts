import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { partFingerprint, randomSplit } from '../../../../models/data/split.ts';

const table = (n: number): Dataset => ({
  n,
  columns: [
    { name: 'amount', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 91)) },
    { name: 'rate', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (i % 7) / 10) },
  ],
  label: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  period: new Array<string>(n).fill(''),
  ids: Array.from({ length: n }, (_, i) => String(i + 1)),
});

describe('the test part’s fingerprint (which rows a version was tested on)', () => {
  it('the same seed and share give the same test rows, whatever the columns; another seed or share other rows', () => {
    const ds = table(1000);
    const of = (d: Dataset, share: number, seed: number) => partFingerprint(randomSplit(d, share, seed).test);
    const seed1 = of(ds, 0.7, 1);
    expect(seed1).toMatch(/^[0-9a-f]{64}$/u);
    expect(of(ds, 0.7, 1)).toBe(seed1);
    expect(of({ ...ds, columns: ds.columns.slice(0, 1) }, 0.7, 1)).toBe(seed1);
    expect(of(ds, 0.7, 6)).not.toBe(seed1);
    expect(of(ds, 0.8, 1)).not.toBe(seed1);
  });
});
