import { z } from 'zod';
import { count, enumList, inputPath, isoDate, list, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import { auditCli } from './cli-audit.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { fireWarningsRun } from '../../pipelines/warnings/fire-warnings.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';
import {
  assertKnownRules,
  iterateWarnings,
  warningCsvColumns,
  warningCsvRow,
  type StoredWarning,
} from '../../pipelines/warnings/list-warnings.ts';
import { defaultWarningRules, parseWarningRules, warningKinds } from '../../pipelines/warnings/rules.ts';
import {
  notComputedMessage,
  notRunClause,
  rulesNotRun,
  warningDay,
  type WarningDay,
} from '../../pipelines/warnings/warning-runs.ts';
import { UserError } from '../../lib/user-error.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { currentChampion } from '../../models/registry/registry.ts';

const severities = ['critical', 'warning', 'info'] as const;
const warningsFlags = {
  'as-of': flag(isoDate, 'the day', 'YYYY-MM-DD'),
  rules: flag(inputPath.optional(), 'warning rules (JSON; default: docs/collections.md)', 'FILE'),
  list: flag(z.boolean().default(false), 'only list what is stored for the day, fire nothing'),
  force: flag(
    z.boolean().default(false),
    "fire although a run of the day started earlier has not finished (it stopped: a run refuses to run beside another's)",
  ),
  rule: flag(list.optional(), 'only these rule ids', 'a,b'),
  kind: flag(enumList(warningKinds).optional(), 'only these rule kinds', warningKinds.join(',')),
  severity: flag(
    list.pipe(z.array(z.enum(severities, { error: `expected ${severities.join(', ')}` }))).optional(),
    'only these severities',
    severities.join(','),
  ),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  team: flag(list.optional(), 'only these teams', 'a,b'),
  limit: flag(count(1, 10_000_000).optional(), 'at most this many warnings (table default 50; csv/json: all)', 'N'),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'output', 'table|csv|json'),
};
export type WarningsFlags = FlagValues<typeof warningsFlags>;

export const warningsCommand = defineCommand({
  name: 'warnings',
  summary: 'fire the warning rules for a day and store them with their evidence; or list what is stored',
  description:
    "Fires the warning rules for --as-of and stores what fires with its evidence (a re-run replaces the day's), then lists the day's stored warnings; --list only lists, and refuses a day the rules never ran for (or whose last run did not finish) naming the command that computes it (exit 2), where a day they ran and fired nothing says so. A day before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS) is refused (exit 2), not answered empty. A run of a day that another run started earlier and has not finished is refused before it replaces anything (exit 2; --force when that run stopped).",
  flags: warningsFlags,
  examples: [
    'loanwatch warnings --as-of 2024-06-30 --rules examples/warning-rules.json',
    'loanwatch warnings --as-of 2024-06-30 --list --rule broken_promise --format csv > broken.csv',
  ],
  warehouse: true,
  check: (f) =>
    f.list && f.rules
      ? '--rules fires rules; --list only lists: give one of them'
      : f.list && f.force
        ? '--force fires the rules; --list only lists: give one of them'
        : undefined,
  run: ({ wh, config, out }, f) => runWarnings(wh, config, out, f),
});

const severityRank = (s: string) => {
  const i = severities.indexOf(s as never);
  return i < 0 ? severities.length : i;
};

