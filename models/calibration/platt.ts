/**
 * Platt scaling: the calibrated probability is σ(a·z + b), z the model's log-odds of the bad
 * outcome, with a and b fitted by logistic regression of the outcome on z over a part of the
 * training window the model was not fitted on. Platt's smoothed targets, (N₊ + 1)/(N₊ + 2) for a
 * bad and 1/(N₋ + 2) for a good, keep the fit finite when the held-back part is small or separable.
 */
export interface PlattFit {
  a: number;
  b: number;
  /** 'slope and intercept', or 'intercept only' when the fitted slope was not positive (a = 1) */
  fitted: 'slope and intercept' | 'intercept only';
}

/** The log-odds of a probability, bounded so a probability of exactly 0 or 1 stays finite. */
export const logOdds = (p: number) => {
  const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  return Math.log(q / (1 - q));
};

/** Cross-entropy of σ(a·z + b) against the smoothed targets, with its gradient and Hessian in (a, b). */
function objective(z: ArrayLike<number>, t: Float64Array, a: number, b: number, slope: boolean) {
  let loss = 0;
  let ga = 0;
  let gb = 0;
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  for (let i = 0; i < t.length; i++) {
    const s = a * z[i]! + b;
    // log(1 + e^s) − t·s, computed without overflow
    loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - t[i]! * s;
    const p = 1 / (1 + Math.exp(-s));
    const r = p - t[i]!;
    const w = p * (1 - p);
    gb += r;
    hbb += w;
    if (slope) {
      ga += r * z[i]!;
      haa += w * z[i]! * z[i]!;
      hab += w * z[i]!;
    }
  }
  return { loss, ga, gb, haa, hab, hbb };
}

/** Newton–Raphson with step halving on (a, b), or on b alone. */
function newton(z: ArrayLike<number>, t: Float64Array, slope: boolean): { a: number; b: number } {
  let a = 1;
  let b = 0;
  let cur = objective(z, t, a, b, slope);
  for (let it = 0; it < 100; it++) {
    let da: number;
    let db: number;
    if (slope) {
      const haa = cur.haa + 1e-12;
      const hbb = cur.hbb + 1e-12;
      const det = haa * hbb - cur.hab * cur.hab;
      if (!(det > 0)) break;
      da = -(hbb * cur.ga - cur.hab * cur.gb) / det;
      db = -(haa * cur.gb - cur.hab * cur.ga) / det;
    } else {
      da = 0;
      db = -cur.gb / (cur.hbb + 1e-12);
    }
    let step = 1;
    let next = objective(z, t, a + da, b + db, slope);
    while (next.loss > cur.loss + 1e-12 && step > 1e-6) {
      step /= 2;
      next = objective(z, t, a + step * da, b + step * db, slope);
    }
    const moved = Math.abs(step * da) + Math.abs(step * db);
    a += step * da;
    b += step * db;
    const done = cur.loss - next.loss < 1e-13 * Math.max(1, Math.abs(cur.loss)) && moved < 1e-10;
    cur = next;
    if (done || moved < 1e-12) break;
  }
  return { a, b };
}

/**
 * Fits Platt scaling on log-odds `z` and outcomes `y` (1 = bad). A slope that comes out ≤ 0 (the
 * model does not rank the held-back rows) would reverse the ranking: then only the intercept is
 * fitted (calibration in the large), so the calibrated model orders rows as the model does.
 */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number> & Iterable<number>): PlattFit {
  let bads = 0;
  for (const v of y) bads += v ? 1 : 0;
  const goods = y.length - bads;
  const hi = (bads + 1) / (bads + 2);
  const lo = 1 / (goods + 2);
  const t = Float64Array.from({ length: y.length }, (_, i) => (y[i] ? hi : lo));
  const both = newton(z, t, true);
  if (both.a > 1e-6 && Number.isFinite(both.a) && Number.isFinite(both.b))
    return { ...both, fitted: 'slope and intercept' };
  return { ...newton(z, t, false), fitted: 'intercept only' };
}

/** σ(a·z + b) of a probability p (for checks; scoring applies the fit folded into the model). */
export const applyPlatt = (f: Pick<PlattFit, 'a' | 'b'>, p: number) => 1 / (1 + Math.exp(-(f.a * logOdds(p) + f.b)));
