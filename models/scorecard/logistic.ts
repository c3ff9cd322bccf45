import { initTf, tf } from '../tf.ts';

export interface LogisticFit { intercept: number; coef: number[]; iterations: number; converged: boolean }

/**
 * Logistic regression by Newton–Raphson: TensorFlow.js computes the gradient Xᵀ(p − y) and the
 * Hessian Xᵀ diag(p(1 − p)) X over all rows; the (k+1)² system is solved in float64 by Cholesky.
 * L2 (ridge, λ‖β‖², intercept unpenalised) is optional. Deterministic: no sampling, no seeds.
 */
export async function fitLogistic(x: Float32Array, n: number, k: number, y: Uint8Array, o: { l2?: number; maxIter?: number; tol?: number } = {}): Promise<LogisticFit> {
  await initTf();
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
  try {
    for (; iterations < (o.maxIter ?? 30) && !converged; iterations++) {
      const [g, h] = tf.tidy(() => {
        const p = tf.sigmoid(X.matMul(tf.tensor2d(w, [k + 1, 1])));
        const grad = X.transpose().matMul(p.sub(Y));
        const wts = p.mul(tf.scalar(1).sub(p));
        const hess = X.mul(wts).transpose().matMul(X);
        return [grad, hess];
      });
      const grad = Array.from(await g.data());
      const hess = Array.from(await h.data());
      g.dispose(); h.dispose();
      for (let j = 1; j <= k; j++) { grad[j]! += 2 * l2 * w[j]!; hess[j * (k + 1) + j]! += 2 * l2; }
      const step = choleskySolve(hess, grad, k + 1);
      w = w.map((v, j) => v - step[j]!);
      converged = Math.max(...step.map(Math.abs)) < (o.tol ?? 1e-6);
    }
  } finally {
    X.dispose(); Y.dispose();
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
