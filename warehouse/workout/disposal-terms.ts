import { z } from 'zod';
import { UserError } from '../../lib/user-error.ts';

/**
 * The assumptions behind the disposal options of late and defaulted loans (docs/collections.md,
 * "Disposal options"). Each estimate is taken from the book's own history when the book has at
 * least `min_observations` of it, else from the fallback here; the output says which.
 *
 * Lives below the metrics (not in pipelines/) because the `disposal_options` catalogue metric values
 * the book with these defaults, and warehouse/ may not import pipelines/ (the layer rule).
 */
const share = z.number().min(0).max(1);
const months = z.number().min(0).max(240);
const money = z.number().min(0).max(1e12);

/** Debt-sale price as a share of the balance, by DPD band (lower edge inclusive): the fallback price curve. */
const priceBand = z.object({ dpd_from: z.number().int().min(0).max(100_000), price: share }).strict();

export const disposalTermsSchema = z
  .object({
    /** which loans get options: active loans with DPD > min_dpd, and charged-off loans whose workout is still open */
    stage: z
      .object({
        min_dpd: z.number().int().min(0).max(100_000).default(90),
        include_charged_off: z.boolean().default(true),
      })
      .strict()
      .default({ min_dpd: 90, include_charged_off: true }),
    /** annual rate every option's cash is discounted at: factor (1 + rate)^(−months/12) */
    discount_rate: z.number().min(0).max(1).default(0.08),
    /** fewer book observations than this: the fallback is used (and said) */
    min_observations: z.number().int().min(1).max(100_000).default(5),
    collection: z
      .object({
        /** months after default the recovery curve is followed for */
        horizon_months: z.number().int().min(1).max(120).default(36),
        /** collection cost as a share of the cash it brings */
        cost_rate: share.default(0.1),
        /** fallback cumulative recovery rate (share of EAD) at months since default; linear between, flat after */
        fallback_curve: z
          .array(z.object({ months: z.number().int().min(0).max(240), rate: share }).strict())
          .min(1)
          .default([
            { months: 0, rate: 0 },
            { months: 12, rate: 0.12 },
            { months: 24, rate: 0.18 },
            { months: 36, rate: 0.2 },
          ]),
      })
      .strict()
      .default({
        horizon_months: 36,
        cost_rate: 0.1,
        fallback_curve: [
          { months: 0, rate: 0 },
          { months: 12, rate: 0.12 },
          { months: 24, rate: 0.18 },
          { months: 36, rate: 0.2 },
        ],
      }),
    restructure: z
      .object({
        /** plan length: the book's repaid share is measured over this many months after a restructure, and the cash spread evenly over them */
        plan_months: z.number().int().min(1).max(120).default(24),
        /** fallback share of the balance a restructured loan repays within the plan */
        fallback_repaid_share: share.default(0.45),
        /** fixed cost of setting up a plan, per loan */
        cost: money.default(200),
      })
      .strict()
      .default({ plan_months: 24, fallback_repaid_share: 0.45, cost: 200 }),
    collateral: z
      .object({
        /** fallback haircut on the collateral value (1 − proceeds / value) */
        fallback_haircut: share.default(0.35),
        /** sale costs (auction, legal) as a share of the proceeds */
        cost_rate: share.default(0.05),
        /** fallback months from default to the sale */
        fallback_months_to_sale: months.default(12),
        /** a sale takes at least this long from now, however late the loan is */
        min_months_to_sale: months.default(3),
      })
      .strict()
      .default({ fallback_haircut: 0.35, cost_rate: 0.05, fallback_months_to_sale: 12, min_months_to_sale: 3 }),
    debt_sale: z
      .object({
        /** fallback price curve by DPD band; the book's sales replace a band × product (or a band) with enough of them */
        fallback_prices: z
          .array(priceBand)
          .min(1)
          .default([
            { dpd_from: 91, price: 0.15 },
            { dpd_from: 181, price: 0.12 },
            { dpd_from: 361, price: 0.08 },
            { dpd_from: 721, price: 0.04 },
          ]),
        /** months until the price is paid */
        months_to_close: months.default(1),
      })
      .strict()
      .default({
        fallback_prices: [
          { dpd_from: 91, price: 0.15 },
          { dpd_from: 181, price: 0.12 },
          { dpd_from: 361, price: 0.08 },
          { dpd_from: 721, price: 0.04 },
        ],
        months_to_close: 1,
      }),
  })
  .strict()
  .superRefine((t, ctx) => {
    const bands = t.debt_sale.fallback_prices.map((b) => b.dpd_from);
    bands.forEach((b, i) => {
      if (i > 0 && b <= bands[i - 1]!)
        ctx.addIssue({
          code: 'custom',
          path: ['debt_sale', 'fallback_prices', i, 'dpd_from'],
          message: 'DPD bands must be in ascending order',
        });
    });
    const points = t.collection.fallback_curve.map((p) => p.months);
    points.forEach((m, i) => {
      if (i > 0 && m <= points[i - 1]!)
        ctx.addIssue({
          code: 'custom',
          path: ['collection', 'fallback_curve', i, 'months'],
          message: 'curve points must be in ascending months',
        });
    });
  });

export type DisposalTerms = z.infer<typeof disposalTermsSchema>;

/** A bad terms file: one line naming the field. */
export class DisposalTermsError extends UserError {}

export function parseDisposalTerms(raw: unknown): DisposalTerms {
  const r = disposalTermsSchema.safeParse(raw);
  if (!r.success)
    throw new DisposalTermsError(r.error.issues.map((i) => `${i.path.join('.') || 'terms'}: ${i.message}`).join('; '), {
      cause: r.error,
    });
  return r.data;
}

export const defaultDisposalTerms: DisposalTerms = parseDisposalTerms({});
