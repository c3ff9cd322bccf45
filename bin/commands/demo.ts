import { sqlStringLiteral } from '../../warehouse/sql.ts';
import { z } from 'zod';
import { join, resolve } from 'node:path';
import { count, isoDate, seedNumber } from '../flags.ts';
import { defineCommand, flag, valuesFor, type FlagValues } from '../cli/command.ts';
import { printTable, type Output } from '../cli/output.ts';
import { addDays, addMonthEnds } from '../../lib/dates.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { defaultWarningRules } from '../../pipelines/warnings/rules.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { log } from '../progress.ts';
import { generate, generateCommand } from './generate.ts';
import { ingestCommand, runIngest } from './ingest.ts';
import { runSnapshot } from './snapshot.ts';
import { ensureFreshFeatures, runScore, scoreCommand } from './score.ts';
import { scoreMonthsInDb } from '../../models/score.ts';
import { runWarnings, warningsCommand } from './warnings.ts';
import { reportCommand, runReport } from './report.ts';
import { writeDemoProvisions } from './demo-provisions.ts';
import { assertDemoMayWrite, recordDemoBook } from './demo-guard.ts';
import { createApiKey } from '../../api/auth/keys.ts';
import { demoUrlLines } from './demo-urls.ts';
import { trainBookModels } from '../../models/workflows.ts';
import { currentChampion, RegistryError } from '../../models/registry/registry.ts';
import { promoteAudited } from './promote.ts';
import { cliActor } from './cli-audit.ts';
import { fireWarnings } from '../../pipelines/warnings/fire-warnings.ts';
import { issueIncentives } from '../../pipelines/collections/incentives/issue.ts';
import { defaultIncentiveScheme } from '../../pipelines/collections/incentives/scheme.ts';
import { contactRuleBreachSource } from '../../pipelines/collections/incentives/contact-rule-breaches.ts';
import { loadContactRules } from '../../pipelines/collections/contact-rules-config.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';

const demoFlags = {
  loans: flag(count(100, 10_000_000).default(20_000), 'loans in the generated book', 'N'),
  months: flag(count(12, 120).default(36), 'months of history', 'M'),
  'as-of': flag(isoDate.default('2024-06-30'), "the book's last day", 'YYYY-MM-DD'),
  seed: flag(seedNumber.default(20240630), 'random seed', 'N'),
  port: flag(count(0, 65_535).optional(), 'API port (default LOANWATCH_PORT, 8080; 0 = any free port)', 'N'),
  serve: flag(
    z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    'serve the API after the reports',
    'true|false',
  ),
};
export type DemoFlags = FlagValues<typeof demoFlags>;

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'the whole pipeline on the embedded engine, then the API with demo keys and URLs',
  description:
    'Generates a book, ingests it, builds snapshots, trains and promotes models, scores the book inside ClickHouse, fires the warning rules, writes both report packs in both languages, then serves the API. It refuses a data directory that holds other data.',
  flags: demoFlags,
  examples: ['npm start', 'LOANWATCH_DATA_DIR=./demo-data npx loanwatch demo --loans 200000 --serve false'],
  warehouse: true,
  run: ({ wh, config, out }, f) => runDemo(wh, config, out, f),
});

const steps = 8;
const step = (n: number, s: string) => {
  log(`${n}/${steps} ${s}`);
};

