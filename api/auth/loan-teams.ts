import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { latestTeamSql } from '../../pipelines/cases/case-actions.ts';

/**
 * The current team of each loan (the team of its latest action; '' for a loan none acted on), for a
 * team-scoped collector's visibility check (mayOpenLoan) over several loans at once.
 */
export async function currentTeams(wh: Warehouse, loanIds: readonly string[]): Promise<Map<string, string>> {
  if (loanIds.length === 0) return new Map();
  const rows = await querySql<{ loan_id: string; team: string }>(
    wh,
    sql`SELECT loan_id, ${trusted(latestTeamSql)} AS team FROM ${trusted(tableRef(wh, 'collection_actions'))}
      WHERE loan_id IN ${param([...new Set(loanIds)], 'Array(String)')} GROUP BY loan_id`,
  );
  return new Map(rows.map((r) => [r.loan_id, r.team]));
}
