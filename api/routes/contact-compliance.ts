import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { contactCompliance } from '../../pipelines/collections/contact-compliance.ts';
import { ruleIds } from '../../pipelines/collections/contact-rules.ts';
import { defaultContactRules } from '../../pipelines/collections/contact-rules-config.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { csvList, errorResponsesNaming, isoDay, nameSchema } from '../schemas.ts';
import { csvChunks } from '../../warehouse/metrics/csv.ts';
import { assertKnownAgents } from '../../warehouse/metrics/known-values.ts';
import { checkKnownFilters, checkKnownNames, userErrorsAsBadRequest } from './request-checks.ts';
import { assertNotAfterData, assertNotBeforeData, contactsNotLoaded } from '../../warehouse/data-horizon.ts';
import { streamOf } from './metric-body.ts';
import { wantsCsv } from '../wants-csv.ts';

const name = nameSchema();

const breachSchema = z
  .object({
    action_id: z.string(),
    loan_id: z.string(),
    agent_id: z.string(),
    team: z.string(),
    channel: z.string(),
    action_date: z.string(),
    rule: z.enum(ruleIds),
    detail: z.string().openapi({ description: 'the evidence: what was recorded before the action, the limit' }),
  })
  .openapi('ContactRuleBreach');
const agentSchema = z
  .object({
    team: z.string(),
    agent_id: z.string(),
    actions: z.number().int(),
    actions_in_breach: z.number().int(),
    breaches: z.number().int(),
    without_time: z
      .number()
      .int()
      .openapi({ description: 'actions recorded without a time: the hour and gap rules not checked' }),
  })
  .openapi('ContactComplianceByAgent');

const breachColumns = ['action_id', 'loan_id', 'agent_id', 'team', 'channel', 'action_date', 'rule', 'detail'] as const;

/** GET /v1/contact-compliance: recorded actions that broke a contact rule (admin, auditor; a collector his own). */
export const contactComplianceRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('compliance:read')] as const,
    method: 'get',
    path: '/v1/contact-compliance',
    summary:
      'Recorded collection actions that broke a contact rule, by team and agent, with each breach and its evidence (JSON, or the breaches as CSV with Accept: text/csv); a collector sees his own',
    request: {
      query: z
        .object({
          from: isoDay,
          to: isoDay,
          team: csvList(name).optional().openapi({
            description:
              'only actions recorded by these teams, comma-separated; a team that never recorded a collection action is refused (400). Left out: all.',
          }),
          agent: csvList(name).optional().openapi({
            description:
              'only actions recorded by these agents, comma-separated; an agent who never recorded a collection action is refused (400). Left out: all.',
          }),
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'the report by team and agent, and the breaches by date',
        content: {
          'application/json': {
            schema: z.object({ by_agent: z.array(agentSchema), breaches: z.array(breachSchema) }),
          },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponsesNaming('team or agent', 401, 403, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    if (q.from > q.to) {
      const message = `from (${q.from}) is after to (${q.to})`;
      throw new ApiError('bad_request', message, { fields: [{ field: 'from', message }] });
    }
    const key = c.get('key');
    // a collector's own actions: those recorded under his agent id (the key's, else the key id the API records by default), in his region
    const own = key.agent_id === undefined || key.agent_id === '' ? key.key_id : key.agent_id;
    const { wh } = c.get('deps');
    const pinned = key.role === 'collector';
    const scope = pinned ? { region: [key.region], agent: [own] } : { team: q.team, agent: q.agent };
    // a team or an agent asked for by name (not a collector's pinned own) must exist, as for the CLI
    if (!pinned) {
      await checkKnownFilters(wh, { team: q.team });
      await checkKnownNames('agent', () => assertKnownAgents(wh, q.agent));
    }
    // a period that ends before the data or starts after it holds no action: refused as the CLI refuses
    // it, not "0 actions" (from alone may reach back before the data: "since the start")
    await userErrorsAsBadRequest(() =>
      Promise.all([
        assertNotBeforeData(wh, q.to, 'to'),
        assertNotAfterData(wh, q.from, 'from', undefined, contactsNotLoaded),
      ]),
    );
    const r = await contactCompliance(wh, { from: q.from, to: q.to, scope, rules: defaultContactRules });
    if (wantsCsv(c))
      return c.body(streamOf(csvChunks(breachColumns, r.breaches.values())), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
      });
    return c.json({ by_agent: r.byAgent, breaches: r.breaches }, 200);
  },
);
