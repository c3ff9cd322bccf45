import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { defaultBinning } from '../../../../models/scorecard/binning.ts';
import { defaultSelection, fineBinning, screenVariables } from '../../../../models/scorecard/selection.ts';

/**
 * `foreign`: "no" on 3 % of rows, far safer — the 5 % minimum bin share merges it into "yes";
 * `weak`: 1 on the same 3 % of rows, 0 elsewhere — the range [1, +∞) merged the same way; `constant`: one value.
 */
function table(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const codes = new Int32Array(n);
  const weak = new Float64Array(n);
  const constant = new Float64Array(n).fill(1);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    codes[i] = rng.chance(0.03) ? 1 : 0;
    weak[i] = codes[i]!;
    const p = codes[i] === 1 ? 0.05 : 0.3;
    label[i] = rng.chance(p) ? 1 : 0;
  }
  return {
    n,
    columns: [
      { name: 'foreign', kind: 'categorical', codes, levels: ['yes', 'no'] },
      { name: 'weak', kind: 'numeric', values: weak },
      { name: 'constant', kind: 'numeric', values: constant },
    ],
    label,
    period: Array.from({ length: n }, () => ''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('a variable merged into one bin is reported with its IV before the merging, not as IV 0', () => {
  for (const n of [600, 1_000, 3_000]) {
    it(`${n} rows`, () => {
      const ds = table(n, n);
      const { report } = screenVariables(ds, ['foreign', 'weak', 'constant'], defaultBinning, defaultSelection);
      const row = (f: string) => report.find((r) => r.feature === f)!;
      const foreign = row('foreign');
      expect(foreign.kept).toBe(false);
      const before = fineBinning(ds, 'foreign', defaultBinning).iv;
      expect(before).toBeGreaterThan(0.02);
      expect(foreign.reason).toBe(
        `merged into one bin by the coarse classing (bins of at least 5 % of the rows, chi-merge at 3.841): IV before merging ${before.toFixed(4)}, after 0.0000, below 0.02`,
      );
      expect(foreign.reason).not.toMatch(/^IV 0\.0000/u);
      // one value has no bins to merge: the plain reason stays
      expect(row('constant').reason).toMatch(/^IV 0\.0000 below 0\.02/u);
    });
  }

  it('a numeric variable whose ranges were merged names its fine ranges’ IV', () => {
    const ds = table(1_000, 7);
    const { report } = screenVariables(ds, ['weak'], defaultBinning, defaultSelection);
    const weak = report[0]!;
    expect(weak.kept).toBe(false);
    expect(fineBinning(ds, 'weak', defaultBinning).iv).toBeCloseTo(fineBinning(ds, 'foreign', defaultBinning).iv, 12);
    expect(weak.reason).toMatch(
      /^merged into one bin by (the [a-z-]+ trend and )?the coarse classing .*: IV before merging 0\.\d{4}, after 0\.0000, below 0\.02$/u,
    );
  });
});
