import { sql, type Sql } from './sql.ts';

/**
 * The days the warning rules were computed for, with what that run stored (`day`, `fired`): a day
 * whose latest run (by start; abandoned runs left out) finished, or, fired before runs were
 * recorded (migration 43), a day with warnings and no run rows. A quiet day is here with 0, a day
 * never computed is not. The catalogue's warning_days and the latest day a page can name read it.
 * `bound` limits `as_of` on both tables.
 */
export function computedWarningDaysSql(table: (name: 'warning_runs' | 'warnings') => Sql, bound: Sql): Sql {
  return sql`
    SELECT as_of AS day, argMax(lwq_r.fired, lwq_r.started) AS fired FROM (
      SELECT as_of, minIf(at, event = 'started') AS started, countIf(event = 'finished') AS finishes,
        maxIf(fired, event = 'finished') AS fired
      FROM ${table('warning_runs')} WHERE ${bound} GROUP BY as_of, run_id
      HAVING countIf(event = 'abandoned') = 0) AS lwq_r
    GROUP BY as_of HAVING argMax(lwq_r.finishes, lwq_r.started) > 0
    UNION ALL
    SELECT as_of AS day, count() AS fired FROM ${table('warnings')}
    WHERE ${bound} AND as_of NOT IN (SELECT as_of FROM ${table('warning_runs')} WHERE ${bound}) GROUP BY as_of`;
}
