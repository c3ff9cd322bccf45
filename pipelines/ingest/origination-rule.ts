import { sql, sqlStringLiteral, trusted, type Sql } from '../../warehouse/sql.ts';
import type { RawEntity } from '../../warehouse/tables.ts';

/** the column dating something that happened to a loan: it cannot precede the loan's origination */
export const eventDateColumn: Partial<Record<RawEntity, string>> = {
  payments: 'paid_date',
  collection_actions: 'action_date',
  loan_events: 'event_date',
};

/**
 * `line, reason` of the staged rows the field rules accepted that are dated before their loan's
 * origination (`paid_date: 2020-01-15 is before the loan's origination 2022-08-27`). `from` is what
 * a FROM takes — the ingest's stage table, or the API's one staged row as a subquery — with line,
 * reason, loan_id and `col`; `loans` the loans table. The one definition of the rule: the ingest
 * quarantines these rows (crossRowRules), the API refuses a recorded action that is one.
 */
export function beforeOriginationSelect(col: string, from: Sql, loans: string): Sql {
  return sql`SELECT lwr_s.line AS line,
      concat(${trusted(sqlStringLiteral(`${col}: `))}, toString(lwr_s.d), ' is before the loan''s origination ', toString(lwr_o.origination_date)) AS reason
    FROM (SELECT line, loan_id, ${trusted(col)} AS d FROM ${from} WHERE reason = '') AS lwr_s
    INNER JOIN (SELECT loan_id, origination_date FROM ${trusted(loans)}
      WHERE loan_id IN (SELECT loan_id FROM ${from} WHERE reason = '')) AS lwr_o ON lwr_o.loan_id = lwr_s.loan_id
    WHERE lwr_s.d < lwr_o.origination_date`;
}