export async function runWarnings(wh: Warehouse, config: Config, out: Output, f: WarningsFlags) {
  await assertKnownFilterValues(wh, { region: f.region, team: f.team });
  const rules = f.rules ? readConfigFile(f.rules, 'warning rules', parseWarningRules) : defaultWarningRules;
  // a rule is known when the rules in use name it or it fired on some day (an older rules file's)
  await assertKnownRules(wh, f.rule, rules);
  // --list reads the stored day: a day outside the data is refused as firing it is, not listed empty
  let fired: WarningDay | undefined;
  if (f.list) await assertWithinData(wh, f['as-of'], '--as-of');
  else {
    const champion = await currentChampion(wh, targetName(defaultTarget));
    const { outcomes: outcome, finishedAt } = await fireWarningsRun(wh, {
      asOf: f['as-of'],
      rules,
      settings: defaultSnapshotSettings(delinquencySettings(config)),
      champion,
      label: '--as-of',
      force: f.force,
    });
    console.error(
      `warnings ${f['as-of']}${champion ? ` (champion ${champion.model_name}@${champion.version})` : ' (no champion model)'}:`,
    );
    for (const o of outcome)
      console.error(
        `  ${o.rule_id.padEnd(24)} ${o.kind.padEnd(20)} ${o.severity.padEnd(8)} ${o.skipped ? `skipped: ${o.skipped}` : `${o.fired} fired`}`,
      );
    // judged by this run, which finished: the day's latest run may be another started since and still
    // going (exit 2 after firing correctly), or, on a cluster, not yet readable back
    fired = {
      state: 'computed',
      computed_at: finishedAt,
      stored: outcome.reduce((n, o) => n + o.fired, 0),
      skipped: outcome.filter((o) => o.skipped !== null).map((o) => o.rule_id),
      rule_ids: rules.rules.map((r) => r.id),
      rule_kinds: rules.rules.map((r) => r.kind),
      champion: champion ? `${champion.model_name}@${champion.version}` : '',
    };
  }
  // an empty listing must mean the rules ran and fired nothing, never that they did not run
  const day = fired ?? (await warningDay(wh, f['as-of']));
  if (day.state !== 'computed') throw new UserError(await notComputedMessage(wh, f['as-of'], day));
  const filters = { rule: f.rule, kind: f.kind, severity: f.severity, region: f.region, team: f.team };
  // a rule asked for that did not run lists nothing too: said, rather than read as "fired nothing"
  const kinds = new Map(rules.rules.map((r) => [r.id, r.kind as string]));
  const asked = f.rule === undefined && f.kind === undefined ? undefined : { rule: f.rule, kind: f.kind };
  const notRun = asked ? rulesNotRun(day, asked, (id) => kinds.get(id)) : { skipped: [], absent: [] };
  const onlyNotRun = f.rule?.length === notRun.skipped.length + notRun.absent.length;
  const filtered = `no warnings for ${f['as-of']} match these filters (the rules ran at ${day.computed_at} and fired ${day.stored} that day)`;
  const nothingListed = onlyNotRun
    ? `no warnings for ${f['as-of']}: ${notRunClause(day, notRun)}`
    : [
        day.stored === 0
          ? `no warnings for ${f['as-of']}: the rules ran at ${day.computed_at} and fired none`
          : filtered,
        notRunClause(day, notRun),
      ]
        .filter((l) => l !== '')
        .join(' — ');
  let returned = 0;
  const rows = counted(iterateWarnings(wh, { asOf: f['as-of'], filters, max: f.limit }), () => (returned += 1));
  if (f.format === 'json' || f.format === 'csv') {
    if (f.format === 'json') await writeJson(out, rows);
    else await writeCsv(out, warningCsvColumns, mapAsync(rows, warningCsvRow));
    // stdout stays the data a file or a pipe takes
    if (returned === 0) console.error(nothingListed);
  } else {
    const all: StoredWarning[] = [];
    for await (const w of rows) all.push(w);
    returned = Math.min(all.length, f.limit ?? 50);
    all.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.value - a.value);
    if (all.length === 0) out.line(nothingListed);
    else
      printTable(
        out,
        all,
        [
          { header: 'severity', value: (w) => w.severity },
          { header: 'rule', value: (w) => w.rule_id },
          { header: 'loan', value: (w) => w.loan_id || w.model },
          { header: 'value', value: (w) => w.value, format: 'num' },
          { header: 'threshold', value: (w) => w.threshold, format: 'num' },
          { header: 'region', value: (w) => w.region },
          { header: 'team', value: (w) => w.team },
          { header: 'evidence', value: (w) => JSON.stringify(w.evidence).slice(0, 80) },
        ],
        { limit: f.limit ?? 50 },
      );
  }
  // the warnings name borrowers' loans with their evidence: read as a case list is, so audited as it is
  await auditCli(wh, undefined, 'warnings.list', f['as-of'], {
    fired: !f.list,
    ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v ?? null])),
    format: f.format,
    returned,
  });
}

async function* counted<T>(rows: AsyncIterable<T>, onRow: () => void): AsyncGenerator<T> {
  for await (const r of rows) {
    onRow();
    yield r;
  }
}

async function* mapAsync<T, U>(rows: AsyncIterable<T>, f: (t: T) => U): AsyncGenerator<U> {
  for await (const r of rows) yield f(r);
}
