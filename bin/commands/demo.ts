import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { join, resolve } from 'node:path';
import type { Config } from '../../warehouse/config.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { log } from '../progress.ts';
import { generateCommand } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { snapshotCommand } from './snapshot.ts';
import { scoreCommand } from './models.ts';
import { trainBookModels } from '../../models/workflows.ts';
import { promote, RegistryError } from '../../models/registry/registry.ts';
import { defaultTarget, targetName } from '../../models/features/feature-catalogue.ts';

export const demoFlags = z.object({
  loans: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
  months: z.coerce.number().int().min(12).max(120).default(36),
  'as-of': isoDate.default('2024-06-30'),
  seed: z.coerce.number().int().default(20240630),
});

/** The end-to-end demo on the embedded engine: generate a book, ingest it, build snapshots, train, promote, score, summarise. */
export async function demoCommand(wh: Warehouse, config: Config, flags: z.infer<typeof demoFlags>) {
  const book = resolve(config.LOANWATCH_DATA_DIR, 'demo-book');
  log(`1/5 generating ${flags.loans} loans × ${flags.months} months into ${book}`);
  await generateCommand({ out: book, loans: flags.loans, months: flags.months, 'as-of': flags['as-of'], seed: flags.seed, 'bad-rows': 0.005, format: 'csv' });
  await migrate(wh);
  log('2/5 ingesting (bad rows go to quarantine with their reasons)');
  await ingestCommand(wh, config, { paths: [book], loader: 'auto' });
  log('3/5 building month-end snapshots');
  await snapshotCommand(wh, config, { 'as-of': flags['as-of'] });
  log('4/5 training the early-warning scorecard and network (out of time), promoting the better one');
  const trained = await trainBookModels(wh, {
    kinds: ['scorecard', 'network'], seed: 1, target: defaultTarget, ootMonths: 6, loanShare: 1, rebuildFeatures: true,
    actor: 'demo', outDir: resolve(config.LOANWATCH_DATA_DIR, 'models'), log,
  });
  const best = [...trained].sort((a, b) => b.model.metrics.test.auc - a.model.metrics.test.auc)[0]!.model;
  try {
    await promote(wh, { name: best.model_name, version: best.version, actor: 'demo', reason: 'best out-of-time AUC of the demo run' });
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    log(`champion unchanged: ${e.message}`);
  }
  log('5/5 scoring every active loan inside ClickHouse with the champion');
  await scoreCommand(wh, { 'as-of': flags['as-of'], 'in-db': true, target: targetName(defaultTarget) });
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
  console.log('Early-warning models (target: DPD > 30 within 3 months; test = the last 6 month-ends, out of time):');
  console.table(trained.map(({ model: m, cardDir }) => ({ model: `${m.model_name} v${m.version}`, auc: m.metrics.test.auc.toFixed(4), ks: m.metrics.test.ks.toFixed(4), score_psi: m.metrics.score_psi.toFixed(4), model_card: join(cardDir, 'model-card.md') })));
  console.log('Quarantined rows by reason (top eight):');
  console.table(quarantine);
  console.log(`\nWarehouse: ${resolve(config.LOANWATCH_DATA_DIR)} (database ${db}). Try:\n  npm run loanwatch -- dpd --as-of 2024-06-15 --format table\n  npm run loanwatch -- metrics vintage --cohort-grain quarter --format csv\n  npm run loanwatch -- metrics roll_rate --from 2023-07-31\n  npm run loanwatch -- evaluate ${best.model_name}\n  npm run loanwatch -- keys create --role executive && npm run loanwatch -- serve\n  npm run loanwatch -- ingest ${join(book, 'payments.csv')}   # re-ingest: nothing changes`);
}
