import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { knownFilterValues, UnknownFilterValueError } from '../../warehouse/metrics/known-values.ts';

/**
 * The regions and teams a collector key may be scoped to, and a recorded action may name: the
 * regions of the loans table (what the case list, warnings and scores filter on) and the teams of
 * the ingested collection action files. The case-list filter knows every team of collection_actions,
 * recorded ones too, so that a loan once put under a mistyped team can still be found; a recorded
 * team cannot vouch for itself, or one slip ("east-eraly") became a team that keys and later
 * actions were then accepted for.
 */
export async function knownScopes(wh: Warehouse): Promise<{ regions: string[]; teams: string[] }> {
  const known = await knownFilterValues(wh);
  return { regions: known.region.filter((r) => r !== ''), teams: await fileTeams(wh) };
}

/**
 * The actions whose teams vouch for a team: the ingested files' — or, in a book whose teams come
 * only from the console and the API (no file action names a team), the recorded ones, as before the
 * files were preferred: otherwise such a book knew no team at all and refused every one.
 */
const vouching = (actions: string) =>
  `(source = 'file' OR (SELECT count() FROM ${actions} WHERE team != '' AND source = 'file') = 0)`;

async function fileTeams(wh: Warehouse): Promise<string[]> {
  const actions = tableRef(wh, 'collection_actions');
  const rows = await querySql<{ team: string }>(
    wh,
    sql`SELECT DISTINCT toString(team) AS team FROM ${trusted(actions)}
      WHERE team != '' AND ${trusted(vouching(actions))} ORDER BY team`,
  );
  return rows.map((r) => r.team);
}

/** "unknown team "east-eraly" (did you mean "east-early"?) — known: …", as a team filter is refused. */
export const unknownTeamMessage = (team: string, teams: string[]) =>
  new UnknownFilterValueError([{ field: 'team', values: [team], known: teams }]).message;

/**
 * Why a loan of `region` cannot be put under `team`, or '' when it can: the team must be known
 * (knownScopes) and work the region (teamsOfRegion).
 */
export async function teamAssignmentProblem(wh: Warehouse, region: string, team: string): Promise<string> {
  const teams = await fileTeams(wh);
  // a book with no team yet has nothing to check its first one against
  if (teams.length === 0) return '';
  if (!teams.includes(team)) return unknownTeamMessage(team, teams);
  return teamRegionProblem(wh, region, team);
}

/** "a, b, c" or "a, b, … (40 in all)": a list for a one-line message. */
export function listForMessage(values: string[], max = 12): string {
  if (values.length === 0) return '(none)';
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length} in all)`;
}

/**
 * The teams that work a region: the teams of the ingested actions on its loans. A collector scoped to a team
 * of another region (east with north-late) had an empty queue — his team's loans are not in his
 * region — yet, with the region alone deciding what he may open, could record on any loan of it.
 */
export async function teamsOfRegion(wh: Warehouse, region: string): Promise<string[]> {
  const rows = await querySql<{ team: string }>(
    wh,
    sql`SELECT DISTINCT toString(a.team) AS team FROM ${trusted(tableRef(wh, 'collection_actions'))} AS a
      WHERE a.team != '' AND ${trusted(vouching(tableRef(wh, 'collection_actions')))} AND a.loan_id IN (SELECT loan_id FROM ${trusted(tableRef(wh, 'loans'))} WHERE region = ${param(region, 'String')})
      ORDER BY team`,
  );
  return rows.map((r) => r.team);
}

/** Why a team that is not among the region's teams cannot scope a collector of the region. */
export const teamRegionMessage = (region: string, team: string, teams: string[]) =>
  `team "${team}" does not work in region "${region}": the teams of ${region} are ${listForMessage(teams)}`;

/** Why a team cannot scope a collector of the region, or '' when it can. */
export async function teamRegionProblem(wh: Warehouse, region: string, team: string): Promise<string> {
  const teams = await teamsOfRegion(wh, region);
  return teams.includes(team) ? '' : teamRegionMessage(region, team, teams);
}

/**
 * Why an agent cannot be named by a collector key of `region` (and `team`), or '' when it can: the
 * agent must have an ingested (non-agency) action on a loan of the region, under the team when one
 * is given. The key's agent decides whose awards and evidence it reads (GET /v1/incentives), so an
 * east key naming a north agent read north loans and payments the rest of its routes refuse.
 */
export async function agentScopeProblem(
  wh: Warehouse,
  agent: string,
  scope: { region: string; team?: string },
): Promise<string> {
  const actions = tableRef(wh, 'collection_actions');
  const rows = await querySql<{ agent_id: string }>(
    wh,
    sql`SELECT DISTINCT toString(a.agent_id) AS agent_id FROM ${trusted(actions)} AS a
      WHERE a.agent_id != '' AND a.channel != 'agency' AND ${trusted(vouching(actions))}
        AND a.loan_id IN (SELECT loan_id FROM ${trusted(tableRef(wh, 'loans'))} WHERE region = ${param(scope.region, 'String')})
        ${scope.team ? sql`AND a.team = ${param(scope.team, 'String')}` : sql``}
      ORDER BY agent_id`,
  );
  const agents = rows.map((r) => r.agent_id);
  if (agents.includes(agent)) return '';
  const where = scope.team ? `team "${scope.team}" of region "${scope.region}"` : `region "${scope.region}"`;
  return `agent "${agent}" does not work in ${where}: its agents are ${listForMessage(agents)}`;
}
