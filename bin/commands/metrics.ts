import { z } from 'zod';
import { list } from '../flags.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { markovLossForecast } from '../../warehouse/metrics/forecast.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { metricCsv } from '../../warehouse/metrics/csv.ts';


export const metricsFlags = z.object({
  name: z.string({ error: 'name a metric' }),
  'group-by': list.optional(),
  basis: z.string().optional(),
  'cohort-grain': z.string().optional(),
  product: list.optional(), region: list.optional(), branch: list.optional(), channel: list.optional(),
  'cohort-from': z.string().optional(), 'cohort-to': z.string().optional(),
  from: z.string().optional(), to: z.string().optional(), 'as-of': z.string().optional(),
  months: z.coerce.number().int().optional(),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

/** `loanwatch metrics <name>`: any declared metric (or `forecast`) as a table, CSV or JSON. */
export async function metricsCommand(wh: Warehouse, f: z.infer<typeof metricsFlags>) {
  const request = Object.fromEntries(Object.entries({
    group_by: f['group-by'], basis: f.basis, cohort_grain: f['cohort-grain'], product: f.product, region: f.region, branch: f.branch,
    channel: f.channel, cohort_from: f['cohort-from'], cohort_to: f['cohort-to'], from: f.from, to: f.to, as_of: f['as-of'],
  }).filter(([, v]) => v !== undefined));
  if (f.name === 'forecast') {
    const fc = await markovLossForecast(wh, request, f.months ?? 12);
    if (f.format === 'json') console.log(JSON.stringify(fc, null, 2));
    else if (f.format === 'csv') console.log(['month,paid_off,charged_off', ...fc.months.map((m) => `${m.month},${m.paid_off},${m.charged_off}`)].join('\n'));
    else console.table(fc.months.map((m) => ({ month: m.month, ...m.balances, paid_off: m.paid_off, charged_off: m.charged_off })));
    return fc;
  }
  const r = await runMetric(wh, f.name, request);
  if (f.format === 'json') console.log(JSON.stringify(r, null, 2));
  else if (f.format === 'csv') console.log(metricCsv(r));
  else {
    console.log(`${r.title} — as of ${r.as_of}, ${r.basis} basis`);
    for (const c of r.columns.filter((x) => x.denominator)) console.log(`  ${c.name}: ÷ ${c.denominator}`);
    console.table(r.rows.slice(0, 200));
  }
  return r;
}
