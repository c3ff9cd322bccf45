import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../warehouse/config.ts';
import { openWarehouse } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { IngestInputError } from '../pipelines/ingest/discover.ts';
import { demoCommand, demoFlags } from './commands/demo.ts';
import { generateCommand, generateFlags } from './commands/generate.ts';
import { ingestCommand, ingestFlags } from './commands/ingest.ts';
import { dpdCommand, dpdFlags, snapshotCommand, snapshotFlags } from './commands/snapshot.ts';
import { metricsCommand, metricsFlags } from './commands/metrics.ts';
import { MetricRequestError } from '../warehouse/metrics/compile.ts';
import { metricNames } from '../warehouse/metrics/index.ts';
import { evaluateCommand, evaluateFlags, promoteCommand, promoteFlags, scoreCommand, scoreFlags, trainCommand, trainFlags } from './commands/models.ts';
import { RegistryError } from '../models/registry/registry.ts';
import { keysCommand, keysFlags, serveCommand, serveFlags } from './commands/serve.ts';
import { casesCommand, casesFlags } from './commands/cases.ts';
import { warningsCommand, warningsFlags } from './commands/warnings.ts';
import { experimentCommand, experimentFlags } from './commands/experiment.ts';
import { reportCommand, reportFlags } from './commands/report.ts';
import { ExperimentRequestError } from '../pipelines/cases/experiment-results.ts';
import { ReportFontError } from '../reports/render/fonts.ts';
import { ReportRequestError } from '../reports/pack.ts';
import { ProvisionsFileError } from '../pipelines/provisions/load-provisions.ts';
import { ConfigFileError } from './config-file.ts';
import { DatasetError } from '../models/data/dataset.ts';
import { SqlExportError } from '../models/export/sql.ts';

const usage = () => `loanwatch <command> [flags]

  demo      [--loans 20000] [--months 36] [--as-of 2024-06-30] [--seed N] [--port 8080] [--serve true|false]
            the whole pipeline on the embedded engine: generate, ingest, snapshot, train, score, warnings,
            reports; then serve the API and print URLs with demo keys
  generate  --out DIR [--loans N] [--months M] [--as-of YYYY-MM-DD] [--seed N] [--bad-rows 0.01] [--format csv|jsonl]
  ingest    PATH... [--adapter credit_card_monthly_status|home_credit_subset|taiwan_credit_default]
            [--as-of YYYY-MM-DD] [--as-of-month YYYY-MM] [--entity NAME] [--loader auto|engine|stream]
  snapshot  --as-of YYYY-MM-DD        month-end snapshots for every month-end on or before the date
  dpd       --as-of YYYY-MM-DD [--loan ID] [--format table|csv|json]   DPD and bucket on any date
  metrics   NAME [--group-by a,b] [--basis balance|count] [--product x,y] [--region …] [--branch …] [--channel …]
            [--cohort-from YYYY-MM] [--cohort-to YYYY-MM] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--as-of YYYY-MM-DD]
            [--cohort-grain month|quarter] [--months N] [--format table|csv|json]
            NAME: ${metricNames.join(', ')}, forecast
  train     [--model scorecard,network,gbm] [--horizon 3] [--threshold 30] [--oot-months 6] [--loan-share 1] [--rebuild-features]
            [--binning chimerge|tree] [--monotonic true|false] [--special=-2,-1 [--special-for COL,…]] [--min-iv 0.02] [--l2 0] [--seed 1] [--by NAME] [--out DIR]
            early-warning models on the book's features (out-of-time split), registered as new versions
  train     --table FILE.csv --target COL [--bad-value V] [--drop a,b] [--categorical a,b] [--test-share 0.3] [--name N]
            the same models on any feature table (seeded random split)
  evaluate  NAME[@VERSION] [--format table|json]   test quality; PSI/CSI and realised AUC per month after training
  promote   NAME VERSION --reason TEXT [--by NAME] [--margin 0.005] [--max-psi 0.1]   champion gate, recorded in the history
  score     --as-of YYYY-MM-DD [--model NAME[@VERSION]] [--in-db]   score the book (champion by default) into the scores table
  cases     --as-of YYYY-MM-DD [--region a,b] [--team …] [--product …] [--stage early,mid,late,watch] [--strategy table.json] [--experiment exp.json]
            [--agents agents.json] [--assign-by count|balance] [--format table|csv|json]
            the collection case list ranked by expected loss, with the recommended action (and each case's arm, stored)
  experiment --experiment exp.json --as-of YYYY-MM-DD --until YYYY-MM-DD [--segment all|stage|grade|product|region|action] [--format table|json]
            cure rate and amount collected per arm and segment of a strategy experiment's issued list
  warnings  --as-of YYYY-MM-DD [--rules rules.json] [--list] [--rule a,b] [--kind …] [--severity …] [--region …] [--team …]
            [--limit 50] [--format table|csv|json]   fire and store the warning rules for the date (--list: only show stored ones)
  report    --period YYYY-MM [--pack management,regulatory] [--lang zh-CN,en] [--format html,pdf,png,svg] [--out DIR]
            [--provisions provisions.csv]   report packs: HTML, PDF, a PNG/SVG, Vega-Lite JSON and CSV per chart
  serve     [--port 8080]              the HTTP API (docs at /docs, OpenAPI at /openapi.json)
  keys      create --role admin|modeler|executive|collector|auditor [--region R] [--team T] [--label L]
  migrate                             create or upgrade the warehouse schema

Environment: see README (CLICKHOUSE_URL switches from embedded chDB to a server).`;

