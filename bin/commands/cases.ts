import { z } from 'zod';
import { enumList, inputPath, isoDate, list, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeJson, type Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { assertRuleProductsLoaded } from '../../pipelines/accrual/rule-products.ts';
import { buildCaseList, casesCsvChunks, type Case } from '../../pipelines/cases/case-list.ts';
import { defaultStrategyTable, parseStrategyTable, stages } from '../../pipelines/cases/strategy.ts';
import { assignExperiment, parseExperiment, storeAssignments } from '../../pipelines/cases/experiment.ts';
import { contactDecider, loadLoanContacts } from '../../pipelines/cases/contact-filter.ts';
import { handledLater } from '../../lib/handled-later.ts';
import { assignCases, parseAgents } from '../../pipelines/cases/assignment.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';
import {
  assertListedLoansKnown,
  defaultContactRules,
  parseContactRules,
} from '../../pipelines/collections/contact-rules-config.ts';
import { auditCasesPull } from './cases-audit.ts';

const casesFlags = {
  'as-of': flag(isoDate, 'the day of the list', 'YYYY-MM-DD'),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  team: flag(list.optional(), 'only these teams', 'a,b'),
  product: flag(list.optional(), 'only these products', 'a,b'),
  stage: flag(enumList(stages).optional(), 'only these stages', stages.join(',')),
  strategy: flag(inputPath.optional(), 'strategy table (JSON; default: docs/collections.md)', 'FILE'),
  'contact-rules': flag(
    inputPath.optional(),
    'contact rules the action passes through (JSON; default: docs/collections.md)',
    'FILE',
  ),
  experiment: flag(inputPath.optional(), 'strategy experiment: an arm per case, stored', 'FILE'),
  agents: flag(inputPath.optional(), 'assign cases over these agents (JSON)', 'FILE'),
  'assign-by': flag(
    z.enum(['count', 'balance']).default('count'),
    '--agents: balance cases by count or by balance',
    'count|balance',
  ),
  format: flag(
    outputFormat(['table', 'csv', 'json'], 'table'),
    'table (first 50 cases), or every case as csv/json',
    'table|csv|json',
  ),
};
export type CasesFlags = FlagValues<typeof casesFlags>;

export const casesCommand = defineCommand({
  name: 'cases',
  summary: "the collection case list for a day, ranked by expected loss, with each case's action",
  description:
    "Active delinquent (and watch) loans ranked by probability of rolling forward × balance, with the strategy table's action, last contacts and open promises. A day before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS) is refused (exit 2), not answered empty; a promise whose deadline falls after the data's last day is not judged yet (open).",
  flags: casesFlags,
  examples: [
    'loanwatch cases --as-of 2024-06-28 --stage early,mid --region east',
    'loanwatch cases --as-of 2024-06-28 --agents examples/agents.json --assign-by balance --format csv > east-team.csv',
  ],
  warehouse: true,
  check: (f) => (f['assign-by'] !== 'count' && !f.agents ? '--assign-by goes with --agents' : undefined),
  run: ({ wh, config, out }, f) => runCases(wh, config, out, f),
});

type ListedCase = Case & { arm?: string; agent_id?: string };

export async function runCases(wh: Warehouse, config: Config, out: Output, f: CasesFlags) {
  await assertKnownFilterValues(wh, { region: f.region, team: f.team, product: f.product });
  // the amounts to cure collectors quote are folded with these rules: a misspelt product left its loans on the defaults
  const own = config.LOANWATCH_ACCRUAL_RULES;
  if (own) await assertRuleProductsLoaded(wh, own.rules, `LOANWATCH_ACCRUAL_RULES (${own.path})`);
  const strategy = f.strategy ? readConfigFile(f.strategy, 'strategy table', parseStrategyTable) : defaultStrategyTable;
  const contactRules = f['contact-rules']
    ? readConfigFile(f['contact-rules'], 'contact rules', (raw) => parseContactRules(raw, ''))
    : undefined;
  if (contactRules) await assertListedLoansKnown(wh, contactRules, `contact rules ${f['contact-rules']}`);
  const experiment = f.experiment ? readConfigFile(f.experiment, 'experiment', parseExperiment) : null;
  const agents = f.agents ? readConfigFile(f.agents, 'agents', parseAgents) : null;
  const champion = await latestChampionEvent(wh, targetName(defaultTarget));
  // an experiment's arms decide on the same contacts the list reads: read once, handed to both
  const rules = contactRules ?? defaultContactRules;
  const contactsRead = experiment ? handledLater(loadLoanContacts(wh, rules, f['as-of'])) : undefined;
  const ranked = await buildCaseList(wh, {
    asOf: f['as-of'],
    settings: defaultSnapshotSettings(delinquencySettings(config)),
    strategy,
    champion: champion ? { name: champion.model_name, version: champion.version } : null,
    filters: { region: f.region, team: f.team, product: f.product, stage: f.stage },
    contactRules,
    contactsRead,
    label: '--as-of',
  });
  let cases: ListedCase[] = ranked;
  if (experiment) {
    const assigned = assignExperiment(
      experiment,
      ranked,
      strategy,
      contactDecider(rules, f['as-of'], await contactsRead!),
    );
    const scope = (['region', 'team', 'product', 'stage'] as const)
      .filter((k) => f[k]?.length)
      .map((k) => `${k} ${f[k]!.join(',')}`);
    const stored = await storeAssignments(wh, experiment, f['as-of'], assigned, { filtered: scope.length > 0 });
    const arms = experiment.arms.map((a) => `${a.name} ${assigned.filter((c) => c.arm === a.name).length}`);
    // a scope's pull adds to the day's issue: say so, and what the issue now holds, so a shrunk or grown issue is seen
    console.error(
      scope.length
        ? `experiment ${experiment.name}: ${arms.join(', ')} cases of ${scope.join('; ')} stored; the issue of ${f['as-of']} keeps the other scopes' assignments and now holds ${stored} cases`
        : `experiment ${experiment.name}: ${arms.join(', ')} cases stored`,
    );
    cases = assigned;
  }
  if (agents) {
    // distributed over the team's agents in rank order; cases beyond every cap stay on the list without an agent
    const { assigned, unassigned, leftToAgencies } = assignCases(
      cases.map((c) => ({ ...c, case_id: c.loan_id })),
      agents,
      f['assign-by'],
    );
    const agentOf = new Map(assigned.map((a) => [a.loan_id, a.agent_id]));
    cases = cases.map((c) => ({ ...c, agent_id: agentOf.get(c.loan_id) ?? '' }));
    console.error(
      `assigned ${assigned.length} cases over ${agents.length} agents by ${f['assign-by']}; ${leftToAgencies.length} placed with an agency left to the agencies; ${unassigned.length} beyond the caps left unassigned`,
    );
  }
  await auditCasesPull(wh, f, cases.length);
  if (f.format === 'json') await writeJson(out, cases);
  else if (f.format === 'csv') {
    for (const chunk of casesCsvChunks(cases)) await out.write(chunk);
  } else printCases(out, cases);
  return cases;
}

function printCases(out: Output, cases: ListedCase[]) {
  printTable(out, cases, [
    { header: 'rank', value: (c) => c.rank, format: 'int' },
    { header: 'loan', value: (c) => c.loan_id },
    { header: 'region', value: (c) => c.region },
    { header: 'team', value: (c) => c.team },
    { header: 'stage', value: (c) => c.stage },
    { header: 'dpd', value: (c) => c.dpd, format: 'int' },
    { header: 'balance', value: (c) => c.balance, format: 'money' },
    { header: 'P(roll)', value: (c) => c.probability, format: 'pct' },
    { header: 'from', value: (c) => c.probability_source },
    { header: 'expected loss', value: (c) => c.expected_loss, format: 'money' },
    { header: 'to cure', value: (c) => c.amount_to_cure, format: 'money' },
    { header: 'grade', value: (c) => c.grade },
    { header: 'action', value: (c) => c.action },
    { header: 'blocked by', value: (c) => c.action_blocked_by },
    { header: 'next allowed', value: (c) => c.next_allowed_at },
    { header: 'do today', value: (c) => c.allowed_action },
    ...(cases.some((c) => c.arm !== undefined) ? [{ header: 'arm', value: (c: ListedCase) => c.arm }] : []),
    ...(cases.some((c) => c.agent_id !== undefined) ? [{ header: 'agent', value: (c: ListedCase) => c.agent_id }] : []),
  ]);
}
