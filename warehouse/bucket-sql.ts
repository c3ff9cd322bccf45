import { sql, trusted, type Param, type Sql } from './sql.ts';

/**
 * The bucket of a DPD and status (C, M1…Mn, M{n+1}+, PO, WO); the bounds are a bound parameter (or, for
 * a migration that has no settings, an expression reading those of the stored snapshot). Inputs are column expressions.
 */
export function bucketSql(dpd: string, status: string, bounds: Param | Sql): Sql {
  const d = trusted(dpd);
  const st = trusted(status);
  return sql`multiIf(${st} = 'paid_off', 'PO', ${st} = 'charged_off', 'WO', ${d} = 0, 'C',
      ${d} > arrayMax(${bounds}), concat('M', toString(length(${bounds}) + 1), '+'),
      concat('M', toString(arrayFirstIndex(x -> ${d} <= x, ${bounds}))))`;
}
