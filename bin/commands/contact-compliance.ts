import { inputPath, isoDate, list, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, type Output } from '../cli/output.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertNotAfterData, assertNotBeforeData, contactsNotLoaded } from '../../warehouse/data-horizon.ts';
import { assertKnownAgents, assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { contactCompliance, type ContactRuleBreach } from '../../pipelines/collections/contact-compliance.ts';
import {
  assertListedLoansKnown,
  defaultContactRules,
  parseContactRules,
} from '../../pipelines/collections/contact-rules-config.ts';

const complianceFlags = {
  from: flag(isoDate, 'first action date', 'YYYY-MM-DD'),
  to: flag(isoDate, 'last action date', 'YYYY-MM-DD'),
  team: flag(list.optional(), 'only these teams', 'a,b'),
  agent: flag(list.optional(), 'only these agents', 'a,b'),
  rules: flag(inputPath.optional(), 'contact rules (JSON; default: docs/collections.md)', 'FILE'),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (by team and agent, then the first 50 breaches), csv (every breach) or json (both)',
    'table|csv|json',
  ),
};
export type ComplianceFlags = FlagValues<typeof complianceFlags>;

export const contactComplianceCommand = defineCommand({
  name: 'contact-compliance',
  summary: 'recorded collection actions that broke a contact rule, by team and agent, with each breach',
  description:
    "Each recorded action from --from to --to judged on what was recorded before it: hours per channel and weekday, caps per day and week, minimum gap, cooling-off after a refusal or a complaint, do-not-contact, consent. Actions without a time cannot be checked for the hours and gap: counted, not breaches. A period ending before the data's first day, or starting more than 7 days after its last day, is refused (exit 2), not answered with no actions; --from may reach back before the data.",
  flags: complianceFlags,
  examples: [
    'loanwatch contact-compliance --from 2024-06-01 --to 2024-06-30',
    'loanwatch contact-compliance --from 2024-06-01 --to 2024-06-30 --team east-early --format csv > breaches.csv',
  ],
  warehouse: true,
  check: (f) => (f.from > f.to ? `--from ${f.from} is after --to ${f.to}` : undefined),
  run: ({ wh, out }, f) => runContactCompliance(wh, out, f),
});

const breachColumns = ['action_date', 'action_id', 'loan_id', 'team', 'agent_id', 'channel', 'rule', 'detail'] as const;

export async function runContactCompliance(wh: Warehouse, out: Output, f: ComplianceFlags) {
  await assertKnownFilterValues(wh, { team: f.team });
  await assertKnownAgents(wh, f.agent);
  // a period that ends before the data or starts after it holds no action: refused, not "0 actions"
  // (--from alone may reach back before the data: "since the start")
  await Promise.all([
    assertNotBeforeData(wh, f.to, '--to'),
    assertNotAfterData(wh, f.from, '--from', undefined, contactsNotLoaded),
  ]);
  const rules = f.rules
    ? readConfigFile(f.rules, 'contact rules', (raw) => parseContactRules(raw, ''))
    : defaultContactRules;
  if (f.rules) await assertListedLoansKnown(wh, rules, `contact rules ${f.rules}`);
  const r = await contactCompliance(wh, { from: f.from, to: f.to, scope: { team: f.team, agent: f.agent }, rules });
  const untimed = r.byAgent.reduce((s, a) => s + a.without_time, 0);
  console.error(
    `contact compliance ${f.from} to ${f.to}: ${r.byAgent.reduce((s, a) => s + a.actions, 0)} actions, ${r.breaches.length} breaches` +
      (untimed ? `; ${untimed} action${untimed === 1 ? '' : 's'} without a time (hours and gap not checked)` : ''),
  );
  if (f.format === 'json') out.line(JSON.stringify({ by_agent: r.byAgent, breaches: r.breaches }, null, 2));
  else if (f.format === 'csv') await writeCsv<ContactRuleBreach>(out, breachColumns, r.breaches);
  else {
    printTable(out, r.byAgent, [
      { header: 'team', value: (a) => a.team },
      { header: 'agent', value: (a) => a.agent_id },
      { header: 'actions', value: (a) => a.actions, format: 'int' },
      { header: 'in breach', value: (a) => a.actions_in_breach, format: 'int' },
      { header: 'breaches', value: (a) => a.breaches, format: 'int' },
      { header: 'share', value: (a) => (a.actions ? a.actions_in_breach / a.actions : null), format: 'pct' },
      { header: 'no time', value: (a) => a.without_time, format: 'int' },
    ]);
    if (r.breaches.length)
      printTable<ContactRuleBreach>(
        out,
        r.breaches,
        breachColumns.map((k) => ({ header: k === 'action_date' ? 'date' : k, value: (b: ContactRuleBreach) => b[k] })),
      );
  }
  return r;
}
