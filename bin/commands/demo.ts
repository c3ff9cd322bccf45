import { z } from 'zod';
import { join, resolve } from 'node:path';
import type { Config } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { log } from '../progress.ts';
import { generateCommand } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { snapshotCommand } from './snapshot.ts';

export const demoFlags = z.object({
  loans: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
  months: z.coerce.number().int().min(12).max(120).default(36),
  'as-of': z.string().regex(/^\d{4}-\d{2}-\d{2}$/).default('2024-06-30'),
  seed: z.coerce.number().int().default(20240630),
});

/** The end-to-end demo on the embedded engine: generate a book, ingest it, build snapshots, summarise. */
export async function demoCommand(wh: Warehouse, config: Config, flags: z.infer<typeof demoFlags>) {
  const book = resolve(config.LOANWATCH_DATA_DIR, 'demo-book');
  log(`1/3 generating ${flags.loans} loans × ${flags.months} months into ${book}`);
  await generateCommand({ out: book, loans: flags.loans, months: flags.months, 'as-of': flags['as-of'], seed: flags.seed, 'bad-rows': 0.005, format: 'csv' });
  await migrate(wh);
  log('2/3 ingesting (bad rows go to quarantine with their reasons)');
  await ingestCommand(wh, config, { paths: [book], loader: 'auto' });
  log('3/3 building month-end snapshots');
  await snapshotCommand(wh, config, { 'as-of': flags['as-of'] });
  const db = wh.database;
  const overdue = await runMetric(wh, 'overdue', { from: '2024-01-01' });
  const trend = overdue.rows.slice(-6).reverse().map((r) => ({
    month: r.month_end, outstanding: Number(r.outstanding).toFixed(0),
    m1plus_pct: (100 * Number(r.overdue_ratio)).toFixed(2), par30_pct: (100 * Number(r.par30)).toFixed(2),
    par90_pct: (100 * Number(r.par90)).toFixed(2), npl_pct: (100 * Number(r.npl_ratio)).toFixed(2),
  }));
  const quarantine = await queryRows(wh, `SELECT entity, reason, count() AS rows FROM ${db}.quarantine GROUP BY entity, reason ORDER BY rows DESC LIMIT 8`);
  console.log('\nOverdue ratio (M1+), PAR30, PAR90 and NPL ratio, % of outstanding balance (loanwatch metrics overdue), latest six month-ends:');
  console.table(trend);
  console.log('Quarantined rows by reason (top eight):');
  console.table(quarantine);
  console.log(`\nWarehouse: ${resolve(config.LOANWATCH_DATA_DIR)} (database ${db}). Try:\n  npm run loanwatch -- dpd --as-of 2024-06-15 --format table\n  npm run loanwatch -- metrics vintage --cohort-grain quarter --format csv\n  npm run loanwatch -- metrics roll_rate --from 2023-07-31\n  npm run loanwatch -- ingest ${join(book, 'payments.csv')}   # re-ingest: nothing changes`);
}
