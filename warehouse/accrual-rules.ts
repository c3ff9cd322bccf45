import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../lib/user-error.ts';
import { jsonText } from '../lib/user-json.ts';

/*
 * The accrual rules file (docs/accrual.md): its types, schema and reader. It sits here, below the
 * accrual that applies it (pipelines/accrual), because warehouse/config.ts reads and checks
 * LOANWATCH_ACCRUAL_RULES with it at start-up.
 */

/**
 * What a payment pays, in order. `scheduled` is SPEC §4's waterfall over the schedule (oldest
 * installment first, interest then principal, prepayment included); the others are the charges
 * pipelines/accrual accrues.
 */
export const allocationItems = ['scheduled', 'penalty_interest', 'compound_interest', 'fee'] as const;
export type AllocationItem = (typeof allocationItems)[number];
export const chargeItems = ['penalty_interest', 'compound_interest', 'fee'] as const;
export type ChargeItem = (typeof chargeItems)[number];

/** The accrual rules of one product (docs/accrual.md). Money in the loan's currency. */
export interface AccrualRule {
  /** actual/360: a day is annual rate / 360 (the PBoC convention, 日利率 = 年利率 ÷ 360); actual/365 */
  day_count: 'actual/360' | 'actual/365';
  /** penalty rate = contract rate × (1 + markup) (罚息: the 2003 PBoC rules put it at 30–50 % above) */
  penalty_markup: number;
  /** compound interest (复利) on overdue scheduled interest at the penalty rate */
  compound_interest: boolean;
  /** flat fee per missed installment (违约金), charged the day after its grace ends */
  late_fee: number;
  /** most late fees one loan is charged over its life; null: no cap */
  late_fee_cap: number | null;
  /** every item once, in the order a payment pays them */
  allocation_order: AllocationItem[];
  /** DPD from which interest is not recognised (non-accrual, 表外); back to accruing when DPD returns to 0 */
  non_accrual_dpd: number;
  /** a restructure waives the charges outstanding on its date (else only `waiver` events waive) */
  waive_on_restructure: boolean;
}

export interface AccrualRules {
  default: AccrualRule;
  /** by product name: the default entry with these fields replaced */
  products: Record<string, AccrualRule>;
  /** a short fingerprint of the rules, stored with every accrual row */
  label: string;
}

const nonNegative = (what: string) =>
  z.number({ error: `expected a number (${what})` }).refine((v) => v >= 0 && Number.isFinite(v), {
    error: `must be a finite number ≥ 0 (${what})`,
  });

const order = z
  .array(
    z.enum(allocationItems, {
      error: (i) => `unknown allocation item ${JSON.stringify(i.input)} (known: ${allocationItems.join(', ')})`,
    }),
  )
  .superRefine((xs, ctx) => {
    const seen = new Set<string>();
    for (const x of xs) {
      if (seen.has(x)) ctx.addIssue({ code: 'custom', message: `allocation item ${x} is listed twice` });
      seen.add(x);
    }
    const missing = allocationItems.filter((x) => !seen.has(x));
    if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `allocation order lacks ${missing.join(', ')}` });
  });

const ruleFields = {
  day_count: z.enum(['actual/360', 'actual/365'], {
    error: (i) => `unknown day count ${JSON.stringify(i.input)} (known: actual/360, actual/365)`,
  }),
  penalty_markup: nonNegative('a share: 0.5 is 50 %'),
  compound_interest: z.boolean({ error: 'expected true or false' }),
  late_fee: nonNegative('an amount'),
  late_fee_cap: nonNegative('an amount, or null for no cap').nullable(),
  allocation_order: order,
  non_accrual_dpd: z
    .number({ error: 'expected a whole number of days' })
    .int('expected a whole number of days')
    .min(1, 'must be at least 1 day'),
  waive_on_restructure: z.boolean({ error: 'expected true or false' }),
};

/** The documented defaults (docs/accrual.md). */
export const defaultRule: AccrualRule = {
  day_count: 'actual/360',
  penalty_markup: 0.5,
  compound_interest: true,
  late_fee: 0,
  late_fee_cap: null,
  allocation_order: [...allocationItems],
  non_accrual_dpd: 90,
  waive_on_restructure: false,
};

const productName = /^[A-Za-z0-9_.-]+$/;
const fileSchema = z.strictObject({
  default: z.strictObject(ruleFields).partial().default({}),
  products: z
    .record(z.string(), z.strictObject(ruleFields).partial())
    .superRefine((ps, ctx) => {
      for (const key of Object.keys(ps))
        if (key === 'default')
          ctx.addIssue({ code: 'custom', path: [key], message: 'overlaps the top-level default entry' });
        else if (!productName.test(key))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'a product key must be a product name (letters, digits, _ . -)',
          });
    })
    .default({}),
});

/** Rules from parsed JSON; a bad file is a one-line UserError naming the first bad field. */
export function parseAccrualRules(json: unknown, source = 'the accrual rules'): AccrualRules {
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path, ...keys.slice(0, 1)].map(String).join('.');
    const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    throw new UserError(`${source}${path ? ` at ${path}` : ''}: ${message}`, { hint: 'see docs/accrual.md' });
  }
  const def: AccrualRule = { ...defaultRule, ...dropUndefined(r.data.default) };
  const products = Object.fromEntries(
    Object.entries(r.data.products).map(([k, v]) => [k, { ...def, ...dropUndefined(v) }]),
  );
  return { default: def, products, label: label(def, products) };
}

const dropUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A readable fingerprint: the default's key figures and the products that differ. */
function label(def: AccrualRule, products: Record<string, AccrualRule>): string {
  const one = (r: AccrualRule) =>
    `${r.day_count},+${r.penalty_markup},${r.compound_interest ? 'cmp' : 'nocmp'},fee=${r.late_fee}/${r.late_fee_cap ?? '-'},${r.allocation_order.map((x) => x[0]).join('')},na=${r.non_accrual_dpd},${r.waive_on_restructure ? 'rw' : 'rk'}`;
  return [
    one(def),
    ...Object.keys(products)
      .sort()
      .map((k) => `${k}:${one(products[k]!)}`),
  ].join(';');
}

/** The rule a product is accrued under. */
export const ruleFor = (rules: AccrualRules, product: string): AccrualRule =>
  Object.hasOwn(rules.products, product) ? rules.products[product]! : rules.default;

/** The rules of a JSON file. */
export function loadAccrualRules(path: string): AccrualRules {
  let json: unknown;
  try {
    json = JSON.parse(jsonText(readFileSync(path, 'utf8')));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserError(`${path} is not valid JSON: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`accrual rules file ${path} not found`);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR')
      throw new UserError(`accrual rules file ${path} is a directory, not a file`);
    throw e;
  }
  return parseAccrualRules(json, path);
}