const options = {
  out: { type: 'string' }, loans: { type: 'string' }, months: { type: 'string' }, 'as-of': { type: 'string' }, seed: { type: 'string' },
  'bad-rows': { type: 'string' }, format: { type: 'string' }, adapter: { type: 'string' }, 'as-of-month': { type: 'string' },
  entity: { type: 'string' }, loader: { type: 'string' }, loan: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  'group-by': { type: 'string' }, basis: { type: 'string' }, 'cohort-grain': { type: 'string' }, product: { type: 'string' },
  region: { type: 'string' }, branch: { type: 'string' }, channel: { type: 'string' }, 'cohort-from': { type: 'string' },
  'cohort-to': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
  table: { type: 'string' }, target: { type: 'string' }, 'bad-value': { type: 'string' }, drop: { type: 'string' }, categorical: { type: 'string' },
  'test-share': { type: 'string' }, name: { type: 'string' }, horizon: { type: 'string' }, threshold: { type: 'string' }, 'oot-months': { type: 'string' },
  'loan-share': { type: 'string' }, 'rebuild-features': { type: 'boolean' }, model: { type: 'string' }, binning: { type: 'string' },
  monotonic: { type: 'string' }, l2: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' }, margin: { type: 'string' },
  'max-psi': { type: 'string' }, 'in-db': { type: 'boolean' }, special: { type: 'string' }, 'special-for': { type: 'string' }, 'min-iv': { type: 'string' },
  port: { type: 'string' }, stage: { type: 'string' }, strategy: { type: 'string' }, role: { type: 'string' }, team: { type: 'string' }, label: { type: 'string' },
  rules: { type: 'string' }, list: { type: 'boolean' }, rule: { type: 'string' }, kind: { type: 'string' }, severity: { type: 'string' }, limit: { type: 'string' },
  experiment: { type: 'string' }, until: { type: 'string' }, segment: { type: 'string' }, pack: { type: 'string' }, period: { type: 'string' },
  lang: { type: 'string' }, provisions: { type: 'string' }, serve: { type: 'string' }, agents: { type: 'string' }, 'assign-by': { type: 'string' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage()}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const { help, ...values } = parsed.values;
  if (!command || help) { console.log(usage()); return command ? 0 : 2; }
  const flags = <S extends z.ZodTypeAny>(schema: S, extra: Record<string, unknown> = {}): z.infer<S> => {
    const r = schema.safeParse({ ...values, ...extra });
    if (!r.success) throw new UsageError(r.error.issues.map((i) => `--${i.path.join('.') || 'paths'}: ${i.message}`).join('\n'));
    return r.data;
  };
  try {
    if (command === 'generate') { await generateCommand(flags(generateFlags)); return 0; }
    if (!['demo', 'ingest', 'snapshot', 'dpd', 'metrics', 'migrate', 'train', 'evaluate', 'promote', 'score', 'serve', 'keys', 'cases', 'warnings', 'experiment', 'report'].includes(command)) throw new UsageError(`unknown command: ${command}`);
    const config = loadConfig();
    const wh = openWarehouse(config);
    try {
      await migrate(wh);
      if (command === 'demo') await demoCommand(wh, config, flags(demoFlags));
      else if (command === 'ingest') await ingestCommand(wh, config, flags(ingestFlags, { paths: rest }));
      else if (command === 'snapshot') await snapshotCommand(wh, config, flags(snapshotFlags));
      else if (command === 'dpd') await dpdCommand(wh, config, flags(dpdFlags));
      else if (command === 'metrics') await metricsCommand(wh, flags(metricsFlags, { name: rest[0] }));
      else if (command === 'train') await trainCommand(wh, config, flags(trainFlags));
      else if (command === 'evaluate') await evaluateCommand(wh, flags(evaluateFlags, { name: rest[0] }));
      else if (command === 'promote') await promoteCommand(wh, flags(promoteFlags, { name: rest[0], version: rest[1] }));
      else if (command === 'score') await scoreCommand(wh, flags(scoreFlags));
      else if (command === 'cases') await casesCommand(wh, config, flags(casesFlags));
      else if (command === 'report') await reportCommand(wh, config, flags(reportFlags));
      else if (command === 'experiment') await experimentCommand(wh, config, flags(experimentFlags));
      else if (command === 'warnings') await warningsCommand(wh, config, flags(warningsFlags));
      else if (command === 'serve') await serveCommand(wh, config, flags(serveFlags));
      else if (command === 'keys') await keysCommand(wh, flags(keysFlags, { action: rest[0] }));
      return 0;
    } finally {
      await wh.close();
    }
  } catch (e) {
    if (e instanceof UsageError) { console.error(`${e.message}\n\n${usage()}`); return 2; }
    if (e instanceof ConfigError || e instanceof IngestInputError || e instanceof MetricRequestError || e instanceof RegistryError || e instanceof DatasetError || e instanceof SqlExportError || e instanceof ConfigFileError
      || e instanceof ReportFontError || e instanceof ReportRequestError || e instanceof ProvisionsFileError || e instanceof ExperimentRequestError) { console.error(e.message); return 2; }
    throw e;
  }
}

class UsageError extends Error {}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
