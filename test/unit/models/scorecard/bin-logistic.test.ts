import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { fitBinTerms, type BinPatterns, type BinTerms } from '../../../../models/scorecard/bin-logistic.ts';
import { fitLogistic } from '../../../../models/scorecard/logistic.ts';

/** Rows with a bin of each of `sizes.length` variables and an outcome drawn from σ of the bins' true terms. */
function rows(seed: number, n: number, sizes: number[]) {
  const rng = new Rng(seed);
  const truth = sizes.map((s) => Array.from({ length: s }, () => rng.uniform(-1, 1)));
  const F = sizes.length;
  const bins = new Uint8Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let z = -1.2;
    for (let j = 0; j < F; j++) {
      const b = rng.int(0, sizes[j]! - 1);
      bins[i * F + j] = b;
      z += truth[j]![b]!;
    }
    y[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
  }
  const p: BinPatterns = {
    variables: F,
    patterns: n,
    bins,
    weight: new Float64Array(n).fill(1),
    bads: Float64Array.from(y),
  };
  return { p, y, sizes };
}

const zeros = (sizes: number[]): BinTerms => ({ intercept: 0, terms: sizes.map((s) => new Float64Array(s)) });

/** The same rows grouped: identical bin combinations counted once with their rows and bads. */
function grouped(p: BinPatterns): BinPatterns {
  const F = p.variables;
  const at = new Map<string, number>();
  const bins: number[] = [];
  const weight: number[] = [];
  const bads: number[] = [];
  for (let i = 0; i < p.patterns; i++) {
    const key = Array.from(p.bins.subarray(i * F, i * F + F)).join(',');
    let g = at.get(key);
    if (g === undefined) {
      g = weight.length;
      at.set(key, g);
      bins.push(...p.bins.subarray(i * F, i * F + F));
      weight.push(0);
      bads.push(0);
    }
    weight[g]! += p.weight[i]!;
    bads[g]! += p.bads[i]!;
  }
  return {
    variables: F,
    patterns: weight.length,
    bins: Uint8Array.from(bins),
    weight: Float64Array.from(weight),
    bads: Float64Array.from(bads),
  };
}

describe('penalised logistic regression on one-hot bins', () => {
  it('equals the dense ridge fit on every bin as a 0/1 column (centre 0; to 1e-5, the dense fit stops on its steps)', async () => {
    for (const seed of [1, 2, 3]) {
      const { p, y, sizes } = rows(seed, 3_000, [3, 4, 2]);
      const m = sizes.reduce((a, b) => a + b, 0);
      const x = new Float32Array(p.patterns * m);
      const base = [0, 3, 7];
      for (let i = 0; i < p.patterns; i++) for (let j = 0; j < 3; j++) x[i * m + base[j]! + p.bins[i * 3 + j]!] = 1;
      for (const lambda of [0.5, 5, 50]) {
        const dense = await fitLogistic(x, p.patterns, m, y, { l2: lambda });
        const fit = fitBinTerms(p, zeros(sizes), lambda);
        expect(fit.intercept).toBeCloseTo(dense.intercept, 5);
        const flat = fit.terms.flatMap((t) => Array.from(t));
        flat.forEach((t, k) => {
          expect(t).toBeCloseTo(dense.coef[k]!, 5);
        });
      }
    }
  });

  it('with one variable and almost no penalty, intercept + term is each bin’s empirical log-odds', () => {
    const { p } = rows(4, 5_000, [5]);
    const fit = fitBinTerms(p, zeros([5]), 1e-9);
    for (let b = 0; b < 5; b++) {
      let n = 0;
      let bad = 0;
      for (let i = 0; i < p.patterns; i++)
        if (p.bins[i] === b) {
          n++;
          bad += p.bads[i]!;
        }
      expect(fit.intercept + fit.terms[0]![b]!).toBeCloseTo(Math.log(bad / (n - bad)), 5);
    }
  });

  it('a strong penalty holds the terms at their centre; grouped rows give the same fit as rows one by one', () => {
    const { p } = rows(5, 4_000, [3, 3]);
    const centre: BinTerms = {
      intercept: -1,
      terms: [Float64Array.from([0.2, -0.1, 0.4]), Float64Array.from([0, 0.3, -0.3])],
    };
    const held = fitBinTerms(p, centre, 1e9);
    held.terms.forEach((t, j) => {
      t.forEach((x, k) => {
        expect(x).toBeCloseTo(centre.terms[j]![k]!, 4);
      });
    });
    const one = fitBinTerms(p, centre, 20);
    const many = fitBinTerms(grouped(p), centre, 20);
    expect(grouped(p).patterns).toBeLessThanOrEqual(9);
    expect(many.intercept).toBeCloseTo(one.intercept, 8);
    many.terms.forEach((t, j) => {
      t.forEach((x, k) => {
        expect(x).toBeCloseTo(one.terms[j]![k]!, 8);
      });
    });
  });
});
