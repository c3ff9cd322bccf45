import { z } from 'zod';
import { list, isoDate } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { buildCaseList, casesCsv, type Case } from '../../pipelines/cases/case-list.ts';
import { defaultStrategyTable, parseStrategyTable, stages } from '../../pipelines/cases/strategy.ts';
import { assignExperiment, parseExperiment, storeAssignments } from '../../pipelines/cases/experiment.ts';
import { assignCases, parseAgents } from '../../pipelines/cases/assignment.ts';
import { defaultTarget, targetName } from '../../models/features/feature-catalogue.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';


export const casesFlags = z.object({
  'as-of': isoDate,
  region: list.optional(), team: list.optional(), product: list.optional(),
  stage: list.pipe(z.array(z.enum(stages))).optional(),
  strategy: z.string().optional(),
  experiment: z.string().optional(),
  agents: z.string().optional(),
  'assign-by': z.enum(['count', 'balance']).default('count'),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

/**
 * `loanwatch cases --as-of D`: the ranked case list (champion's probability where it applies, else the
 * roll-rate matrix). With `--experiment file.json` each case gets its arm and that arm's action, and
 * the issued list is stored for `loanwatch experiment` to measure later.
 */
export async function casesCommand(wh: Warehouse, config: Config, f: z.infer<typeof casesFlags>) {
  const strategy = f.strategy ? readConfigFile(f.strategy, 'strategy table', parseStrategyTable) : defaultStrategyTable;
  const champion = await latestChampionEvent(wh, targetName(defaultTarget));
  const ranked = await buildCaseList(wh, {
    asOf: f['as-of'], settings: defaultSnapshotSettings(delinquencySettings(config)), strategy,
    champion: champion ? { name: champion.model_name, version: champion.version } : null,
    filters: { region: f.region, team: f.team, product: f.product, stage: f.stage },
  });
  const experiment = f.experiment ? readConfigFile(f.experiment, 'experiment', parseExperiment) : null;
  let cases: (Case & { arm?: string; agent_id?: string })[] = ranked;
  if (experiment) {
    const assigned = assignExperiment(experiment, ranked, strategy);
    await storeAssignments(wh, experiment, f['as-of'], assigned);
    console.error(`experiment ${experiment.name}: ${experiment.arms.map((a) => `${a.name} ${assigned.filter((c) => c.arm === a.name).length}`).join(', ')} cases stored`);
    cases = assigned;
  }
  if (f.agents) {
    // distributed over the team's agents in rank order; cases beyond every cap stay on the list without an agent
    const agents = readConfigFile(f.agents, 'agents', parseAgents);
    const { assigned, unassigned } = assignCases(cases.map((c) => ({ ...c, case_id: c.loan_id })), agents, f['assign-by']);
    const agentOf = new Map(assigned.map((a) => [a.loan_id, a.agent_id]));
    cases = cases.map((c) => ({ ...c, agent_id: agentOf.get(c.loan_id) ?? '' }));
    console.error(`assigned ${assigned.length} cases over ${agents.length} agents by ${f['assign-by']}; ${unassigned.length} beyond the caps left unassigned`);
  }
  if (f.format === 'json') console.log(JSON.stringify(cases, null, 2));
  else if (f.format === 'csv') console.log(casesCsv(cases));
  else console.table(cases.slice(0, 50).map((c) => ({ rank: c.rank, loan: c.loan_id, region: c.region, team: c.team, stage: c.stage, dpd: c.dpd, balance: c.balance.toFixed(2), p: c.probability.toFixed(3), from: c.probability_source, expected_loss: c.expected_loss.toFixed(2), grade: c.grade, action: c.action, ...(c.arm ? { arm: c.arm } : {}), ...(c.agent_id !== undefined ? { agent: c.agent_id } : {}) })));
  return cases;
}
