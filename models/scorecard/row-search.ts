import { column, type Dataset } from '../data/dataset.ts';
import { binIndexNumeric, type VariableBins } from './binning.ts';
import { asVariableBins, binTerm, scorecardBins, type ScorecardArtifact, type ScorecardVariable } from './scorecard.ts';

/** Where a changed feature may go: anywhere, or within [lo, hi] (finite). */
export type FeatureReach = 'any' | readonly [lo: number, hi: number];

/** What a counterfactual search asks of one row of a scorecard. */
export interface ScorecardRowSearch {
  /**
   * The row's probability under each change set of numeric features: the floats scorecardProbability
   * gives the changed row (the same terms summed in the same order), only the changed features binned
   * again — a search scores hundreds of variants of a row.
   */
  variants(changes: readonly ReadonlyMap<string, number>[]): Float64Array;
  /**
   * The lowest probability the row can reach when only the given features change, each within its
   * reach: every variable reading one of them at its lowest term there, the others at the row's,
   * summed in scoring's order (floating-point addition is monotonic, so no such variant scores below it).
   */
  floor(reach: ReadonlyMap<string, FeatureReach>): number;
}

/** A numeric variable's ranges, and whether they leave no gap a value would fall through to the fallback. */
function rangesOf(v: ScorecardVariable) {
  const ranges = v.bins.flatMap((b, k) => (b.rule.type === 'range' ? [{ k, lo: b.rule.lo, hi: b.rule.hi }] : []));
  const covered =
    ranges.some((r) => r.lo === null) &&
    ranges.some((r) => r.hi === null) &&
    ranges.every((r) => r.hi === null || ranges.some((q) => q.lo === r.hi));
  return { ranges, covered };
}

/** Everything a search of ds's rows reads that does not depend on the row: each variable's terms by bin, bins once for all rows. */
export function scorecardRowSearch(art: ScorecardArtifact, ds: Dataset): (i: number) => ScorecardRowSearch {
  const bins = scorecardBins(art, ds);
  const termOfBin = art.variables.map((v) => Float64Array.from(v.bins, (b) => binTerm(v, b)));
  const lowest = termOfBin.map((t) => Math.min(...t));
  const ranges = art.variables.map(rangesOf);
  // per numeric feature, the variables that read it
  const readers = new Map<string, { j: number; bins: VariableBins }[]>();
  art.variables.forEach((v, j) => {
    if (column(ds, v.feature).kind !== 'numeric') return;
    readers.set(v.feature, [...(readers.get(v.feature) ?? []), { j, bins: asVariableBins(v) }]);
  });
  /** the lowest term of variable j over the bins a value in [lo, hi] can fall in */
  const lowestWithin = (j: number, lo: number, hi: number) => {
    const v = art.variables[j]!;
    const t = termOfBin[j]!;
    const { ranges: rs, covered } = ranges[j]!;
    let m = covered ? Infinity : t[v.fallback]!;
    v.bins.forEach((b, k) => {
      if (b.rule.type === 'special' && b.rule.value >= lo && b.rule.value <= hi) m = Math.min(m, t[k]!);
    });
    for (const r of rs) if ((r.lo === null || r.lo <= hi) && (r.hi === null || r.hi > lo)) m = Math.min(m, t[r.k]!);
    return m;
  };
  return (i) => {
    const terms = Float64Array.from(art.variables, (_, j) => termOfBin[j]![bins[j]![i]!]!);
    return {
      variants(changes) {
        const out = new Float64Array(changes.length);
        const term = new Float64Array(terms.length);
        for (let k = 0; k < changes.length; k++) {
          term.set(terms);
          for (const [feature, x] of changes[k]!) {
            const rs = readers.get(feature);
            if (rs) for (const u of rs) term[u.j] = termOfBin[u.j]![binIndexNumeric(u.bins, x)]!;
          }
          let z = art.intercept;
          for (const t of term) z += t;
          out[k] = 1 / (1 + Math.exp(-z));
        }
        return out;
      },
      floor(reach) {
        let z = art.intercept;
        art.variables.forEach((v, j) => {
          const r = reach.get(v.feature);
          z +=
            r === undefined
              ? terms[j]!
              : r === 'any' || v.kind !== 'numeric'
                ? lowest[j]!
                : lowestWithin(j, r[0], r[1]);
        });
        return 1 / (1 + Math.exp(-z));
      },
    };
  };
}
