import { z } from 'zod';
import { UserError } from '../../lib/user-error.ts';

/**
 * Agency placement rules and terms (docs/collections.md, "Agency placement and recall"): which late
 * loans go to an external agency, for how long, which agency (rotation), when they come back, and
 * what each agency charges. Lives below the metrics (not in pipelines/) because the
 * `agency_performance` catalogue metric reads the placement period and the commission rates, and
 * warehouse/ may not import pipelines/ (the layer rule).
 */
const agencyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/u, 'an agency id: letters, digits, _ and -, at most 32');
const rate = z.number().min(0).max(1);

export const agencyTermsSchema = z
  .object({
    /** DPD on the as-of date, both ends inclusive */
    dpd_min: z.number().int().min(1).max(100_000).default(91),
    dpd_max: z.number().int().min(1).max(100_000).default(720),
    /** principal balance on the as-of date, both ends inclusive */
    balance_min: z.number().min(0).max(1e12).default(1000),
    balance_max: z.number().min(0).max(1e12).default(1_000_000),
    /** only these products (empty: every product) */
    products: z.array(z.string().min(1).max(64)).max(200).default([]),
    /** a loan is placed again only while its earlier placements number at most this (default 1: two agencies at most) */
    max_previous_placements: z.number().int().min(0).max(100).default(1),
    /** days a placement lasts; recalled on expiry (placed date + this many days) */
    placement_days: z.number().int().min(1).max(3650).default(90),
    /** a loan with an open promise to pay on the day stays in house (its collector won it; the case list does not escalate past it) */
    skip_open_promise: z.boolean().default(true),
    recall_on_cure: z.boolean().default(true),
    recall_on_do_not_contact: z.boolean().default(true),
    /** agencies in rotation order, with the share of cash collected each keeps */
    agencies: z
      .array(z.object({ id: agencyId, commission_rate: rate }).strict())
      .min(1)
      .max(100)
      .default([
        { id: 'AG01', commission_rate: 0.18 },
        { id: 'AG02', commission_rate: 0.2 },
        { id: 'AG03', commission_rate: 0.22 },
        { id: 'AG04', commission_rate: 0.25 },
      ]),
    /** commission of an agency in the history that the list does not name */
    default_commission_rate: rate.default(0.2),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.dpd_min > t.dpd_max)
      ctx.addIssue({
        code: 'custom',
        path: ['dpd_min'],
        message: `dpd_min (${t.dpd_min}) is above dpd_max (${t.dpd_max})`,
      });
    if (t.balance_min > t.balance_max)
      ctx.addIssue({
        code: 'custom',
        path: ['balance_min'],
        message: `balance_min (${t.balance_min}) is above balance_max (${t.balance_max})`,
      });
    const seen = new Set<string>();
    t.agencies.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'id'], message: `agency ${a.id} is listed twice` });
      seen.add(a.id);
    });
  });

export type AgencyTerms = z.infer<typeof agencyTermsSchema>;

export class AgencyTermsError extends UserError {}

export function parseAgencyTerms(raw: unknown): AgencyTerms {
  const r = agencyTermsSchema.safeParse(raw);
  if (!r.success)
    throw new AgencyTermsError(r.error.issues.map((i) => `${i.path.join('.') || 'rules'}: ${i.message}`).join('; '), {
      cause: r.error,
    });
  return r.data;
}

export const defaultAgencyTerms: AgencyTerms = parseAgencyTerms({});

/**
 * Balance bands of the in-house comparison (upper edges; the last band is open): a placed loan is
 * compared with loans not placed of the same product, DPD bucket and balance band at the same month-end.
 */
export const comparisonBalanceEdges = [10_000, 50_000, 200_000] as const;
