import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { latestTeamSql } from '../../pipelines/cases/case-actions.ts';

/**
 * The current team of each loan (the team of its latest action; '' for a loan none acted on), for a
 * team-scoped collector's visibility check (mayOpenLoan) over several loans at once. With `asOf`,
 * the team on that date (its latest action on or before it), as the case list of the date has it
 * (pipelines/cases/case-actions.ts): what a list of a date (placements, disposal) scopes by.
 */
export async function currentTeams(
  wh: Warehouse,
  loanIds: readonly string[],
  asOf?: string,
): Promise<Map<string, string>> {
  if (loanIds.length === 0) return new Map();
  const until = asOf === undefined ? sql`` : sql` AND action_date <= ${param(asOf, 'Date')}`;
  const rows = await querySql<{ loan_id: string; team: string }>(
    wh,
    sql`SELECT loan_id, ${trusted(latestTeamSql)} AS team FROM ${trusted(tableRef(wh, 'collection_actions'))}
      WHERE loan_id IN ${param([...new Set(loanIds)], 'Array(String)')}${until} GROUP BY loan_id`,
  );
  return new Map(rows.map((r) => [r.loan_id, r.team]));
}

/**
 * The rows of a list of a date whose loan's team on that date is among `teams` (a loan none acted
 * on has no team, and so is in none); every row when no team is asked or pinned. The case list's
 * team rule, for lists built without it (placements, disposal).
 */
export async function ofTeams<T extends { loan_id: string }>(
  wh: Warehouse,
  rows: T[],
  teams: readonly string[] | undefined,
  asOf: string,
): Promise<T[]> {
  if (!teams) return rows;
  const teamOf = await currentTeams(
    wh,
    rows.map((r) => r.loan_id),
    asOf,
  );
  return rows.filter((r) => teams.includes(teamOf.get(r.loan_id) ?? ''));
}
