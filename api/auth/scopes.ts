import type { Warehouse } from '../../warehouse/connection.ts';
import { knownFilterValues } from '../../warehouse/metrics/known-values.ts';

/**
 * The regions and teams a collector key may be scoped to: the regions of the loans table (what
 * the case list, warnings and scores filter on) and the teams of collection_actions (the case
 * list's team is the team of a loan's latest action, pipelines/cases/case-list.ts) — the same
 * values the filters are checked against.
 */
export async function knownScopes(wh: Warehouse): Promise<{ regions: string[]; teams: string[] }> {
  const known = await knownFilterValues(wh);
  return { regions: known.region.filter((r) => r !== ''), teams: known.team };
}

/** "a, b, c" or "a, b, … (40 in all)": a list for a one-line message. */
export function listForMessage(values: string[], max = 12): string {
  if (values.length === 0) return '(none)';
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length} in all)`;
}
