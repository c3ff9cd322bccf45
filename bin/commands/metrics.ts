import { z } from 'zod';
import { outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagSpec, type FlagValues } from '../cli/command.ts';
import { printTable, type ColumnFormat, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertRequestReachesData, runMetric, type MetricResult } from '../../warehouse/metrics/run.ts';
import { metricNames, metrics, type MetricName } from '../../warehouse/metrics/index.ts';
import { metricParameters } from '../../warehouse/metrics/metric-parameters.ts';
import { assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { valueTypeOf, type MetricValueType } from '../../warehouse/metrics/column-values.ts';
import { metricCsvChunks } from '../../warehouse/metrics/csv.ts';
import {
  metricRequestFieldNames,
  metricRequestFields,
  metricTextFields,
  type MetricRequestField,
} from '../../warehouse/metrics/request.ts';

const names: readonly string[] = metricNames;
const metricsArgs = [
  {
    name: 'name',
    help: `the metric: ${names.join(', ')}`,
    schema: z.enum(names, { error: (i) => `unknown metric "${String(i.input)}" — known: ${names.join(', ')}` }),
    missing: `name a metric: ${names.join(', ')}`,
  },
] as const;

type RequestFlags = {
  [K in MetricRequestField as KebabCase<K>]: FlagSpec<(typeof metricTextFields)[K]>;
};
type KebabCase<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${KebabCase<B>}` : S;

/** a request field's flag (`cohort_from` → `cohort-from`, written `--cohort-from`) */
const flagName = (field: string) => field.replaceAll('_', '-');
const flagOf = (field: string) => `--${flagName(field)}`;

/** one flag per request field (`cohort_from` → `--cohort-from`): the API's query parameters, the same checks */
const requestFlags = Object.fromEntries(
  metricRequestFieldNames.map((k) => {
    const field = metricRequestFields[k];
    return [flagName(k), flag(metricTextFields[k], field.help, field.placeholder)];
  }),
) as RequestFlags;

const metricsFlags = {
  ...requestFlags,
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 200 rows), or every row as csv/json',
    'table|csv|json',
  ),
};
export type MetricsFlags = FlagValues<typeof metricsFlags> & { name: string };

export const metricsCommand = defineCommand({
  name: 'metrics',
  summary:
    'portfolio metrics: overdue ratios, PAR, NPL, vintage, roll rates, migration, recovery, collections, ECL, provisions, forecast',
  description:
    'Any metric of the catalogue by count or balance, filtered and grouped; every ratio names its denominator (docs/metrics.md).',
  args: metricsArgs,
  flags: metricsFlags,
  examples: [
    'loanwatch metrics overdue --from 2024-01-31',
    'loanwatch metrics roll_rate --from 2023-07-31 --to 2024-06-30 --product mortgage,consumer --format csv > roll.csv',
    'loanwatch metrics forecast --months 6',
  ],
  warehouse: true,
  // refused before the warehouse opens (the compiler refuses the same again)
  check: (f, given) =>
    f.months !== undefined && f.name !== 'forecast'
      ? '--months applies to the forecast only'
      : (notTaken(f.name as MetricName, given) ??
        (f.from && f.to && f.from > f.to ? `--from ${f.from} is after --to ${f.to}` : undefined)),
  run: ({ wh, out }, f) => runMetrics(wh, out, f),
});

/**
 * A request flag the metric does not take, refused by name as the API refuses the parameter: a
 * filter the metric never applies would otherwise be dropped without a word (`--region east` on a
 * metric of the whole book answered for the whole book).
 */
function notTaken(name: MetricName, given: ReadonlySet<string>): string | undefined {
  const taken = metricParameters(metrics[name]).fields;
  const takenFlags = new Set(taken.map(flagOf));
  const requestFlags = new Set(metricRequestFieldNames.map(flagOf));
  const refused = [...given].map((g) => `--${g}`).filter((g) => requestFlags.has(g) && !takenFlags.has(g));
  if (refused.length === 0) return undefined;
  return `${refused.join(', ')} ${refused.length === 1 ? 'does' : 'do'} not apply to ${name}: it takes ${[...takenFlags].join(', ')}`;
}

/** Ratios and shares as percentages, money with cents, counts as whole numbers (the column's type says which). */
const formats: Record<MetricValueType, ColumnFormat> = {
  text: 'text',
  number: 'num',
  money: 'money',
  count: 'int',
  ratio: 'pct',
};
const formatOf = (c: MetricResult['columns'][number]): ColumnFormat => formats[valueTypeOf(c)];

export async function runMetrics(wh: Warehouse, out: Output, f: MetricsFlags) {
  await assertKnownFilterValues(wh, { product: f.product, region: f.region, branch: f.branch, channel: f.channel });
  const request: Record<string, unknown> = {};
  for (const k of metricRequestFieldNames) {
    const value: unknown = f[flagName(k) as keyof RequestFlags];
    if (value !== undefined) request[k] = value;
  }
  // the dates refused by the flags' names, not the API's fields (`--as-of 2019-01-31`, not `as_of`)
  await assertRequestReachesData(wh, request, { name: flagOf, metric: f.name });
  const r = await runMetric(wh, f.name, request);
  if (f.format === 'json') out.line(JSON.stringify(r, null, 2));
  else if (f.format === 'csv') for (const chunk of metricCsvChunks(r)) await out.write(chunk);
  else {
    out.line(`${r.title} — as of ${r.as_of}, ${r.basis} basis`);
    for (const c of r.columns.filter((x) => x.denominator)) out.line(`  ${c.name}: ÷ ${c.denominator}`);
    printTable(
      out,
      r.rows,
      r.columns.map((c) => ({
        header: c.name,
        value: (row: MetricResult['rows'][number]) => row[c.name],
        format: formatOf(c),
      })),
      { limit: 200 },
    );
  }
  return r;
}
