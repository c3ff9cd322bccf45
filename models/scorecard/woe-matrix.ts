import { column, type Dataset } from '../data/dataset.ts';
import { assignBins, type VariableBins } from './binning.ts';

/** Row-major n×k matrix of WoE values (float32, the input of tfjs) and the bin index of each cell. */
export function woeMatrix(ds: Dataset, vars: VariableBins[]): { x: Float32Array; binIdx: Uint8Array[] } {
  const k = vars.length;
  const x = new Float32Array(ds.n * k);
  const binIdx = vars.map((v) => assignBins(v, column(ds, v.feature)));
  vars.forEach((v, j) => {
    const idx = binIdx[j]!;
    const woe = v.bins.map((b) => b.woe);
    for (let i = 0; i < ds.n; i++) x[i * k + j] = woe[idx[i]!]!;
  });
  return { x, binIdx };
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
