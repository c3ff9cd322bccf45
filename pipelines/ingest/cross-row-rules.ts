import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import type { EntitySpec } from './entity-specs.ts';

/**
 * Rules a row's own fields cannot decide, judged on the staged rows the field rules accepted:
 * a date before the loan's origination. Fills `rules` (line, reason) with the rows that break one
 * (a row its first rule only); ingestFile quarantines them like key conflicts: they win no
 * duplicate and are not inserted. Returns how many rows it found.
 */
export interface CrossRowInput {
  spec: EntitySpec;
  /** the file's stage (line, reason and typed columns) */
  stg: string;
  /** scratch table to fill: line UInt64, reason String */
  rules: string;
  loans: string;
}

/** the column of an event on a loan: it cannot precede the loan's origination */
const eventDate: Partial<Record<EntitySpec['entity'], string>> = {
  payments: 'paid_date',
  collection_actions: 'action_date',
  loan_events: 'event_date',
};

export async function crossRowRules(wh: Warehouse, x: CrossRowInput): Promise<number> {
  await exec(wh, `DROP TABLE IF EXISTS ${x.rules}`);
  await exec(wh, `CREATE TABLE ${x.rules} (line UInt64, reason String) ENGINE = Memory`);
  const col = eventDate[x.spec.entity];
  if (col) {
    // the loans of the same run are loaded before (ingestOrder), so "known" means in the loans table
    await exec(
      wh,
      `INSERT INTO ${x.rules} SELECT lwr_s.line,
        concat('${col}: ', toString(lwr_s.d), ' is before the loan''s origination ', toString(lwr_o.origination_date))
      FROM (SELECT line, loan_id, ${col} AS d FROM ${x.stg} WHERE reason = '') AS lwr_s
      INNER JOIN (SELECT loan_id, origination_date FROM ${x.loans}
        WHERE loan_id IN (SELECT loan_id FROM ${x.stg} WHERE reason = '')) AS lwr_o ON lwr_o.loan_id = lwr_s.loan_id
      WHERE lwr_s.d < lwr_o.origination_date`,
    );
  }
  const [c] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${x.rules}`);
  return Number(c!.n);
}
