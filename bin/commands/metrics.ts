import { z } from 'zod';
import { count, isoDate, isoMonth, list, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, type ColumnFormat, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { markovLossForecast } from '../../warehouse/metrics/forecast.ts';
import { runMetric, type MetricResult } from '../../warehouse/metrics/run.ts';
import { metricNames } from '../../warehouse/metrics/index.ts';
import { assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';

const names: readonly string[] = [...metricNames, 'forecast'];
const metricsArgs = [
  {
    name: 'name',
    help: `the metric: ${names.join(', ')}`,
    schema: z.enum(names, { error: (i) => `unknown metric "${String(i.input)}" — known: ${names.join(', ')}` }),
    missing: `name a metric: ${names.join(', ')}`,
  },
] as const;

const metricsFlags = {
  'group-by': flag(list.optional(), 'dimensions to group by', 'a,b'),
  basis: flag(
    z.enum(['balance', 'count']).optional(),
    'ratios by balance or by count (default balance)',
    'balance|count',
  ),
  'cohort-grain': flag(
    z.enum(['month', 'quarter']).optional(),
    'vintage cohorts by origination month or quarter',
    'month|quarter',
  ),
  product: flag(list.optional(), 'only these products', 'a,b'),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  branch: flag(list.optional(), 'only these branches', 'a,b'),
  channel: flag(list.optional(), 'only these channels', 'a,b'),
  'cohort-from': flag(isoMonth.optional(), 'first cohort', 'YYYY-MM'),
  'cohort-to': flag(isoMonth.optional(), 'last cohort', 'YYYY-MM'),
  from: flag(isoDate.optional(), 'first month-end of the window', 'YYYY-MM-DD'),
  to: flag(isoDate.optional(), 'last month-end of the window', 'YYYY-MM-DD'),
  'as-of': flag(isoDate.optional(), 'as-of date (default: the latest month-end)', 'YYYY-MM-DD'),
  months: flag(count(1, 120).optional(), 'forecast: months ahead (default 12)', 'N'),
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
    'portfolio metrics: overdue ratios, PAR, NPL, vintage, roll rates, migration, recovery, collections, forecast',
  description:
    'Any declared metric by count or balance, filtered and grouped; every ratio names its denominator (docs/metrics.md).',
  args: metricsArgs,
  flags: metricsFlags,
  examples: [
    'loanwatch metrics overdue --from 2024-01-31',
    'loanwatch metrics roll_rate --from 2023-07-31 --to 2024-06-30 --product mortgage,consumer --format csv > roll.csv',
  ],
  warehouse: true,
  check: (f) =>
    f.months !== undefined && f.name !== 'forecast'
      ? '--months applies to the forecast only'
      : f.from && f.to && f.from > f.to
        ? `--from ${f.from} is after --to ${f.to}`
        : undefined,
  run: ({ wh, out }, f) => runMetrics(wh, out, f),
});

/** Ratios and shares as percentages; measures are money on the balance basis and counts on the count basis. */
const formatOf = (c: MetricResult['columns'][number], basis: MetricResult['basis']): ColumnFormat =>
  c.kind === 'ratio' || c.denominator ? 'pct' : c.kind === 'dimension' ? 'text' : basis === 'balance' ? 'money' : 'int';

export async function runMetrics(wh: Warehouse, out: Output, f: MetricsFlags) {
  await assertKnownFilterValues(wh, { product: f.product, region: f.region, branch: f.branch, channel: f.channel });
  const request = Object.fromEntries(
    Object.entries({
      group_by: f['group-by'],
      basis: f.basis,
      cohort_grain: f['cohort-grain'],
      product: f.product,
      region: f.region,
      branch: f.branch,
      channel: f.channel,
      cohort_from: f['cohort-from'],
      cohort_to: f['cohort-to'],
      from: f.from,
      to: f.to,
      as_of: f['as-of'],
    }).filter(([, v]) => v !== undefined),
  );
  if (f.name === 'forecast') return forecast(wh, out, request, f);
  const r = await runMetric(wh, f.name, request);
  if (f.format === 'json') out.line(JSON.stringify(r, null, 2));
  else if (f.format === 'csv')
    await writeCsv(
      out,
      r.columns.map((c) => c.name),
      r.rows,
    );
  else {
    out.line(`${r.title} — as of ${r.as_of}, ${r.basis} basis`);
    for (const c of r.columns.filter((x) => x.denominator)) out.line(`  ${c.name}: ÷ ${c.denominator}`);
    printTable(
      out,
      r.rows,
      r.columns.map((c) => ({
        header: c.name,
        value: (row: MetricResult['rows'][number]) => row[c.name],
        format: formatOf(c, r.basis),
      })),
      { limit: 200 },
    );
  }
  return r;
}

async function forecast(wh: Warehouse, out: Output, request: Record<string, unknown>, f: MetricsFlags) {
  const fc = await markovLossForecast(wh, request, f.months ?? 12);
  // month k of the forecast is the k-th month-end after the as-of month-end
  const months = fc.months.map((m) => ({ month_end: addMonthEnds(fc.as_of, m.month), ...m }));
  const buckets = Object.keys(fc.months[0]?.balances ?? {});
  const flat = months.map((m) => ({
    month_end: m.month_end,
    ...m.balances,
    paid_off: m.paid_off,
    charged_off: m.charged_off,
  }));
  if (f.format === 'json') out.line(JSON.stringify({ ...fc, months }, null, 2));
  else if (f.format === 'csv')
    await writeCsv<Record<string, unknown>>(out, ['month_end', ...buckets, 'paid_off', 'charged_off'], flat);
  else {
    out.line(
      `Roll-rate loss forecast from ${fc.as_of} (balances by bucket; transition matrix of ${fc.window.from ?? '…'} to ${fc.window.to ?? fc.as_of}, ${fc.matrix_denominator ?? ''})`,
    );
    printTable(
      out,
      flat,
      ['month_end', ...buckets, 'paid_off', 'charged_off'].map((k) => ({
        header: k,
        value: (r: (typeof flat)[number]) => (r as Record<string, unknown>)[k],
        format: k === 'month_end' ? ('text' as const) : ('money' as const),
      })),
      { limit: 120 },
    );
  }
  return fc;
}
