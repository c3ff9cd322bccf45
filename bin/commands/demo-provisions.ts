import type { Warehouse } from '../../warehouse/connection.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { writeFileAtomic } from '../../lib/atomic-file.ts';

/**
 * The demo's stand-in for a finance ledger: a provision per month-end of the last 12 equal to
 * loanwatch's collective ECL at that month-end (the ecl metric), written as the provisions CSV a
 * bank would load. (A real ledger comes from finance; this only gives the demo's provision-coverage
 * chart an input.)
 */
export async function writeDemoProvisions(wh: Warehouse, path: string, lastMonthEnd: string): Promise<number> {
  const book = await runMetric(wh, 'overdue', {
    as_of: lastMonthEnd,
    from: addMonthEnds(lastMonthEnd, -11),
    to: lastMonthEnd,
  });
  const lines = ['month_end,provision'];
  for (const { month_end: monthEnd } of book.rows) {
    const ecl = await runMetric(wh, 'ecl', { as_of: String(monthEnd) });
    lines.push(`${String(monthEnd)},${ecl.rows.reduce((sum, stage) => sum + Number(stage.ecl), 0).toFixed(2)}`);
  }
  writeFileAtomic(path, `${lines.join('\n')}\n`);
  return book.rows.length;
}
