import { psi } from '../evaluate/metrics.ts';
import { mergeAt, rate, weakestPair, type Group } from './groups.ts';

/**
 * Time-stable binning: the order of the bins' event rates over the whole training window must hold
 * in every period (month-end) of it. A pair of neighbouring bins is judged in a period when each
 * of the two has at least `minEvents` bad outcomes there (fewer says little about an order); it
 * flips when its event rates there are the strict reverse of the pooled ones. Flipped pairs are
 * merged, the weakest (smallest pooled χ²) first, until no judged pair flips in any period; each
 * merge is reported with the periods it flipped in.
 */
export interface TimeStableMerge {
  /** the two bins merged, as labelled at the time */
  merged: [string, string];
  /** the periods in which their order was the reverse of the pooled one */
  periods: string[];
}

/** How well a feature's bins hold over the training periods (every binned feature; the card shows it). */
export interface BinStability {
  /** periods in the training window */
  periods: number;
  /** periods in which at least one neighbouring pair of (regular) bins was judged */
  judged: number;
  /** judged periods in which every judged pair kept its pooled order */
  held: number;
  /** held / judged (null: no period could be judged) */
  order_held_share: number | null;
  /** the periods in which some judged pair flipped */
  flipped_periods: string[];
  /** the largest PSI of one period's bin distribution (every bin, special and missing too) against the whole window's */
  max_period_psi: number;
  /** bads each bin of a pair needs in a period for the pair to be judged there */
  min_events: number;
}

/** Counts with their split by period (index into the sorted training periods). */
interface Timed {
  n: number;
  bad: number;
  pn: number[];
  pb: number[];
}

/**
 * Periods (indices) in which the pair (a, b) is judged and its order flips: both hold ≥ minEvents
 * bads there and the event rates there order the reverse way of the pooled ones.
 */
export function flips(a: Timed, b: Timed, minEvents: number): number[] {
  const up = Math.sign(rate(b) - rate(a));
  if (up === 0) return [];
  const out: number[] = [];
  for (let p = 0; p < a.pn.length; p++) {
    if (a.pb[p]! < minEvents || b.pb[p]! < minEvents) continue;
    const d = b.pb[p]! / b.pn[p]! - a.pb[p]! / a.pn[p]!;
    if (up * d < 0) out.push(p);
  }
  return out;
}

const judged = (a: { pb: number[] }, b: { pb: number[] }, p: number, minEvents: number) =>
  a.pb[p]! >= minEvents && b.pb[p]! >= minEvents;

const timed = (g: Group): g is Group & Timed => !!g.pn && !!g.pb;

/** Merges neighbouring groups until the pooled order of every judged pair holds in every period. */
export function stabilise(
  groups: Group[],
  periods: readonly string[],
  minEvents: number,
  label: (g: Group) => string,
): { groups: Group[]; merges: TimeStableMerge[] } {
  const g = [...groups];
  const merges: TimeStableMerge[] = [];
  // groups merged from timed groups are timed (groups.ts merge)
  const flipsAt = (i: number) => {
    const a = g[i]!;
    const b = g[i + 1]!;
    return timed(a) && timed(b) ? flips(a, b, minEvents) : [];
  };
  for (;;) {
    const i = weakestPair(g, (k) => flipsAt(k).length > 0);
    if (i < 0) return { groups: g, merges };
    merges.push({ merged: [label(g[i]!), label(g[i + 1]!)], periods: flipsAt(i).map((p) => periods[p]!) });
    mergeAt(g, i);
  }
}

/**
 * The stability figure of final bins: from each bin's rows and bads per period (bins in their
 * order, `ordered` marking the regular ones whose neighbours are compared).
 */
export function binStability(
  bins: { pn: number[]; pb: number[]; ordered: boolean }[],
  periods: readonly string[],
  minEvents: number,
): BinStability {
  const regular = bins.filter((b) => b.ordered).map((b) => ({ ...b, n: sum(b.pn), bad: sum(b.pb) }));
  let judgedPeriods = 0;
  let held = 0;
  const flipped: string[] = [];
  for (let p = 0; p < periods.length; p++) {
    let any = false;
    let ok = true;
    for (let k = 0; k + 1 < regular.length; k++) {
      if (!judged(regular[k]!, regular[k + 1]!, p, minEvents)) continue;
      any = true;
      if (flips(regular[k]!, regular[k + 1]!, minEvents).includes(p)) ok = false;
    }
    if (!any) continue;
    judgedPeriods++;
    if (ok) held++;
    else flipped.push(periods[p]!);
  }
  const pooled = bins.map((b) => sum(b.pn));
  let maxPsi = 0;
  for (let p = 0; p < periods.length; p++)
    maxPsi = Math.max(
      maxPsi,
      psi(
        pooled,
        bins.map((b) => b.pn[p]!),
      ),
    );
  return {
    periods: periods.length,
    judged: judgedPeriods,
    held,
    order_held_share: judgedPeriods ? held / judgedPeriods : null,
    flipped_periods: flipped,
    max_period_psi: maxPsi,
    min_events: minEvents,
  };
}

const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
