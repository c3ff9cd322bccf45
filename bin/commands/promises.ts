import { z } from 'zod';
import { count, enumList, isoDate, list, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeJson, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownAgents, assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { specGraceDays } from '../../warehouse/metrics/promise-sources.ts';
import {
  listPromises,
  promisesCsvChunks,
  promiseStatuses,
  type PromiseRow,
} from '../../pipelines/collections/promises.ts';

const promisesFlags = {
  'as-of': flag(isoDate, 'the day the promises are judged on', 'YYYY-MM-DD'),
  status: flag(enumList(promiseStatuses).optional(), 'only these states', promiseStatuses.join(',')),
  due: flag(z.enum(['today']).optional(), 'today: only promises whose promised date is --as-of', 'today'),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  team: flag(list.optional(), 'only these teams', 'a,b'),
  agent: flag(list.optional(), 'only these agents', 'a,b'),
  'grace-days': flag(
    count(0, 60).default(specGraceDays),
    'days after the promised date a payment still keeps it (SPEC §5: 3)',
    'N',
  ),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 50), or every promise as csv/json',
    'table|csv|json',
  ),
};
export type PromisesFlags = FlagValues<typeof promisesFlags>;

export const promisesCommand = defineCommand({
  name: 'promises',
  summary: 'promises to pay with their state on a day: open, kept, partially kept or broken, and what was paid',
  description:
    "Each promise_to_pay judged at its promised date + grace days: kept (paid ≥ promised), partial, broken (nothing paid), or open while the deadline is after the day or after the data's last day (its payments not loaded yet). Overlapping promises share a payment: earliest deadline first. KPIs: loanwatch metrics promises. A day before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS) is refused (exit 2), not answered empty.",
  flags: promisesFlags,
  examples: [
    'loanwatch promises --as-of 2024-06-28 --status open --due today',
    'loanwatch promises --as-of 2024-06-30 --status broken,partial --team east-early --format csv > unkept.csv',
  ],
  warehouse: true,
  run: ({ wh, out }, f) => runPromises(wh, out, f),
});

export async function runPromises(wh: Warehouse, out: Output, f: PromisesFlags) {
  await assertKnownFilterValues(wh, { region: f.region, team: f.team });
  await assertKnownAgents(wh, f.agent);
  const rows = await listPromises(wh, {
    asOf: f['as-of'],
    graceDays: f['grace-days'],
    status: f.status,
    due: f.due,
    region: f.region,
    team: f.team,
    agent: f.agent,
    label: '--as-of',
  });
  const by = (s: string) => rows.filter((r) => r.status === s).length;
  // the filters named, and only the states asked for counted: "open 0, kept 0" under --status broken read as none open
  const filters = (['status', 'due', 'region', 'team', 'agent'] as const)
    .filter((k) => f[k] !== undefined)
    .map((k) => `--${k} ${[f[k]].flat().join(',')}`);
  console.error(
    `promises ${f['as-of']} (grace ${f['grace-days']} days${filters.length ? `; ${filters.join(' ')}` : ''}): ${rows.length} — ${(f.status ?? promiseStatuses).map((s) => `${s} ${by(s)}`).join(', ')}`,
  );
  if (f.format === 'json') await writeJson(out, rows);
  else if (f.format === 'csv') for (const chunk of promisesCsvChunks(rows)) await out.write(chunk);
  else
    printTable<PromiseRow>(out, rows, [
      { header: 'loan', value: (r) => r.loan_id },
      { header: 'action', value: (r) => r.action_id },
      { header: 'team', value: (r) => r.team },
      { header: 'agent', value: (r) => r.agent_id },
      { header: 'channel', value: (r) => r.channel },
      { header: 'made', value: (r) => r.action_date },
      { header: 'promised', value: (r) => r.promised_date },
      { header: 'deadline', value: (r) => r.deadline },
      { header: 'amount', value: (r) => r.promised_amount, format: 'money' },
      { header: 'paid', value: (r) => r.paid_amount, format: 'money' },
      { header: 'status', value: (r) => r.status },
      { header: 'days late', value: (r) => r.days_late, format: 'int' },
    ]);
  return rows;
}
