import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  agentAwardCsvColumns,
  agentAwardMoneyColumns,
  evidenceCsvColumns,
  evidenceMoneyColumns,
  NotIssuedError,
  readIssuedIncentives,
  type IssuedAgentAward,
} from '../../pipelines/collections/incentives/read.ts';
import type { StoredEvidence } from '../../pipelines/collections/incentives/store.ts';
import { isoMonth } from '../../lib/date-schemas.ts';
import { csvTable } from '../../warehouse/csv-cell.ts';
import { assertKnownAgents } from '../../warehouse/metrics/known-values.ts';
import type { AppEnv } from '../context.ts';
import { ApiError, AuthError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { errorResponsesNaming, nameSchema } from '../schemas.ts';
import { checkKnownNames } from './request-checks.ts';
import { wantsCsv } from '../wants-csv.ts';

const agentId = nameSchema();

const money = z.number().openapi({ description: 'in the loans’ currency' });
const parts = {
  team: z.string(),
  payments: z.number().int(),
  recovered: money,
  commission: money,
  cures: z.number().int(),
  cure_bonus: money,
  promises: z.number().int(),
  kept_promises: z.number().int(),
  kept_rate: z.number().nullable(),
  multiplier: z.number(),
  multiplier_effect: money,
  cap_reduction: money.openapi({ description: 'the cut to the monthly cap (≤ 0)' }),
  breaches: z.number().int(),
  deductions: money.openapi({ description: 'per contact-rule breach (≤ 0)' }),
  floor: money.openapi({ description: 'deductions beyond the capped award, added back: an award is never negative' }),
  award: money,
};
const agentAwardSchema = z.object({ agent: z.string(), ...parts }).openapi('IncentiveAgentAward');
const teamAwardSchema = z
  .object({ ...parts, agents: z.number().int(), agents_capped: z.number().int() })
  .openapi('IncentiveTeamAward');
const evidenceSchema = z
  .object({
    month_end: z.string(),
    agent_id: z.string().describe("'' for unattributed cash"),
    team: z.string(),
    kind: z.enum(['commission', 'cure_bonus', 'multiplier', 'cap', 'deduction', 'floor', 'unattributed']),
    loan_id: z.string(),
    ref_id: z.string().describe('payment or event id, month-end of a cure, breach id'),
    action_id: z.string().describe('the contact credited, or the breaching action'),
    date: z.string(),
    stage: z.string(),
    bucket: z.string(),
    base: z.number(),
    rate: z.number(),
    value: z.number().describe("an agent's values add up to the award"),
    note: z.string(),
  })
  .openapi('IncentiveEvidence');
const incentivesSchema = z
  .object({
    month: z.string(),
    month_end: z.string(),
    attribution_days: z.number().int(),
    attribution_rule: z.string(),
    scheme_sha256: z.string(),
    issued_at: z.string(),
    agents: z.array(agentAwardSchema),
    teams: z.array(teamAwardSchema).describe("empty for a collector: a team's total holds other agents' awards"),
    unattributed: z
      .array(z.object({ reason: z.string(), payments: z.number().int(), amount: z.number() }))
      .optional()
      .describe('cash no agent earned, by reason (admin only)'),
    evidence: z.array(evidenceSchema).optional(),
  })
  .openapi('Incentives');

export const incentiveRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('incentives:read')] as const,
    method: 'get',
    path: '/v1/incentives',
    summary:
      "Collectors' incentive awards of a month as issued by `loanwatch incentives`, with evidence (JSON, or CSV with Accept: text/csv); a collector sees only his own agent's",
    request: {
      query: z
        .object({
          month: isoMonth,
          agent: agentId.optional().openapi({
            description:
              "only this agent: one who recorded a collection action, else 400 (a collector is pinned to his key's agent). Left out: every agent.",
          }),
          evidence: z.enum(['true', 'false']).default('false').openapi({
            description:
              'true: the evidence lines too (CSV: the evidence lines instead of the awards); false (default): the awards alone',
          }),
        })
        .strict(),
    },
    responses: {
      200: {
        description:
          'awards by agent and team, the attribution rule, and (evidence=true) the lines each award adds up from',
        content: {
          'application/json': { schema: incentivesSchema },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponsesNaming('agent', 401, 403, 404, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const key = c.get('key');
    // a collector key names the agent it is (keys create --agent); without one it has no award to see
    const pinned = key.role === 'collector' ? [key.agent_id ?? ''] : undefined;
    const evidence = q.evidence === 'true';
    // an agent asked for by name (not a collector's own) must exist, as for the CLI
    const asked = q.agent;
    if (!pinned && asked) await checkKnownNames('agent', () => assertKnownAgents(c.get('deps').wh, [asked]));
    const read = async (agents: string[] | undefined, withEvidence = evidence) => {
      try {
        return await readIssuedIncentives(c.get('deps').wh, { month: q.month, agents, evidence: withEvidence });
      } catch (e) {
        if (e instanceof NotIssuedError)
          throw new ApiError('not_found', `${e.message}: ${e.hint ?? ''}`.trim(), undefined, { cause: e });
        throw e;
      }
    };
    if (pinned?.[0] === '') {
      // whether a month is issued is no secret: its 404 first, then the refusal
      await read([], false);
      throw new AuthError('forbidden', 'this collector key names no agent: create it with an agent id to see awards', {
        reason: 'collector key without agent',
      });
    }
    const r = await read(pinned ?? (q.agent ? [q.agent] : undefined));
    if (wantsCsv(c)) {
      const csv = evidence
        ? csvTable<StoredEvidence>(evidenceCsvColumns, r.evidence ?? [], { money: evidenceMoneyColumns })
        : csvTable<IssuedAgentAward>(agentAwardCsvColumns, r.agents, { money: agentAwardMoneyColumns });
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    }
    return c.json(r, 200);
  },
);