export async function runDemo(wh: Warehouse, config: Config, out: Output, f: DemoFlags) {
  const port = f.port ?? config.LOANWATCH_PORT;
  // a busy port found after ten minutes of pipeline would waste them: check first
  if (f.serve) await (await import('../../api/server.ts')).checkPortFree(port);
  const params = { loans: f.loans, months: f.months, asOf: f['as-of'], seed: f.seed };
  await assertDemoMayWrite(wh, config.LOANWATCH_DATA_DIR, params);
  const book = resolve(config.LOANWATCH_DATA_DIR, 'demo-book');
  const asOf = f['as-of'];
  step(1, `generating ${f.loans} loans × ${f.months} months into ${book}`);
  await generateCommand(
    out,
    valuesFor(generate, {
      out: book,
      loans: f.loans,
      months: f.months,
      'as-of': asOf,
      seed: f.seed,
      'bad-rows': 0.005,
      // the folder is the demo's own (under the data directory the guard has just judged): a re-run
      // writes its book again, which generate refuses for a folder holding files unless forced
      force: true,
    }),
  );
  recordDemoBook(config.LOANWATCH_DATA_DIR, params);
  step(2, 'ingesting (bad rows go to quarantine with their reasons)');
  await runIngest(wh, config, out, valuesFor(ingestCommand, { paths: [book] }));
  step(3, 'building month-end snapshots');
  await runSnapshot(wh, config, out, { 'as-of': asOf });
  step(4, 'training the early-warning scorecard, network and boosted trees (out of time), promoting the best');
  const trained = await trainBookModels(wh, {
    kinds: ['scorecard', 'network', 'gbm'],
    seed: 1,
    target: defaultTarget,
    ootMonths: 6,
    loanShare: 1,
    rebuildFeatures: true,
    actor: cliActor('demo'),
    outDir: resolve(config.LOANWATCH_DATA_DIR, 'models'),
    log,
  });
  const best = [...trained].sort((a, b) => b.model.metrics.test.auc - a.model.metrics.test.auc)[0]!.model;
  try {
    await promoteAudited(wh, 'demo', {
      name: best.model_name,
      version: best.version,
      reason: 'best out-of-time AUC of the demo run',
    });
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    log(`champion unchanged: ${e.message}`);
  }
  step(
    5,
    'scoring every active loan inside ClickHouse with the champion, at each of the last 16 month-ends (score jumps and the warnings’ track record need the history)',
  );
  const target = targetName(defaultTarget);
  const history = Array.from({ length: 15 }, (_, k) => addMonthEnds(asOf, k - 15));
  // the history in one statement (the engine analyses a model's query once: one by one, 400 trees
  // took 6 s a month-end), then the as-of month-end as `loanwatch score` reports it
  const champion = await currentChampion(wh, target);
  if (champion) {
    await ensureFreshFeatures(wh, champion.target);
    await scoreMonthsInDb(wh, champion, history);
  }
  await runScore(wh, valuesFor(scoreCommand, { 'as-of': asOf, 'in-db': true, target }));
  step(
    6,
    'firing the warning rules at each of those month-ends (and monitoring the champion), issuing the month’s collector awards',
  );
  // the management pack's warning-effectiveness table judges the warnings of the 12 month-ends
  // ending 3 months before the as-of date against what happened next: they must have been fired
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  for (const monthEnd of history.slice(1))
    await fireWarnings(wh, { asOf: monthEnd, rules: defaultWarningRules, settings, champion });
  await runWarnings(wh, config, out, valuesFor(warningsCommand, { 'as-of': asOf, limit: 10 }));
  // the month's collector awards (loanwatch incentives --month), which the management pack charts
  const awards = await issueIncentives(wh, {
    month: asOf.slice(0, 7),
    scheme: defaultIncentiveScheme,
    settings: delinquencySettings(config),
    breaches: contactRuleBreachSource(wh, loadContactRules(undefined)),
  });
  log(`incentives ${asOf.slice(0, 7)}: ${awards.agents.length} agents' awards issued`);
  step(7, 'writing the management and regulatory packs in Chinese and English');
  const provisions = join(book, 'provisions.csv');
  await writeDemoProvisions(wh, provisions, asOf);
  const period = asOf.slice(0, 7);
  const reportsDir = resolve(config.LOANWATCH_DATA_DIR, 'reports');
  await runReport(
    wh,
    config,
    out,
    valuesFor(reportCommand, { period, lang: ['zh-CN', 'en'], out: reportsDir, provisions }),
  );
  await summary(wh, out, asOf, trained);
  if (!f.serve) return;
  step(8, 'serving the API');
  await serveDemo(wh, config, out, { port, asOf, period, reportsDir });
}

/** The busiest region, so the demo's collector key is scoped as every collector key must be. */
async function demoRegion(wh: Warehouse): Promise<string> {
  const [r] = await queryRows<{ region: string }>(
    wh,
    `SELECT region FROM ${tableRef(wh, 'loans')} WHERE region != '' GROUP BY region ORDER BY count() DESC, region LIMIT 1`,
  );
  return r?.region ?? '';
}

