import { column, type Dataset } from '../data/dataset.ts';
import { assignBins, type VariableBins } from './binning.ts';

/**
 * Each variable's WoE column of one dataset (float32), computed once: training assembles many
 * matrices (one per correlation limit and sign refit) from the same few columns.
 */
export class WoeColumns {
  readonly #columns = new Map<VariableBins, Float32Array>();
  constructor(readonly ds: Dataset) {}

  of(v: VariableBins): Float32Array {
    let col = this.#columns.get(v);
    if (!col) {
      const idx = assignBins(v, column(this.ds, v.feature));
      const woe = v.bins.map((b) => b.woe);
      col = new Float32Array(this.ds.n);
      for (let i = 0; i < col.length; i++) col[i] = woe[idx[i]!]!;
      this.#columns.set(v, col);
    }
    return col;
  }
}

/** Row-major n×k matrix of WoE values (float32), from a dataset's cached columns when given. */
export function woeMatrix(ds: Dataset, vars: VariableBins[], columns = new WoeColumns(ds)): { x: Float32Array } {
  const k = vars.length;
  const x = new Float32Array(ds.n * k);
  vars.forEach((v, j) => {
    const col = columns.of(v);
    for (let i = 0; i < ds.n; i++) x[i * k + j] = col[i]!;
  });
  return { x };
}

/** Bin shares of a column under fixed bins (for PSI / CSI against the training baseline). */
export function binCounts(vb: VariableBins, ds: Dataset): number[] {
  const idx = assignBins(vb, column(ds, vb.feature));
  const counts = new Array<number>(vb.bins.length).fill(0);
  for (const b of idx) counts[b]!++;
  return counts;
}

export function pearson(a: Float32Array, b: Float32Array, stride: number, ja: number, jb: number, n: number): number {
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i * stride + ja]!;
    const y = b[i * stride + jb]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2;
  const vb = sbb / n - (sb / n) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}
