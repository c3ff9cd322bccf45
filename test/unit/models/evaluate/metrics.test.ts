import { describe, expect, it } from 'vitest';
import { auc, calibrationTable, gainsTable, ks, withCutOffs, psi } from '../../../../models/evaluate/metrics.ts';
import { fitLogistic } from '../../../../models/scorecard/logistic.ts';
import { Rng } from '../../../../lib/random.ts';

describe('quality metrics', () => {
  it('AUC counts ties as half and KS is the largest CDF gap', () => {
    // pairs (bad, good): (0.9 > 0.1) (0.9 > 0.4) (0.4 = 0.4 → ½) (0.4 > 0.1) → 3.5 / 4
    const p = [0.9, 0.4, 0.4, 0.1];
    const y = [1, 1, 0, 0];
    expect(auc(p, y)).toBeCloseTo(0.875, 12);
    expect(ks(p, y)).toBeCloseTo(0.5, 12);
    expect(auc([0.2, 0.8], [1, 0])).toBe(0);
  });

  it('PSI of identical shares is 0 and grows with the shift', () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
    // (0.5-0.2)ln(0.5/0.2) + (0.3-0.3)·0 + (0.2-0.5)ln(0.2/0.5) = 0.6·ln 2.5
    expect(psi([2, 3, 5], [5, 3, 2])).toBeCloseTo(0.6 * Math.log(2.5), 12);
  });

  it('gains and calibration tables add up', () => {
    const rng = new Rng(4);
    const p = Array.from({ length: 1000 }, () => rng.next());
    const y = p.map((x) => (rng.chance(x) ? 1 : 0));
    const g = gainsTable(p, y);
    expect(g.reduce((s, r) => s + r.n, 0)).toBe(1000);
    expect(g.at(-1)!.cumulative_bad_capture).toBeCloseTo(1, 12);
    expect(g[0]!.bad_rate).toBeGreaterThan(g.at(-1)!.bad_rate);
    // each row one cut-off: rejecting this band and the riskier ones is the capture's share, approving the rest
    let rejected = 0;
    let caught = 0;
    const bads = y.reduce<number>((a, b) => a + b, 0);
    for (const [i, r] of g.entries()) {
      rejected += r.n;
      caught += r.bads;
      expect(r.rejection_rate).toBeCloseTo(rejected / 1000, 12);
      expect(r.approval_rate).toBeCloseTo(1 - rejected / 1000, 12);
      expect(r.cumulative_bad_capture).toBeCloseTo(caught / bads, 12);
      if (i < g.length - 1) expect(r.approved_bad_rate).toBeCloseTo((bads - caught) / (1000 - rejected), 12);
    }
    expect(g.at(-1)!.approval_rate).toBe(0);
    expect(g.at(-1)!.approved_bad_rate).toBeNull();
    // the cut-offs read back from the rows' counts, as a card stored before this is shown
    expect(withCutOffs(g)).toEqual(g);
    const c = calibrationTable(p, y);
    expect(c.reduce((s, r) => s + r.n, 0)).toBe(1000);
    for (const r of c) expect(Math.abs(r.mean_predicted - r.observed_rate)).toBeLessThan(0.2);
  });
});

describe('logistic regression (tfjs Newton)', () => {
  it('solves the score equations and recovers the generating coefficients', async () => {
    const rng = new Rng(11);
    const n = 20_000;
    const k = 3;
    const x = new Float32Array(n * k);
    const y = new Uint8Array(n);
    const beta = [-1, 0.8, -0.5, 1.2];
    for (let i = 0; i < n; i++) {
      let z = beta[0]!;
      for (let j = 0; j < k; j++) {
        const v = rng.normal();
        x[i * k + j] = v;
        z += beta[j + 1]! * v;
      }
      y[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
    }
    const fit = await fitLogistic(x, n, k, y);
    expect(fit.converged).toBe(true);
    [fit.intercept, ...fit.coef].forEach((b, j) => {
      expect(Math.abs(b - beta[j]!)).toBeLessThan(0.06);
    });
    // at the MLE the gradient Σ xᵢ (yᵢ − pᵢ) vanishes (float32 accumulation: a small tolerance)
    const grad = new Array<number>(k + 1).fill(0);
    for (let i = 0; i < n; i++) {
      let z = fit.intercept;
      for (let j = 0; j < k; j++) z += fit.coef[j]! * x[i * k + j]!;
      const r = y[i]! - 1 / (1 + Math.exp(-z));
      grad[0]! += r;
      for (let j = 0; j < k; j++) grad[j + 1]! += r * x[i * k + j]!;
    }
    for (const g of grad) expect(Math.abs(g) / n).toBeLessThan(1e-4);
    const ridge = await fitLogistic(x, n, k, y, { l2: 2000 });
    expect(Math.abs(ridge.coef[2]!)).toBeLessThan(Math.abs(fit.coef[2]!));
  });
});

describe('gradient-boosted trees', () => {
  it('learn an interaction a linear model cannot, route missing values, and stop early on validation loss', async () => {
    const { trainGbm, scoreGbm } = await import('../../../../models/gbm/gbm.ts');
    const rng = new Rng(21);
    const n = 6000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.next() < 0.1 ? Number.NaN : rng.uniform(-1, 1);
      b[i] = rng.uniform(-1, 1);
      const risky = Number.isNaN(a[i]!) ? true : a[i]! * b[i]! > 0; // XOR-like: no main effects
      label[i] = rng.chance(risky ? 0.6 : 0.1) ? 1 : 0;
    }
    const ds = {
      n,
      columns: [
        { name: 'a', kind: 'numeric' as const, values: a },
        { name: 'b', kind: 'numeric' as const, values: b },
      ],
      label,
      period: [] as string[],
      ids: [] as string[],
    };
    ds.period = Array.from({ length: n }, () => '');
    ds.ids = Array.from({ length: n }, (_, i) => String(i));
    const art = trainGbm(ds, ['a', 'b'], {
      rounds: 200,
      maxDepth: 3,
      learningRate: 0.1,
      lambda: 1,
      minChildHess: 1,
      maxBins: 32,
      patience: 20,
      maxRows: 100_000,
      seed: 1,
    });
    const p = scoreGbm(art, ds).probability;
    // the Bayes AUC of this design is 0.764; main effects alone give about 0.55 (the missing flag)
    expect(auc(p, label)).toBeGreaterThan(0.74);
    expect(art.training.bestRound).toBeLessThanOrEqual(art.training.rounds);
    const missingMean = p.filter((_, i) => Number.isNaN(a[i]!)).reduce((s, x, _, arr) => s + x / arr.length, 0);
    expect(missingMean).toBeGreaterThan(0.45);
  });
});
