import { writeFileSync } from 'node:fs';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { expectedCreditLoss } from '../../warehouse/metrics/ecl.ts';

/**
 * The demo's stand-in for a finance ledger: a provision per month-end of the last 12 equal to
 * loanwatch's collective ECL at that month-end, written as the provisions CSV a bank would load.
 * (A real ledger comes from finance; this only gives the demo's provision-coverage chart an input.)
 */
export async function writeDemoProvisions(wh: Warehouse, path: string, lastMonthEnd: string): Promise<number> {
  const months = await queryRows<{ m: string }>(
    wh,
    `SELECT DISTINCT toString(month_end) AS m FROM ${tableRef(wh, 'loan_month')}
    WHERE month_end <= {t:Date} ORDER BY m DESC LIMIT 12`,
    { t: lastMonthEnd },
  );
  const lines = ['month_end,provision'];
  for (const { m } of months.reverse()) {
    const e = await expectedCreditLoss(wh, m);
    lines.push(`${m},${e.stages.reduce((s, x) => s + x.ecl, 0).toFixed(2)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return months.length;
}
