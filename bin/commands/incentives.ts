import { UserError } from '../../lib/user-error.ts';
import { z } from 'zod';
import { inputPath, isoMonth, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, type Output, type TableColumn } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertNotAfterData, assertNotBeforeData } from '../../warehouse/data-horizon.ts';
import { monthEndOf } from '../../lib/dates.ts';
import { assertKnownAgents } from '../../warehouse/metrics/known-values.ts';
import { issueIncentives } from '../../pipelines/collections/incentives/issue.ts';
import {
  agentAwardCsvColumns,
  agentAwardMoneyColumns,
  evidenceMoneyColumns,
  evidenceCsvColumns,
  readIssuedIncentives,
  type IssuedAgentAward,
  type IssuedIncentives,
  type IssuedTeamAward,
} from '../../pipelines/collections/incentives/read.ts';
import { defaultIncentiveScheme, parseIncentiveScheme } from '../../pipelines/collections/incentives/scheme.ts';
import type { StoredEvidence } from '../../pipelines/collections/incentives/store.ts';
import { contactRuleBreachSource } from '../../pipelines/collections/incentives/contact-rule-breaches.ts';
import { assertListedLoansKnown, loadContactRules } from '../../pipelines/collections/contact-rules-config.ts';

const incentivesFlags = {
  month: flag(isoMonth, 'the month whose awards are computed', 'YYYY-MM'),
  scheme: flag(
    inputPath.optional(),
    'the incentive scheme (JSON; default: pipelines/collections/default-incentive-scheme.json, docs/collections.md)',
    'FILE',
  ),
  'contact-rules': flag(
    inputPath.optional(),
    'the contact rules whose breaches are deducted (JSON; default: docs/collections.md)',
    'FILE',
  ),
  agent: flag(z.string().min(1).optional(), "only this agent's award (and evidence)", 'A'),
  evidence: flag(z.boolean().default(false), 'the evidence lines (payments, cures, breaches) instead of the awards'),
  list: flag(z.boolean().default(false), 'only show the month as issued before, compute nothing'),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'output', 'table|csv|json'),
};
export type IncentivesFlags = FlagValues<typeof incentivesFlags>;

export const incentivesCommand = defineCommand({
  name: 'incentives',
  summary: "collectors' monthly incentive awards (清收奖励) with their evidence: compute, store and show a month",
  description:
    "Commission on amounts recovered by stage and bucket, a bonus per cured loan, a multiplier by kept-promise rate, a monthly cap and deductions per contact-rule breach, per agent and team; each payment credited to one contact (the last within N days before it). The month is stored (replacing an earlier issue) and shown from the store, as the API and the management pack show it. Scheme and attribution rule: docs/collections.md. A month wholly before the data's first day or after the month it ends in is refused (exit 2).",
  flags: incentivesFlags,
  examples: [
    'loanwatch incentives --month 2024-06',
    'loanwatch incentives --month 2024-06 --scheme my-scheme.json --format csv > awards-2024-06.csv',
    'loanwatch incentives --month 2024-06 --list --agent east-mid-03 --evidence',
  ],
  warehouse: true,
  check: (f) =>
    f.list && (f.scheme ?? f['contact-rules'])
      ? '--scheme and --contact-rules compute a month; --list only shows it: give one of them'
      : undefined,
  run: ({ wh, config, out }, f) => runIncentives(wh, config, out, f),
});

const agentColumns: TableColumn<IssuedAgentAward>[] = [
  { header: 'team', value: (r) => r.team },
  { header: 'agent', value: (r) => r.agent },
  { header: 'payments', value: (r) => r.payments, format: 'int' },
  { header: 'recovered', value: (r) => r.recovered, format: 'money' },
  { header: 'commission', value: (r) => r.commission, format: 'money' },
  { header: 'cures', value: (r) => r.cures, format: 'int' },
  { header: 'cure bonus', value: (r) => r.cure_bonus, format: 'money' },
  { header: 'kept', value: (r) => (r.promises > 0 ? `${r.kept_promises}/${r.promises}` : '') },
  { header: 'multiplier', value: (r) => r.multiplier, format: 'num' },
  { header: 'mult. effect', value: (r) => r.multiplier_effect, format: 'money' },
  { header: 'cap', value: (r) => r.cap_reduction, format: 'money' },
  { header: 'breaches', value: (r) => r.breaches, format: 'int' },
  // the floor its own column, as in the CSV: netted into the deductions, they read smaller than charged
  { header: 'deductions', value: (r) => r.deductions, format: 'money' },
  { header: 'floor', value: (r) => r.floor, format: 'money' },
  { header: 'award', value: (r) => r.award, format: 'money' },
];

