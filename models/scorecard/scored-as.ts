import type { ScorecardBin } from './scorecard.ts';

/**
 * The bin a bin no training row fell in (a missing value never seen) is scored as: the bin with rows
 * of its points (the riskiest). A card shows that bin's name and WoE beside the empty bin's term and
 * points — a joint card showed the highest-WoE bin's WoE beside the fewest-points bin's points.
 */
export function scoredAs(bins: readonly ScorecardBin[], b: ScorecardBin): ScorecardBin | undefined {
  if (b.count > 0) return undefined;
  return bins.find((o) => o.count > 0 && Math.abs(o.points - b.points) < 1e-9);
}
