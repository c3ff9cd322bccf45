export interface LogisticOptions {
  l2?: number;
  maxIter?: number;
  /** the fit ends when no coefficient moves by more */
  tol?: number;
  /** starting coefficients, intercept first (a refit of a nearby model): ignored unless k + 1 long */
  start?: ArrayLike<number>;
  /**
   * each row stands for this many identical rows (default 1), and y then counts their bads: the
   * objective of the rows spelled out, summed over far fewer (woePatterns)
   */
  weight?: ArrayLike<number>;
}

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Logistic regression by Newton–Raphson with backtracking, in float64. The gradient Xᵀ(p − y) and
 * the Hessian Xᵀ diag(p(1 − p)) X are summed over all rows, the (k+1)² system solved by Cholesky.
 * Float64, not TensorFlow.js's float32: near the optimum a float32 sum of 10⁵ rows cannot resolve
 * the objective's change (its noise, ~1e-6 of it, is larger than the Newton decrement), so the fit
 * used to run 10–16 iterations and judge step halvings by noise; in float64 Newton converges
 * quadratically and stops on the decrement after a handful. L2 (ridge, λ‖β‖², intercept
 * unpenalised) is optional. Rows may carry weights (identical rows counted once, `weight`).
 * Deterministic: no sampling, no seeds.
 */
export function fitLogistic(
  x: Float32Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  o: LogisticOptions = {},
): Promise<LogisticFit> {
  return Promise.resolve(fitLogisticSync(x, n, k, y, o));
}

function fitLogisticSync(x: Float32Array, n: number, k: number, y: ArrayLike<number>, o: LogisticOptions): LogisticFit {
  const l2 = o.l2 ?? 0;
  const m = k + 1;
  const c = o.weight ?? new Float64Array(n).fill(1);
  let w = new Float64Array(m);
  if (o.start?.length === m) w.set(o.start);
  else {
    let positives = 0;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      positives += y[i]!;
      rows += c[i]!;
    }
    const mean = positives / Math.max(1, rows);
    w[0] = Math.log(Math.max(mean, 1e-6) / Math.max(1 - mean, 1e-6));
  }
  let z = linear(x, n, k, w);
  let current = objective(z, y, c, w, l2);
  let hess: number[] | undefined;
  let iterations = 0;
  let converged = false;
  for (; iterations < (o.maxIter ?? 50) && !converged; iterations++) {
    // The Hessian (n·k² work, the bulk of a fit) is recomputed while the fit is far from its
    // optimum; near it the last one is reused (the chord method: each step still descends, and
    // the gradient, not the Hessian, decides where the fit ends).
    const grad = gradient(x, n, k, y, c, z);
    const far = hess === undefined;
    if (far) hess = Array.from(hessian(x, n, k, c, z));
    for (let j = 1; j < m; j++) grad[j]! += 2 * l2 * w[j]!;
    const penalised = hess!.slice();
    for (let j = 1; j < m; j++) penalised[j * m + j]! += 2 * l2;
    const step = choleskySolve(penalised, Array.from(grad), m);
    // the Newton decrement gᵀH⁻¹g: twice the objective's predicted fall along the full step
    const decrement = step.reduce((s, d, j) => s + d * grad[j]!, 0);
    if (!(decrement > 2e-12 * Math.max(1, current))) {
      converged = true;
      break;
    }
    const dz = linear(x, n, k, Float64Array.from(step));
    let t = 1;
    let next = w.map((v, j) => v - step[j]!);
    let nextZ = z.map((v, i) => v - dz[i]!);
    let value = objective(nextZ, y, c, next, l2);
    // Armijo: the step must lower the objective by a share of what the decrement predicts
    while (!(value <= current - 1e-4 * t * decrement) && t > 1e-10) {
      t /= 2;
      next = w.map((v, j) => v - t * step[j]!);
      nextZ = z.map((v, i) => v - t * dz[i]!);
      value = objective(nextZ, y, c, next, l2);
    }
    if (!(value <= current)) {
      // no descent left along this direction: with a fresh Hessian, the optimum as far as float64 resolves it
      if (far) converged = true;
      hess = undefined;
      continue;
    }
    const moved = Math.max(...step.map((d) => Math.abs(t * d)));
    w = next;
    z = nextZ;
    current = value;
    converged = moved < (o.tol ?? 1e-9);
    // a shortened step, or a fall still large against the objective, means the curvature has moved on
    if (t < 1 || decrement > 1e-4 * Math.max(1, current)) hess = undefined;
  }
  return { intercept: w[0]!, coef: Array.from(w.subarray(1)), iterations, converged };
}

/** β₀ + Σ βⱼ xᵢⱼ for every row. */
function linear(x: Float32Array, n: number, k: number, w: Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = w[0]!;
    const row = i * k;
    for (let j = 0; j < k; j++) s += w[j + 1]! * x[row + j]!;
    z[i] = s;
  }
  return z;
}

/** Σ c·log(1 + eᶻ) − y·z (computed stably; c a row's weight, y its bads) plus the ridge penalty. */
function objective(z: Float64Array, y: ArrayLike<number>, c: ArrayLike<number>, w: Float64Array, l2: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    s += c[i]! * (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))) - y[i]! * v;
  }
  let penalty = 0;
  for (let j = 1; j < w.length; j++) penalty += w[j]! * w[j]!;
  return s + l2 * penalty;
}

/** The gradient Xᵀ(c·p − y) of the unpenalised objective at z (m = k + 1, the intercept first). */
function gradient(
  x: Float32Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  c: ArrayLike<number>,
  z: Float64Array,
): Float64Array {
  const grad = new Float64Array(k + 1);
  for (let i = 0; i < n; i++) {
    const r = c[i]! / (1 + Math.exp(-z[i]!)) - y[i]!;
    grad[0]! += r;
    const row = i * k;
    for (let j = 0; j < k; j++) grad[j + 1]! += r * x[row + j]!;
  }
  return grad;
}

/** The Hessian Xᵀ diag(c·p(1 − p)) X at z, full and symmetric (m×m, row-major). */
function hessian(x: Float32Array, n: number, k: number, c: ArrayLike<number>, z: Float64Array): Float64Array {
  const m = k + 1;
  const hess = new Float64Array(m * m);
  const row = new Float64Array(m);
  row[0] = 1;
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-z[i]!));
    const h = c[i]! * p * (1 - p);
    for (let j = 0; j < k; j++) row[j + 1] = x[i * k + j]!;
    for (let a = 0; a < m; a++) {
      const ha = h * row[a]!;
      const base = a * m;
      for (let b = 0; b <= a; b++) hess[base + b]! += ha * row[b]!;
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b]!;
  return hess;
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