const teamColumns: TableColumn<IssuedTeamAward>[] = [
  { header: 'team', value: (r) => r.team },
  { header: 'agents', value: (r) => r.agents, format: 'int' },
  { header: 'capped', value: (r) => r.agents_capped, format: 'int' },
  { header: 'recovered', value: (r) => r.recovered, format: 'money' },
  { header: 'commission', value: (r) => r.commission, format: 'money' },
  { header: 'cure bonus', value: (r) => r.cure_bonus, format: 'money' },
  { header: 'mult. effect', value: (r) => r.multiplier_effect, format: 'money' },
  { header: 'cap', value: (r) => r.cap_reduction, format: 'money' },
  { header: 'deductions', value: (r) => r.deductions, format: 'money' },
  { header: 'floor', value: (r) => r.floor, format: 'money' },
  { header: 'award', value: (r) => r.award, format: 'money' },
];

const evidenceColumns: TableColumn<StoredEvidence>[] = [
  { header: 'agent', value: (r) => r.agent_id || '(none)' },
  { header: 'kind', value: (r) => r.kind },
  { header: 'loan', value: (r) => r.loan_id },
  { header: 'ref', value: (r) => r.ref_id },
  { header: 'action', value: (r) => r.action_id },
  { header: 'date', value: (r) => r.date },
  { header: 'stage', value: (r) => r.stage },
  { header: 'bucket', value: (r) => r.bucket },
  { header: 'base', value: (r) => r.base, format: 'money' },
  { header: 'rate', value: (r) => r.rate, format: 'num' },
  { header: 'value', value: (r) => r.value, format: 'money' },
  { header: 'note', value: (r) => r.note },
];

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export async function runIncentives(wh: Warehouse, config: Config, out: Output, f: IncentivesFlags) {
  if (f.agent) await assertKnownAgents(wh, [f.agent]);
  // a month wholly outside the data: the shared refusal, not "no agent acted" (which reads as a quiet month)
  await Promise.all([
    assertNotBeforeData(wh, monthEndOf(`${f.month}-01`), '--month', f.month),
    assertNotAfterData(wh, `${f.month}-01`, '--month', f.month),
  ]);
  if (!f.list) {
    const scheme = f.scheme
      ? readConfigFile(f.scheme, 'incentive scheme', parseIncentiveScheme)
      : defaultIncentiveScheme;
    const contactRules = loadContactRules(f['contact-rules']);
    if (f['contact-rules']) await assertListedLoansKnown(wh, contactRules, `contact rules ${f['contact-rules']}`);
    const issued = await issueIncentives(wh, {
      month: f.month,
      scheme,
      settings: delinquencySettings(config),
      breaches: contactRuleBreachSource(wh, contactRules),
    });
    // a month without collection work (before the book's actions, or a scheme that awards no one) has
    // nothing to issue: said once, not "0 agents — stored" and then "no incentive awards issued"
    if (issued.agents.length === 0)
      throw new UserError(
        `incentives ${f.month}: no agent acted or was credited a payment in ${f.month}: nothing to award, nothing issued`,
      );
    console.error(
      `incentives ${f.month}: ${issued.agents.length} agents, ${issued.evidence.length} evidence lines, ${issued.unattributed.length} payments unattributed — stored`,
    );
  }
  const agents = f.agent ? [f.agent] : undefined;
  const r = await readIssuedIncentives(wh, { month: f.month, agents, evidence: f.evidence });
  console.error(`attribution: ${r.attribution_rule}`);
  if (f.format === 'json') {
    await out.write(`${JSON.stringify(r, null, 2)}\n`);
    return r;
  }
  if (f.evidence) {
    const lines = r.evidence ?? [];
    if (f.format === 'csv')
      await writeCsv<StoredEvidence>(out, evidenceCsvColumns, lines, { money: evidenceMoneyColumns });
    else printTable(out, lines, evidenceColumns, { limit: 200 });
    return r;
  }
  if (f.format === 'csv') {
    await writeCsv<IssuedAgentAward>(out, agentAwardCsvColumns, r.agents, { money: agentAwardMoneyColumns });
    return r;
  }
  printAwardTables(out, r, agents !== undefined);
  return r;
}

/** The agents' and teams' tables, the total and the unattributed cash: the table output of an issued month. */
export function printAwardTables(out: Output, r: IssuedIncentives, scoped: boolean) {
  printTable(out, r.agents, agentColumns, { limit: 500 });
  if (r.teams.length > 0) {
    out.line('');
    printTable(out, r.teams, teamColumns, { limit: 500 });
  }
  const total = r.teams.reduce((s, t) => s + t.award, 0);
  if (!scoped) out.line(`total award ${money(total)} to ${r.agents.length} agents in ${r.teams.length} teams`);
  for (const u of r.unattributed ?? [])
    out.line(`unattributed (${u.reason}): ${u.payments} payments, ${money(u.amount)}`);
}
