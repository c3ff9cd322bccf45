import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { defaultAgencyTerms } from '../../warehouse/workout/agency-terms.ts';
import { assertKnownLoans } from '../../warehouse/metrics/known-values.ts';
import { placementStates } from '../../pipelines/collections/agency/placement-state.ts';
import { proposePlacements } from '../../pipelines/collections/agency/rules.ts';
import { ofTeams } from '../auth/loan-teams.ts';
import { heavy } from '../admission.ts';
import type { AppEnv } from '../context.ts';
import { permitted, scopedFilters } from '../middleware.ts';
import { csvList, errorResponsesNaming, isoDay, nameSchema } from '../schemas.ts';
import { checkKnownFilters, checkKnownNames, userErrorsAsBadRequest } from './request-checks.ts';

const name = nameSchema();
const proposalSchema = z
  .object({
    loan_id: z.string(),
    action: z.enum(['place', 'recall']),
    agency: z.string(),
    reason: z.enum(['rules', 'do_not_contact', 'cure', 'expiry']),
    product: z.string(),
    region: z.string(),
    dpd: z.number(),
    balance: z.number(),
    placed_date: z.string(),
    expires: z.string().openapi({ description: "the placement period's last day" }),
    previous_placements: z.number(),
  })
  .openapi('PlacementProposal');
const historySchema = z
  .object({
    loan_id: z.string(),
    region: z.string(),
    status_now: z.string(),
    dpd_now: z.number().nullable().openapi({ description: 'null once the loan is closed (paid off or charged off)' }),
    placements: z.array(
      z.object({
        agency: z.string(),
        placed_date: z.string(),
        placed_amount: z.number(),
        recalled_date: z.string().nullable(),
      }),
    ),
  })
  .openapi('PlacementHistory');

/**
 * Agency placements (issue 22 item 4) under the default rules (docs/collections.md): the recalls and
 * new placements proposed for a day, and each loan's placement history. Scoped as the case list is
 * (scopedFilters): a collector sees his region's loans, and when his key names a team only the loans
 * whose team on the date (the team of their latest action on or before it) is his; a collector
 * without a team (the region's head) sees the region, other roles the book unless they filter.
 * Agency performance is the agency_performance metric's route.
 */
export const placementRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('placements:read')] as const,
    method: 'get',
    path: '/v1/placements',
    summary:
      'Agency recalls (do-not-contact hold, cure, expiry) and new placements (DPD and balance ranges, products, previous placements; agencies in rotation) proposed for a day, with each loan’s placement history',
    request: {
      query: z
        .object({
          as_of: isoDay,
          region: csvList(name).optional(),
          team: csvList(name).optional().openapi({
            description:
              'only loans whose team on as_of is one of these, comma-separated (a collector with a team is pinned to his); a team the book does not hold is refused (400). Left out: all.',
          }),
          loan_id: csvList(name).optional().openapi({
            description:
              "only these loans, comma-separated (a collector's: of his region); a loan the book does not hold is refused (400). Left out: all.",
          }),
        })
        .strict(),
    },
    responses: {
      200: {
        description: 'proposals (recalls first) and the placement history of every loan ever placed',
        content: {
          'application/json': {
            schema: z.object({ proposals: z.array(proposalSchema), history: z.array(historySchema) }),
          },
        },
      },
      ...errorResponsesNaming('loan, region or team', 401, 403, 429),
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const key = c.get('key');
    const { region, team } = scopedFilters(key, q);
    const { wh, snapshotSettings } = c.get('deps');
    await checkKnownFilters(wh, {
      region: region === q.region ? q.region : undefined,
      team: team === q.team ? q.team : undefined,
    });
    // a loan id that names no loan is refused as the CLI refuses it; a collector knows his region's loans only
    await checkKnownNames('loan_id', () =>
      assertKnownLoans(wh, q.loan_id, { region: key.role === 'collector' ? key.region : undefined }),
    );
    // rotation balances the agencies over the whole book: proposals are made book-wide, then scoped
    const states = await heavy(() => userErrorsAsBadRequest(() => placementStates(wh, q.as_of, snapshotSettings)));
    const proposals = proposePlacements(states, q.as_of, defaultAgencyTerms);
    const inScope = (r: { region: string; loan_id: string }) =>
      (!region || region.includes(r.region)) && (!q.loan_id || q.loan_id.includes(r.loan_id));
    // the team last, on the rows left (a region's proposals and placed loans: few)
    const [scopedProposals, placed] = await Promise.all([
      ofTeams(wh, proposals.filter(inScope), team, q.as_of),
      ofTeams(
        wh,
        states.filter((s) => s.placements.length > 0 && inScope(s)),
        team,
        q.as_of,
      ),
    ]);
    return c.json(
      {
        proposals: scopedProposals,
        history: placed.map((s) => ({
          loan_id: s.loan_id,
          region: s.region,
          status_now: s.status,
          dpd_now: s.status === 'active' ? s.dpd : null,
          placements: s.placements.map(({ agency, placed_date, placed_amount, recalled_date }) => ({
            agency,
            placed_date,
            placed_amount,
            recalled_date,
          })),
        })),
      },
      200,
    );
  },
);
