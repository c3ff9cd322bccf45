import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { systemTables } from '../../warehouse/tables.ts';
import { perLoanTables } from './refresh-scope.ts';

export interface SnapshotChecksums {
  /** rows and an order-independent content checksum of loan_month and every per-loan table a refresh maintains */
  tables: Record<string, { rows: string; sum: string } | undefined>;
  /** 1 when loan_key numbers the loans one to one */
  loanKeyOneToOne: number;
}

/**
 * What "a refresh ends identical to a full rebuild" compares (the incremental test and bench): every
 * column of each table, except loan_month's loan_key — a refresh keeps a loan's key and gives a new
 * loan the next free one, a full rebuild numbers by loan id; keys only join a loan's rows with each
 * other, so the numbering is checked to be one to one instead.
 */
export async function snapshotChecksums(wh: Warehouse): Promise<SnapshotChecksums> {
  const tables: SnapshotChecksums['tables'] = {};
  for (const t of perLoanTables) {
    const cols =
      t === 'loan_month' ? systemTables.loan_month.columns.map(([n]) => n).filter((n) => n !== 'loan_key') : ['*'];
    const [r] = await queryRows<{ rows: string; sum: string }>(
      wh,
      `SELECT toString(count()) AS rows, toString(sum(cityHash64(${cols.join(', ')}))) AS sum FROM ${tableRef(wh, t)}`,
    );
    tables[t] = r;
  }
  const [k] = await queryRows<{ ok: number }>(
    wh,
    `SELECT uniqExact(loan_id) = uniqExact(loan_key) AND uniqExact(loan_id, loan_key) = uniqExact(loan_id) AS ok
     FROM ${tableRef(wh, 'loan_month')}`,
  );
  return { tables, loanKeyOneToOne: k?.ok ?? 0 };
}
