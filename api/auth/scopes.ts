import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';

/**
 * The regions and teams a collector key may be scoped to: the regions of the loans table (what
 * the case list, warnings and scores filter on) and the teams of collection_actions (the case
 * list's team is the team of a loan's latest action, pipelines/cases/case-list.ts).
 */
export async function knownScopes(wh: Warehouse): Promise<{ regions: string[]; teams: string[] }> {
  const [regions, teams] = await Promise.all([
    queryRows<{ v: string }>(wh, `SELECT DISTINCT toString(region) AS v FROM ${tableRef(wh, 'loans')} WHERE region != '' ORDER BY v`),
    queryRows<{ v: string }>(wh, `SELECT DISTINCT toString(team) AS v FROM ${tableRef(wh, 'collection_actions')} WHERE team != '' ORDER BY v`),
  ]);
  return { regions: regions.map((r) => r.v), teams: teams.map((r) => r.v) };
}

/** "a, b, c" or "a, b, … (40 in all)": a list for a one-line message. */
export function listForMessage(values: string[], max = 12): string {
  if (values.length === 0) return '(none)';
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length} in all)`;
}
