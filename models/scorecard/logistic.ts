import { initTf } from '../tf.ts';

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Logistic regression by Newton–Raphson: TensorFlow.js computes the gradient Xᵀ(p − y) and the
 * Hessian Xᵀ diag(p(1 − p)) X over all rows; the (k+1)² system is solved in float64 by Cholesky.
 * L2 (ridge, λ‖β‖², intercept unpenalised) is optional. Deterministic: no sampling, no seeds.
 */
export async function fitLogistic(
  x: Float32Array,
  n: number,
  k: number,
  y: Uint8Array,
  o: { l2?: number; maxIter?: number; tol?: number } = {},
): Promise<LogisticFit> {
  const tf = await initTf();
  const l2 = o.l2 ?? 0;
  const withIntercept = new Float32Array(n * (k + 1));
  for (let i = 0; i < n; i++) {
    withIntercept[i * (k + 1)] = 1;
    withIntercept.set(x.subarray(i * k, (i + 1) * k), i * (k + 1) + 1);
  }
  const X = tf.tensor2d(withIntercept, [n, k + 1]);
  const Y = tf.tensor2d(Float32Array.from(y), [n, 1]);
  const mean = y.reduce((s, v) => s + v, 0) / Math.max(1, n);
  let w = new Array<number>(k + 1).fill(0);
  w[0] = Math.log(Math.max(mean, 1e-6) / Math.max(1 - mean, 1e-6));
  let iterations = 0;
  let converged = false;
  // penalised negative log-likelihood, for step halving: a full Newton step can overshoot on WoE inputs with near-separated bins
  const objective = async (v: number[]) => {
    const t = tf.tidy(() => {
      const z = X.matMul(tf.tensor2d(v, [k + 1, 1]));
      // log(1 + e^z) − y·z, computed stably
      return tf
        .relu(z)
        .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))))
        .sub(Y.mul(z))
        .sum();
    });
    const val = (await t.data())[0]!;
    t.dispose();
    return val + l2 * v.slice(1).reduce((s2, b) => s2 + b * b, 0);
  };
  let current = await objective(w);
  try {
    for (; iterations < (o.maxIter ?? 50) && !converged; iterations++) {
      const [g, h] = tf.tidy(() => {
        const p = tf.sigmoid(X.matMul(tf.tensor2d(w, [k + 1, 1])));
        const grad = X.transpose().matMul(p.sub(Y));
        const wts = p.mul(tf.scalar(1).sub(p));
        const hess = X.mul(wts).transpose().matMul(X);
        return [grad, hess];
      });
      const grad = Array.from(await g.data());
      const hess = Array.from(await h.data());
      g.dispose();
      h.dispose();
      for (let j = 1; j <= k; j++) {
        grad[j]! += 2 * l2 * w[j]!;
        hess[j * (k + 1) + j]! += 2 * l2;
      }
      const step = choleskySolve(hess, grad, k + 1);
      let t = 1;
      let next = w.map((v, j) => v - step[j]!);
      let value = await objective(next);
      // float32 sums carry ~1e-7 relative noise: a step that changes the objective by less is not a worse step
      const noise = 1e-6 * Math.abs(current);
      while (!(value <= current + noise) && t > 1e-6) {
        t /= 2;
        next = w.map((v, j) => v - t * step[j]!);
        value = await objective(next);
      }
      const moved = Math.max(...step.map((d) => Math.abs(t * d)));
      if (value <= current + noise) {
        w = next;
        current = value;
      }
      // converged when the step is tiny or float32 sums can no longer lower the objective
      converged = moved < (o.tol ?? 1e-6) || t <= 1e-6;
    }
  } finally {
    X.dispose();
    Y.dispose();
  }
  return { intercept: w[0]!, coef: w.slice(1), iterations, converged };
}

/** Solves A s = b for a symmetric positive-definite A (row-major m×m); a tiny ridge keeps a singular A solvable. */
export function choleskySolve(a: number[], b: number[], m: number): number[] {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      if (i === j) L[i * m + i] = Math.sqrt(Math.max(s, 1e-9));
      else L[i * m + j] = s / L[j * m + j]!;
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * z[k]!;
    z[i] = s / L[i * m + i]!;
  }
  const out = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * out[k]!;
    out[i] = s / L[i * m + i]!;
  }
  return out;
}
