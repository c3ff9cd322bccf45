import { z } from 'zod';
import { bucketLabels, defaultBucketBounds } from '../../../warehouse/classification.ts';
import defaultSchemeJson from '../default-incentive-scheme.json' with { type: 'json' };
import { ruleIds } from '../contact-rules.ts';

/** The stages a recovered amount is paid by (SPEC §7 by DPD at the payment: early 1–30, mid 31–90, late > 90). */
export const incentiveStages = ['early', 'mid', 'late'] as const;
export type IncentiveStage = (typeof incentiveStages)[number];

/** M1 … M7+ (the default bounds) and WO: cash after a charge-off is recovery of the late stage. */
export const incentiveBuckets = [...bucketLabels(defaultBucketBounds).filter((b) => b !== 'C' && b !== 'PO')] as [
  string,
  ...string[],
];

const share = z.number().min(0).max(1);
const money = z.number().min(0).max(1e9);
const bucketKey = z.enum(incentiveBuckets);

const band = z.object({ from: share, multiplier: z.number().min(0).max(10) }).strict();

// a file gives only what it changes (as the other collections files): the default file fills the rest
const d = defaultSchemeJson;

/**
 * The incentive scheme (清收奖励机制), one JSON file (default: pipelines/collections/default-incentive-scheme.json,
 * documented in docs/collections.md). Money in the loans' currency per agent and month. Every field
 * has the default file's value; a record or list given replaces the default's whole.
 */
export const incentiveSchemeSchema = z
  .object({
    /** a payment is credited to the last contact within this many days before it (day N in, N+1 out) */
    attribution_days: z.number().int().min(0).max(365).default(d.attribution_days),
    commission: z
      .object({
        /** share of the amount recovered, by the loan's stage at the payment */
        by_stage: z
          .object({
            early: share.default(d.commission.by_stage.early),
            mid: share.default(d.commission.by_stage.mid),
            late: share.default(d.commission.by_stage.late),
          })
          .strict()
          .default(d.commission.by_stage),
        /** a bucket's own share, over its stage's */
        by_bucket: z.partialRecord(bucketKey, share).default(d.commission.by_bucket),
      })
      .strict()
      .default(d.commission),
    cure_bonus: z
      .object({
        /** per loan current or paid off (C, PO) at the month-end after being delinquent at the one before */
        per_cure: money.default(d.cure_bonus.per_cure),
        /** by the bucket it cured from, over per_cure */
        by_bucket: z.partialRecord(bucketKey, money).default(d.cure_bonus.by_bucket),
      })
      .strict()
      .default(d.cure_bonus),
    multiplier: z
      .object({
        /** a promise is kept when paid in full by its promised date + this many days (SPEC §5: 3) */
        promise_grace_days: z.number().int().min(0).max(60).default(d.multiplier.promise_grace_days),
        /** fewer promises falling due in the month than this: multiplier 1 (too few to judge) */
        min_promises: z.number().int().min(0).max(10_000).default(d.multiplier.min_promises),
        /** kept-promise rate ≥ from → multiplier; ascending, the first from 0 */
        bands: z.array(band).min(1).max(20).default(d.multiplier.bands),
      })
      .strict()
      .superRefine((m, ctx) => {
        if (m.bands[0] && m.bands[0].from !== 0)
          ctx.addIssue({ code: 'custom', path: ['bands', 0, 'from'], message: 'the first band starts at 0' });
        m.bands.forEach((b, i) => {
          const prev = m.bands[i - 1];
          if (prev && b.from <= prev.from)
            ctx.addIssue({
              code: 'custom',
              path: ['bands', i, 'from'],
              message: `bands ascend: ${b.from} is not above ${prev.from}`,
            });
        });
      })
      .default(d.multiplier),
    /** the most an agent earns in a month before deductions */
    cap_per_agent_month: money.default(d.cap_per_agent_month),
    deductions: z
      .object({
        /** per contact-rule breach recorded against the agent in the month */
        per_breach: money.default(d.deductions.per_breach),
        /** a rule's own amount, over per_breach */
        by_rule: z
          .record(z.string().min(1).max(64), money)
          .superRefine((byRule, ctx) => {
            // a misspelt rule would silently fall back to per_breach: paid money, so refused
            for (const rule of Object.keys(byRule))
              if (!(ruleIds as readonly string[]).includes(rule))
                ctx.addIssue({ code: 'custom', path: [rule], message: `unknown rule (known: ${ruleIds.join(', ')})` });
          })
          .default(d.deductions.by_rule),
      })
      .strict()
      .default(d.deductions),
  })
  .strict();

export type IncentiveScheme = z.output<typeof incentiveSchemeSchema>;

/** A scheme that cannot be used: one line naming the field (the CLI adds the file's name). */
export class IncentiveSchemeError extends Error {}

export function parseIncentiveScheme(raw: unknown): IncentiveScheme {
  const r = incentiveSchemeSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
    // an unknown key is named as the field it would be, not as the object holding it
    const [path, message] =
      first.code === 'unrecognized_keys'
        ? [[...first.path, first.keys[0]!], 'unknown field']
        : [first.path, first.message];
    throw new IncentiveSchemeError(`invalid incentive scheme: ${path.join('.') || 'scheme'}: ${message}${more}`);
  }
  return r.data;
}

export const defaultIncentiveScheme: IncentiveScheme = parseIncentiveScheme(defaultSchemeJson);

/** The stage of a DPD before the payment: early 1–30, mid 31–90, late > 90 (SPEC §7); undefined when current. */
export function stageOfDpd(dpd: number, chargedOff: boolean): IncentiveStage | undefined {
  if (chargedOff) return 'late';
  if (dpd <= 0) return undefined;
  return dpd <= 30 ? 'early' : dpd <= 90 ? 'mid' : 'late';
}

/** The bucket of a DPD on the default bounds (M1 1–30 … M7+ > 180), WO after a charge-off, C when current. */
export function bucketOfDpd(dpd: number, chargedOff: boolean): string {
  if (chargedOff) return 'WO';
  if (dpd <= 0) return 'C';
  const i = defaultBucketBounds.findIndex((b) => dpd <= b);
  return i < 0 ? `M${defaultBucketBounds.length + 1}+` : `M${i + 1}`;
}

export const commissionRate = (s: IncentiveScheme, stage: IncentiveStage, bucket: string) =>
  s.commission.by_bucket[bucket] ?? s.commission.by_stage[stage];

export const cureBonusOf = (s: IncentiveScheme, fromBucket: string) =>
  s.cure_bonus.by_bucket[fromBucket] ?? s.cure_bonus.per_cure;

export const deductionOf = (s: IncentiveScheme, rule: string) =>
  Object.hasOwn(s.deductions.by_rule, rule) ? s.deductions.by_rule[rule]! : s.deductions.per_breach;

/** The band holding a kept-promise rate: the last whose `from` ≤ rate. */
export function multiplierOf(s: IncentiveScheme, rate: number | null, promises: number): number {
  if (rate === null || promises < s.multiplier.min_promises) return 1;
  let m = 1;
  for (const b of s.multiplier.bands) if (rate >= b.from) m = b.multiplier;
  return m;
}
