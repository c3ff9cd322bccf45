import { column, type Dataset } from '../data/dataset.ts';
import { assignBins } from '../scorecard/binning.ts';
import type { NetworkArtifact, NetworkInput } from './network.ts';

/** sign(x)·ln(1 + |x|): heavy-tailed amounts on a scale a network trains on */
export const slog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));

/** Where an input's values come from: a WoE per bin and each row's bin, or a numeric column to standardise. */
export type InputSource =
  | { type: 'woe'; woe: Float64Array; bins: Uint8Array }
  | { type: 'slog'; values: Float64Array; mean: number; sd: number }
  | { type: 'zero' };

/** Where each input's values come from (a WoE input's bins assigned here): what one scoring pass reads. */
export function inputSources(inputs: NetworkInput[], ds: Dataset): InputSource[] {
  return inputs.map((inp) => {
    const col = column(ds, inp.feature);
    if (inp.type === 'woe')
      return { type: 'woe', woe: Float64Array.from(inp.bins.bins, (b) => b.woe), bins: assignBins(inp.bins, col) };
    return col.kind === 'numeric' ? { type: 'slog', values: col.values, mean: inp.mean, sd: inp.sd } : { type: 'zero' };
  });
}

/** Rows start … start + rows of the inputs, row-major into `out` (an input at a time, so each column is read in order). */
function fillInputs(sources: InputSource[], start: number, rows: number, out: Float64Array): void {
  const k = sources.length;
  sources.forEach((s, j) => {
    if (s.type === 'woe') for (let r = 0; r < rows; r++) out[r * k + j] = s.woe[s.bins[start + r]!]!;
    else if (s.type === 'slog')
      for (let r = 0; r < rows; r++) {
        const v = s.values[start + r]!;
        out[r * k + j] = Number.isNaN(v) ? 0 : Math.min(5, Math.max(-5, (slog(v) - s.mean) / s.sd));
      }
    else for (let r = 0; r < rows; r++) out[r * k + j] = 0;
  });
}

/** The input matrix (row-major, float32 for tfjs; float64 values are identical casts of the same formulas). */
export function networkInputs(
  inputs: NetworkInput[],
  ds: Dataset,
  sources: InputSource[] = inputSources(inputs, ds),
): Float64Array {
  const x = new Float64Array(ds.n * inputs.length);
  fillInputs(sources, 0, ds.n, x);
  return x;
}

const activate = (z: number, relu: boolean) => (relu ? (z > 0 ? z : 0) : 1 / (1 + Math.exp(-z)));

/** Appends a unit's non-zero output to the next layer's compacted inputs; the new count. */
function put(values: Float64Array, units: Int32Array, count: number, unit: number, v: number): number {
  if (v === 0) return count;
  values[count] = v;
  units[count] = unit;
  return count + 1;
}

/** Rows assembled and passed forward this many at a time: the block's inputs stay in cache. */
const blockRows = 1024;

/**
 * Forward pass in float64 from the stored weights (the reference the SQL export must match): a block
 * of rows' inputs at a time, flat weights and two reused buffers, each unit's sum in the order of
 * the weights' rows.
 */
export function networkProbability(
  art: NetworkArtifact,
  ds: Dataset,
  sources: InputSource[] = inputSources(art.inputs, ds),
): Float64Array {
  const k = art.inputs.length;
  // weights transposed (a unit's incoming weights side by side): each unit's sum stays in a register
  const layers = art.layers.map((l) => {
    const units = l.bias.length;
    const weights = new Float64Array(l.weights.length * units);
    l.weights.forEach((w, i) => {
      for (let c = 0; c < units; c++) weights[c * l.weights.length + i] = w[c]!;
    });
    return { weights, bias: Float64Array.from(l.bias), relu: l.activation === 'relu' };
  });
  const width = Math.max(k, ...layers.map((l) => l.bias.length));
  // a layer's non-zero inputs, compacted (a zero adds nothing, and the reference skips it), and its outputs
  let value = new Float64Array(width);
  let index = new Int32Array(width);
  let nextValue = new Float64Array(width);
  let nextIndex = new Int32Array(width);
  const block = new Float64Array(blockRows * k);
  const probability = new Float64Array(ds.n);
  for (let start = 0; start < ds.n; start += blockRows) {
    const rows = Math.min(blockRows, ds.n - start);
    fillInputs(sources, start, rows, block);
    for (let r = 0; r < rows; r++) {
      let nonZero = 0;
      for (let i = 0; i < k; i++) {
        const v = block[r * k + i]!;
        if (v !== 0) {
          value[nonZero] = v;
          index[nonZero++] = i;
        }
      }
      let inputs = k;
      for (const { weights, bias, relu } of layers) {
        const units = bias.length;
        let next = 0;
        let c = 0;
        // four units at once: four independent sums (each still in the order of its inputs) keep the
        // floating-point adder busy where one sum waits on its previous add
        for (; c + 4 <= units; c += 4) {
          let z0 = bias[c]!;
          let z1 = bias[c + 1]!;
          let z2 = bias[c + 2]!;
          let z3 = bias[c + 3]!;
          const w0 = c * inputs;
          const w1 = w0 + inputs;
          const w2 = w1 + inputs;
          const w3 = w2 + inputs;
          for (let t = 0; t < nonZero; t++) {
            const v = value[t]!;
            const i = index[t]!;
            z0 += v * weights[w0 + i]!;
            z1 += v * weights[w1 + i]!;
            z2 += v * weights[w2 + i]!;
            z3 += v * weights[w3 + i]!;
          }
          next = put(nextValue, nextIndex, next, c, activate(z0, relu));
          next = put(nextValue, nextIndex, next, c + 1, activate(z1, relu));
          next = put(nextValue, nextIndex, next, c + 2, activate(z2, relu));
          next = put(nextValue, nextIndex, next, c + 3, activate(z3, relu));
        }
        for (; c < units; c++) {
          let z = bias[c]!;
          const w = c * inputs;
          for (let t = 0; t < nonZero; t++) z += value[t]! * weights[w + index[t]!]!;
          next = put(nextValue, nextIndex, next, c, activate(z, relu));
        }
        [value, nextValue, index, nextIndex] = [nextValue, value, nextIndex, index];
        nonZero = next;
        inputs = units;
      }
      probability[start + r] = nonZero > 0 && index[0] === 0 ? value[0]! : 0;
    }
  }
  return probability;
}
