import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { addMonthEnds } from '../../warehouse/dates.ts';
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
import { warningsCommand } from './warnings.ts';
import { reportCommand } from './report.ts';
import { startServer, serveUntilSignal } from './serve.ts';
import { writeDemoProvisions } from './demo-provisions.ts';
import { createApiKey } from '../../api/auth/keys.ts';
import { trainBookModels } from '../../models/workflows.ts';
import { promote, RegistryError } from '../../models/registry/registry.ts';
import { defaultTarget, targetName } from '../../models/features/feature-catalogue.ts';

export const demoFlags = z.object({
  loans: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
  months: z.coerce.number().int().min(12).max(120).default(36),
  'as-of': isoDate.default('2024-06-30'),
  seed: z.coerce.number().int().default(20240630),
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  serve: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

const steps = 8;
const step = (n: number, s: string) => log(`${n}/${steps} ${s}`);

/**
 * The end-to-end demo on the embedded engine: generate a book, ingest it, build snapshots, train,
 * promote, score, fire the warning rules, write the report packs, then serve the API and print
 * working URLs with demo keys (until Ctrl-C; `--serve false` stops after the reports).
 */
export async function demoCommand(wh: Warehouse, config: Config, flags: z.infer<typeof demoFlags>) {
  const book = resolve(config.LOANWATCH_DATA_DIR, 'demo-book');
  const asOf = flags['as-of'];
  step(1, `generating ${flags.loans} loans × ${flags.months} months into ${book}`);
  await generateCommand({ out: book, loans: flags.loans, months: flags.months, 'as-of': asOf, seed: flags.seed, 'bad-rows': 0.005, format: 'csv' });
  await migrate(wh);
  step(2, 'ingesting (bad rows go to quarantine with their reasons)');
  await ingestCommand(wh, config, { paths: [book], loader: 'auto' });
  step(3, 'building month-end snapshots');
  await snapshotCommand(wh, config, { 'as-of': asOf });
  step(4, 'training the early-warning scorecard and network (out of time), promoting the better one');
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
  step(5, 'scoring every active loan inside ClickHouse with the champion (this month-end and the one before, for score jumps)');
  await scoreCommand(wh, { 'as-of': addMonthEnds(asOf, -1), 'in-db': true, target: targetName(defaultTarget) });
  await scoreCommand(wh, { 'as-of': asOf, 'in-db': true, target: targetName(defaultTarget) });
  step(6, 'firing the warning rules (and monitoring the champion)');
  await warningsCommand(wh, config, { 'as-of': asOf, list: false, limit: 10, format: 'table' });
  step(7, 'writing the management and regulatory packs in Chinese and English');
  const provisions = join(book, 'provisions.csv');
  await writeDemoProvisions(wh, provisions, asOf);
  const period = asOf.slice(0, 7);
  const reportsDir = resolve(config.LOANWATCH_DATA_DIR, 'reports');
  await reportCommand(wh, config, { pack: ['management', 'regulatory'], period, lang: ['zh-CN', 'en'], format: ['html', 'pdf', 'png', 'svg'], out: reportsDir, provisions });
  await summary(wh, trained);
  if (!flags.serve) return;
  step(8, 'serving the API');
  const keys = Object.fromEntries(await Promise.all((['admin', 'executive', 'collector'] as const).map(async (role) => [role, (await createApiKey(wh, { role, label: 'demo' })).key])));
  const { server, port } = await startServer(wh, config, flags.port ?? config.LOANWATCH_PORT);
  const base = `http://localhost:${port}`;
  const casesDay = new Date(Date.parse(`${asOf}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
  console.log(`
loanwatch is serving the demo book on ${base} (Ctrl-C stops it). Send a key as 'Authorization: Bearer <key>'.
KEY admin ${keys.admin}
KEY executive ${keys.executive}
KEY collector ${keys.collector}
URL docs ${base}/docs
URL report ${base}/v1/reports/management?period=${period}&lang=en&format=html
URL report-zh ${base}/v1/reports/regulatory?period=${period}&lang=zh-CN&format=pdf
URL cases ${base}/v1/cases?as_of=${casesDay}&limit=20
URL warnings ${base}/v1/warnings?as_of=${asOf}&limit=20
Try:
  curl -H 'Authorization: Bearer ${keys.executive}' '${base}/v1/reports/management?period=${period}&lang=en' > management.html
  curl -H 'Authorization: Bearer ${keys.admin}' -H 'Accept: text/csv' '${base}/v1/cases?as_of=${casesDay}&limit=20'
Report files (HTML, PDF, PNG, SVG, Vega-Lite JSON, CSV): ${reportsDir}`);
  await serveUntilSignal(server);
}

async function summary(wh: Warehouse, trained: Awaited<ReturnType<typeof trainBookModels>>) {
  const overdue = await runMetric(wh, 'overdue', { from: '2024-01-01' });
  const trend = overdue.rows.slice(-6).reverse().map((r) => ({
    month: r.month_end, outstanding: Number(r.outstanding).toFixed(0),
    m1plus_pct: (100 * Number(r.overdue_ratio)).toFixed(2), par30_pct: (100 * Number(r.par30)).toFixed(2),
    par90_pct: (100 * Number(r.par90)).toFixed(2), npl_pct: (100 * Number(r.npl_ratio)).toFixed(2),
  }));
  const quarantine = await queryRows(wh, `SELECT entity, reason, count() AS rows FROM ${wh.database}.quarantine GROUP BY entity, reason ORDER BY rows DESC LIMIT 8`);
  console.log('\nOverdue ratio (M1+), PAR30, PAR90 and NPL ratio, % of outstanding balance (loanwatch metrics overdue), latest six month-ends:');
  console.table(trend);
  console.log('Early-warning models (target: DPD > 30 within 3 months; test = the last 6 month-ends, out of time):');
  console.table(trained.map(({ model: m, cardDir }) => ({ model: `${m.model_name} v${m.version}`, auc: m.metrics.test.auc.toFixed(4), ks: m.metrics.test.ks.toFixed(4), score_psi: m.metrics.score_psi.toFixed(4), model_card: join(cardDir, 'model-card.md') })));
  console.log('Quarantined rows by reason (top eight):');
  console.table(quarantine);
}
