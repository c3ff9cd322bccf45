import { querySql, type Warehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { param, sql, trusted } from '../../../warehouse/sql.ts';
import { UserError } from '../../../lib/user-error.ts';
import { awardAmounts } from './award.ts';
import { monthBounds } from './inputs.ts';
import { listIncentiveEvidence, type StoredEvidence } from './store.ts';

/** The attribution rule in words, printed with every output that shows awards. */
export const attributionRule = (days: number) =>
  `a payment (or a cure at the month-end) while the loan is placed with an agency is the agency's; otherwise it is credited to one action only: the loan's last contact (outcome contacted, promise_to_pay or paid) on or up to ${days} days before it; when that contact is an agency's the amount is the agency's, not an agent's; cash after a charge-off is late-stage recovery; cash with no such contact, or a contact without an agent, is unattributed`;

/** An agent's row of an issued month, as the catalogue metric gives it. */
export interface IssuedAgentAward {
  team: string;
  agent: string;
  payments: number;
  recovered: number;
  commission: number;
  cures: number;
  cure_bonus: number;
  promises: number;
  kept_promises: number;
  kept_rate: number | null;
  multiplier: number;
  multiplier_effect: number;
  cap_reduction: number;
  breaches: number;
  deductions: number;
  floor: number;
  award: number;
}
export type IssuedTeamAward = Omit<IssuedAgentAward, 'agent'> & { agents: number; agents_capped: number };

export interface IssuedIncentives {
  month: string;
  month_end: string;
  attribution_days: number;
  attribution_rule: string;
  scheme_sha256: string;
  issued_at: string;
  agents: IssuedAgentAward[];
  teams: IssuedTeamAward[];
  /** cash no agent earned, by reason (agency, no_agent, no_contact); absent when scoped to agents */
  unattributed?: { reason: string; payments: number; amount: number }[];
  evidence?: StoredEvidence[];
}

/** A month that `loanwatch incentives` has not issued: the API's 404, the CLI's exit 2. */
export class NotIssuedError extends UserError {}

const numberOf = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The award's parts as a row of the incentive_awards metric gives them, by agent or by team. */
const awardFigures = (r: Record<string, unknown>): Omit<IssuedAgentAward, 'team' | 'agent'> => ({
  payments: numberOf(r.payments),
  recovered: numberOf(r.recovered),
  commission: numberOf(r.commission),
  cures: numberOf(r.cures),
  cure_bonus: numberOf(r.cure_bonus),
  promises: numberOf(r.promises),
  kept_promises: numberOf(r.kept_promises),
  kept_rate: r.kept_rate === null || r.kept_rate === undefined ? null : Number(r.kept_rate),
  multiplier: numberOf(r.multiplier),
  multiplier_effect: numberOf(r.multiplier_effect),
  cap_reduction: numberOf(r.cap_reduction),
  breaches: numberOf(r.breaches),
  deductions: numberOf(r.deductions),
  floor: numberOf(r.floor),
  award: numberOf(r.award),
});

/**
 * An issued month read back through the catalogue metric `incentive_awards` (by agent, and by team)
 * and the stored evidence: what the CLI prints, the route answers and the pack charts are one set
 * of rows. `agents` narrows everything to those agents (a collector's own award).
 */
export async function readIssuedIncentives(
  wh: Warehouse,
  o: { month: string; agents?: readonly string[]; evidence?: boolean },
): Promise<IssuedIncentives> {
  const { end } = monthBounds(o.month);
  const [info] = await querySql<{ n: string; days: number; sha: string; at: string }>(
    wh,
    sql`SELECT toString(count()) AS n, any(attribution_days) AS days, any(scheme_sha256) AS sha, toString(max(issued_at)) AS at
        FROM ${trusted(tableRef(wh, 'incentive_awards'))} WHERE month_end = ${param(end, 'Date')}`,
  );
  if (!info || info.n === '0')
    throw new NotIssuedError(`no incentive awards issued for ${o.month}`, {
      hint: `run loanwatch incentives --month ${o.month}`,
    });
  const request = { from: end, to: end, as_of: end };
  const byAgent = await runMetric(wh, 'incentive_awards', { ...request, group_by: ['team', 'agent'] });
  const wanted = o.agents ? new Set(o.agents) : null;
  const agents = byAgent.rows
    .filter((r) => !wanted || wanted.has(String(r.agent)))
    .map((r) => ({
      team: String(r.team),
      agent: String(r.agent),
      ...awardFigures(r),
    }))
    .sort((a, b) => (a.team === b.team ? b.award - a.award || (a.agent < b.agent ? -1 : 1) : a.team < b.team ? -1 : 1));
  // a scoped reader sees his own rows only: no team totals (they hold other agents' awards)
  const teams = wanted
    ? []
    : (await runMetric(wh, 'incentive_awards', { ...request, group_by: ['team'] })).rows.map((r) => ({
        team: String(r.team),
        agents: numberOf(r.agents),
        agents_capped: numberOf(r.agents_capped),
        ...awardFigures(r),
      }));
  const result: IssuedIncentives = {
    month: o.month,
    month_end: end,
    attribution_days: info.days,
    attribution_rule: attributionRule(info.days),
    scheme_sha256: info.sha,
    issued_at: info.at,
    agents,
    teams,
  };
  if (!wanted) result.unattributed = await unattributedSummary(wh, end);
  if (o.evidence)
    result.evidence = await listIncentiveEvidence(wh, { monthEnd: end, agents: o.agents, withUnattributed: !wanted });
  return result;
}

const unattributedSummary = (wh: Warehouse, monthEnd: string) =>
  querySql<{ reason: string; payments: number; amount: number }>(
    wh,
    sql`SELECT if(startsWith(note, 'agency'), 'agency', note) AS reason, toUInt32(count()) AS payments, toFloat64(sum(base)) AS amount
        FROM ${trusted(tableRef(wh, 'incentive_evidence'))}
        WHERE month_end = ${param(monthEnd, 'Date')} AND kind = 'unattributed'
        GROUP BY reason ORDER BY reason`,
  );

/** CSV columns of an agent's award (one row per agent; the CLI and the route write the same). */
export const agentAwardCsvColumns = [
  'team',
  'agent',
  'payments',
  'recovered',
  'commission',
  'cures',
  'cure_bonus',
  'promises',
  'kept_promises',
  'kept_rate',
  'multiplier',
  'multiplier_effect',
  'cap_reduction',
  'breaches',
  'deductions',
  'floor',
  'award',
] as const satisfies readonly (keyof IssuedAgentAward)[];

/** CSV columns of an evidence line. */
export const evidenceCsvColumns = [
  'month_end',
  'team',
  'agent_id',
  'kind',
  'loan_id',
  'ref_id',
  'action_id',
  'date',
  'stage',
  'bucket',
  'base',
  'rate',
  'value',
  'note',
] as const satisfies readonly (keyof StoredEvidence)[];

/** the amounts of an award row and of an evidence line, written to the cent in CSV */
export const agentAwardMoneyColumns = awardAmounts satisfies readonly (typeof agentAwardCsvColumns)[number][];
export const evidenceMoneyColumns = ['base', 'value'] as const satisfies readonly (typeof evidenceCsvColumns)[number][];