async function serveDemo(
  wh: Warehouse,
  config: Config,
  out: Output,
  o: { port: number; asOf: string; period: string; reportsDir: string },
) {
  const region = await demoRegion(wh);
  const key = async (role: 'admin' | 'executive' | 'collector') =>
    (await createApiKey(wh, { role, label: 'demo', ...(role === 'collector' ? { region } : {}) })).key;
  const keys = { admin: await key('admin'), executive: await key('executive'), collector: await key('collector') };
  // the API is loaded by the commands that serve it, not by every command's start
  const { startServer, serveUntilSignal } = await import('../../api/server.ts');
  const { server, port } = await startServer(wh, config, o.port);
  const base = `http://localhost:${port}`;
  const casesDay = addDays(o.asOf, -2);
  out.line(`
loanwatch is serving the demo book on ${base} (Ctrl-C stops it). Send a key as 'Authorization: Bearer <key>'.
KEY admin ${keys.admin}
KEY executive ${keys.executive}
KEY collector ${keys.collector}
(the collector key sees region ${region} only)
${demoUrlLines(base, { ...o, casesDay }).join('\n')}
Try:
  curl -H 'Authorization: Bearer ${keys.executive}' '${base}/v1/reports/management?period=${o.period}&lang=en' > management.html
  curl -H 'Authorization: Bearer ${keys.collector}' -H 'Accept: text/csv' '${base}/v1/cases?as_of=${casesDay}&limit=20'
  (a page with more after it names the next in its Link header: curl -i shows it)
Report files (HTML, PDF, PNG, SVG, Vega-Lite JSON, CSV): ${o.reportsDir}`);
  await serveUntilSignal(server, { log });
}

/** a figure inside a quarantine reason: an id with digits (L000000009), a date, an amount, a line number */
const figure = /\b[A-Za-z]*[0-9][0-9A-Za-z.,:/_-]*/u;

async function summary(wh: Warehouse, out: Output, asOf: string, trained: Awaited<ReturnType<typeof trainBookModels>>) {
  const overdue = await runMetric(wh, 'overdue', { from: addMonthEnds(asOf, -5), to: asOf });
  const trend = overdue.rows.slice().reverse();
  const quarantine = await queryRows<{ entity: string; reason: string; rows: string }>(
    wh,
    // by the rule, not the row: a reason's own figures (the unknown loan's id, a date, an amount) masked
    `SELECT entity, replaceRegexpAll(reason, ${sqlStringLiteral(figure.source)}, '…') AS reason, count() AS rows
    FROM ${tableRef(wh, 'quarantine')} GROUP BY entity, reason ORDER BY rows DESC, reason LIMIT 8`,
  );
  out.line(
    '\nOverdue ratio (M1+), PAR30, PAR90 and NPL ratio, share of outstanding balance (loanwatch metrics overdue), latest six month-ends:',
  );
  printTable(out, trend, [
    { header: 'month-end', value: (r) => r.month_end },
    { header: 'outstanding', value: (r) => r.outstanding, format: 'money' },
    { header: 'M1+', value: (r) => r.overdue_ratio, format: 'pct' },
    { header: 'PAR30', value: (r) => r.par30, format: 'pct' },
    { header: 'PAR90', value: (r) => r.par90, format: 'pct' },
    { header: 'NPL ratio', value: (r) => r.npl_ratio, format: 'pct' },
  ]);
  out.line('Early-warning models (target: DPD > 30 within 3 months; test = the last 6 month-ends, out of time):');
  printTable(out, trained, [
    { header: 'model', value: ({ model: m }) => `${m.model_name} v${m.version}` },
    { header: 'AUC', value: ({ model: m }) => m.metrics.test.auc.toFixed(4) },
    { header: 'KS', value: ({ model: m }) => m.metrics.test.ks.toFixed(4) },
    { header: 'score PSI', value: ({ model: m }) => m.metrics.score_psi.toFixed(4) },
    { header: 'model card', value: ({ cardDir }) => join(cardDir, 'model-card.md') },
  ]);
  out.line("Quarantined rows by reason (top eight; a reason's ids, dates and amounts shown as …):");
  printTable(out, quarantine, [
    { header: 'entity', value: (q) => q.entity },
    { header: 'reason', value: (q) => q.reason },
    { header: 'rows', value: (q) => q.rows, format: 'int' },
  ]);
}
