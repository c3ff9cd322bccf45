import { addMonthEnds } from '../../lib/dates.ts';
import type { MetricRequest } from './definition.ts';

/**
 * When a warning rule's threshold is dominated (issue 22 item 6): another threshold — of the same
 * rule or of another threshold rule, judged on the same eligible loan-months — detects at least as
 * many loan-months that rolled with at most as many warnings, and is strictly better in one of the
 * two. Within one rule a higher threshold warns a subset of the loans a lower one warns, so its own
 * alternatives can only dominate by dropping warnings that detected nothing (same detection, lower
 * volume); detecting more at the same or lower volume takes another rule's threshold.
 */
export interface GridPoint {
  rule_id: string;
  threshold: number;
  /** warned eligible loan-months (the warning volume) */
  warned: number;
  /** warned eligible loan-months that rolled */
  detected: number;
}

export const dominates = (q: GridPoint, p: GridPoint): boolean =>
  q.detected >= p.detected && q.warned <= p.warned && (q.detected > p.detected || q.warned < p.warned);

/**
 * The suggested replacement of `current` among `candidates`, or null when none dominates it: the
 * dominating point that detects most, then warns least, then is of the same rule, then has the
 * threshold nearest the current one (relative), then the lower threshold.
 */
export function suggestThreshold(current: GridPoint, candidates: readonly GridPoint[]): GridPoint | null {
  const distance = (q: GridPoint) =>
    Math.abs(q.threshold - current.threshold) / Math.max(Math.abs(current.threshold), Number.MIN_VALUE);
  const better = candidates.filter((q) => dominates(q, current));
  better.sort(
    (a, b) =>
      b.detected - a.detected ||
      a.warned - b.warned ||
      Number(b.rule_id === current.rule_id) - Number(a.rule_id === current.rule_id) ||
      distance(a) - distance(b) ||
      a.threshold - b.threshold ||
      (a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0),
  );
  return better[0] ?? null;
}

/** below this many warned (or rolled) loan-months a rate is flagged as a small volume */
export const smallVolume = 30;

/**
 * The warning months: the request's period, or by default the 12 month-ends ending 3 months before
 * the as-of month-end (every loan-month's 1- and 3-month outcome observed).
 */
export function warningWindow(request: MetricRequest, asOf: string): { from: string; to: string } {
  const to = request.to ?? addMonthEnds(asOf, -3);
  return { from: request.from ?? addMonthEnds(to, -11), to };
}

/** The weighted median of (value, weight) pairs: the smallest value whose cumulative weight reaches half. */
export function weightedMedian(pairs: readonly (readonly [number, number])[]): number | null {
  const sorted = pairs.filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [i, [v, w]] of sorted.entries()) {
    seen += w;
    // an even count's two middle values are averaged (the usual median)
    if (seen * 2 === total) return (v + (sorted[i + 1]?.[0] ?? v)) / 2;
    if (seen * 2 > total) return v;
  }
  return sorted.at(-1)?.[0] ?? null;
}
