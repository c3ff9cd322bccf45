import { choleskySolve } from './logistic.ts';

/**
 * Rows grouped by their bins: each pattern's bin of every variable (pattern-major), the rows it
 * stands for and their bads.
 */
export interface BinPatterns {
  variables: number;
  patterns: number;
  bins: Uint8Array;
  weight: Float64Array;
  bads: Float64Array;
}

/** An intercept and one log-odds term per bin of each variable. */
export interface BinTerms {
  intercept: number;
  terms: Float64Array[];
}

/**
 * Penalised logistic regression on one-hot bins: z = intercept + Σⱼ tⱼ[bin of row in j],
 * minimising Σ w·log(1 + eᶻ) − bads·z + λ·Σ (tⱼₖ − cⱼₖ)², the terms shrunk towards a centre
 * (the classic scorecard's coefficient × WoE). Newton in float64 with Armijo backtracking; each
 * row touches one term per variable, so the Hessian costs (variables + 1)² per pattern.
 */
export function fitBinTerms(p: BinPatterns, centre: BinTerms, lambda: number, start: BinTerms = centre): BinTerms {
  const sizes = centre.terms.map((t) => t.length);
  const base: number[] = [];
  let m = 1;
  for (const s of sizes) {
    base.push(m);
    m += s;
  }
  const c = flatten(centre, m);
  let w = flatten(start, m);
  let z = linear(p, base, w);
  let current = objective(p, z, w, c, lambda);
  const F = p.variables;
  const idx = new Int32Array(F + 1);
  for (let iteration = 0; iteration < 50; iteration++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let i = 0; i < p.patterns; i++) {
      const q = 1 / (1 + Math.exp(-z[i]!));
      const r = p.weight[i]! * q - p.bads[i]!;
      const h = p.weight[i]! * q * (1 - q);
      idx[0] = 0;
      for (let j = 0; j < F; j++) idx[j + 1] = base[j]! + p.bins[i * F + j]!;
      // idx rises with a (the intercept, then each variable's block): the lower triangle, mirrored below
      for (let a = 0; a <= F; a++) {
        const ia = idx[a]!;
        grad[ia]! += r;
        const row = ia * m;
        for (let b = 0; b <= a; b++) hess[row + idx[b]!]! += h;
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b]!;
    for (let a = 1; a < m; a++) {
      grad[a]! += 2 * lambda * (w[a]! - c[a]!);
      hess[a * m + a]! += 2 * lambda;
    }
    const step = choleskySolve(Array.from(hess), Array.from(grad), m);
    const decrement = step.reduce((s, d, j) => s + d * grad[j]!, 0);
    if (!(decrement > 2e-12 * Math.max(1, current))) break;
    let t = 1;
    let next = w.map((v, j) => v - step[j]!);
    let nextZ = linear(p, base, next);
    let value = objective(p, nextZ, next, c, lambda);
    while (!(value <= current - 1e-4 * t * decrement) && t > 1e-10) {
      t /= 2;
      next = w.map((v, j) => v - t * step[j]!);
      nextZ = linear(p, base, next);
      value = objective(p, nextZ, next, c, lambda);
    }
    if (!(value <= current)) break;
    const moved = Math.max(...step.map((d) => Math.abs(t * d)));
    w = next;
    z = nextZ;
    current = value;
    if (moved < 1e-9) break;
  }
  return { intercept: w[0]!, terms: sizes.map((s, j) => w.slice(base[j], base[j]! + s)) };
}

function flatten(t: BinTerms, m: number): Float64Array {
  const w = new Float64Array(m);
  w[0] = t.intercept;
  let at = 1;
  for (const terms of t.terms) {
    w.set(terms, at);
    at += terms.length;
  }
  return w;
}

function linear(p: BinPatterns, base: number[], w: Float64Array): Float64Array {
  const z = new Float64Array(p.patterns);
  const F = p.variables;
  for (let i = 0; i < p.patterns; i++) {
    let s = w[0]!;
    for (let j = 0; j < F; j++) s += w[base[j]! + p.bins[i * F + j]!]!;
    z[i] = s;
  }
  return z;
}

function objective(p: BinPatterns, z: Float64Array, w: Float64Array, c: Float64Array, lambda: number): number {
  let s = 0;
  for (let i = 0; i < p.patterns; i++) {
    const v = z[i]!;
    s += p.weight[i]! * (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))) - p.bads[i]! * v;
  }
  let penalty = 0;
  for (let j = 1; j < w.length; j++) penalty += (w[j]! - c[j]!) ** 2;
  return s + lambda * penalty;
}
