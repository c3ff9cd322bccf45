import { z } from 'zod';

/**
 * What a borrower (or an applicant) can change, as declared actions. A counterfactual is a set of
 * these with an amount each; an action turns an amount into new values of the features it moves.
 *
 * - `pay_overdue` (book features): paying X of the amount overdue lowers overdue_ratio by X /
 *   principal, raises paid_ratio_3m by X / principal and moves paid_share_3m (cash / (cash +
 *   overdue), whose denominator a payment of arrears leaves unchanged); at most the amount overdue.
 * - `prepay_principal` (book features): prepaying X lowers the balance: balance_paid_down, ltv and
 *   balance_change_3m follow, and the cash paid (paid_ratio_3m, paid_share_3m); at most the balance.
 * - `feature`: any numeric column moved in a direction by steps, down to or up to a bound (a table's
 *   utilisation, an applicant's number of open lines).
 *
 * DPD, the delinquency history, collection contacts and broken promises are what happened: no
 * action changes them.
 */
export const actionSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pay_overdue'), step: z.number().positive().default(100) }).strict(),
  z.object({ type: z.literal('prepay_principal'), step: z.number().positive().default(100) }).strict(),
  z
    .object({
      type: z.literal('feature'),
      feature: z.string().min(1).max(200),
      direction: z.enum(['decrease', 'increase']),
      step: z.number().positive(),
      /** the value the feature may reach (default: 0 for a decrease, 100 steps up for an increase) */
      bound: z.number().optional(),
    })
    .strict(),
]);
export type ActionSpec = z.output<typeof actionSpecSchema>;
export type ActionSpecInput = z.input<typeof actionSpecSchema>;

/** The warehouse feature catalogue's actions: paying arrears and prepaying principal, in steps of ¥100 (so the fewest steps is the smallest payment). */
export const defaultBookActions: ActionSpec[] = [
  { type: 'pay_overdue', step: 100 },
  { type: 'prepay_principal', step: 100 },
];

/** A row's feature values by name: numbers (NaN missing) for numeric columns, text (null missing) for categories. */
export type RowValues = Pick<ReadonlyMap<string, number | string | null>, 'get'>;

export interface Action {
  spec: ActionSpec;
  /** the largest amount this row can take (0: the action does not apply) */
  limit(row: RowValues): number;
  /**
   * Every feature apply may change, for any row and amount. Each is monotonic in the amount: for a
   * row, once apply sets it at an amount it sets it at every larger one, and its value only rises or
   * only falls as the amount grows — so a search bounds what an action can do from its two ends.
   */
  moves: readonly string[];
  /** the numeric features the amount changes, with their new values (each one of `moves`) */
  apply(row: RowValues, amount: number): Map<string, number>;
  /** the change in words, for the sentence */
  words(amount: number): { en: string; zh: string };
}

const num = (row: RowValues, f: string) => {
  const v = row.get(f);
  return typeof v === 'number' ? v : Number.NaN;
};
const ok = (x: number) => Number.isFinite(x);

/** ¥ with thousands separators; cents only when the amount has them. */
export const yuan = (x: number) =>
  `¥${(Number.isInteger(Math.round(x * 100) / 100) ? wholeYuan : yuanAndFen).format(x)}`;
// made once: toLocaleString with options builds a formatter per call (a tenth of a case list's counterfactual search)
const wholeYuan = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const yuanAndFen = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = (x: number) => `${+x.toPrecision(6)}`;

/** The book's amounts behind the ratios: principal, overdue, cash paid over three months, balance. */
function amounts(row: RowValues) {
  const principal = Math.exp(num(row, 'log_principal'));
  return {
    principal,
    overdue: num(row, 'overdue_ratio') * principal,
    cash: num(row, 'paid_ratio_3m') * principal,
    balance: (1 - num(row, 'balance_paid_down')) * principal,
  };
}

function payOverdue(spec: ActionSpec): Action {
  return {
    spec,
    moves: ['overdue_ratio', 'paid_ratio_3m', 'paid_share_3m'],
    limit: (row) => {
      const a = amounts(row);
      return ok(a.principal) && ok(a.overdue) && a.overdue > 0.005 ? Math.round(a.overdue * 100) / 100 : 0;
    },
    apply: (row, x) => {
      const a = amounts(row);
      const out = new Map<string, number>([['overdue_ratio', Math.max(0, a.overdue - x) / a.principal]]);
      if (ok(a.cash)) {
        out.set('paid_ratio_3m', (a.cash + x) / a.principal);
        if (a.cash + a.overdue > 0) out.set('paid_share_3m', Math.min(1, (a.cash + x) / (a.cash + a.overdue)));
      }
      return out;
    },
    words: (x) => ({ en: `paying ${yuan(x)} of the overdue amount`, zh: `偿还逾期金额 ${yuan(x)}` }),
  };
}

function prepayPrincipal(spec: ActionSpec): Action {
  return {
    spec,
    moves: ['balance_paid_down', 'ltv', 'balance_change_3m', 'paid_ratio_3m', 'paid_share_3m'],
    limit: (row) => {
      const a = amounts(row);
      return ok(a.principal) && ok(a.balance) && a.balance > 0.005 ? Math.round(a.balance * 100) / 100 : 0;
    },
    apply: (row, x) => {
      const a = amounts(row);
      const left = Math.max(0, a.balance - x);
      const out = new Map<string, number>([['balance_paid_down', 1 - left / a.principal]]);
      const ltv = num(row, 'ltv');
      if (ok(ltv) && a.balance > 0) out.set('ltv', (ltv * left) / a.balance);
      const change = num(row, 'balance_change_3m');
      if (ok(change) && a.balance > 0) out.set('balance_change_3m', (change * left) / a.balance);
      if (ok(a.cash)) {
        out.set('paid_ratio_3m', (a.cash + x) / a.principal);
        const o = ok(a.overdue) ? a.overdue : 0;
        if (a.cash + x + o > 0) out.set('paid_share_3m', (a.cash + x) / (a.cash + x + o));
      }
      return out;
    },
    words: (x) => ({ en: `prepaying ${yuan(x)} of principal`, zh: `提前偿还本金 ${yuan(x)}` }),
  };
}

function moveFeature(spec: Extract<ActionSpec, { type: 'feature' }>): Action {
  const sign = spec.direction === 'decrease' ? -1 : 1;
  const bound = spec.bound ?? (spec.direction === 'decrease' ? 0 : Number.NaN);
  return {
    spec,
    moves: [spec.feature],
    limit: (row) => {
      const v = num(row, spec.feature);
      if (!ok(v)) return 0;
      if (!ok(bound)) return 100 * spec.step;
      return Math.max(0, sign * (bound - v));
    },
    apply: (row, x) => new Map([[spec.feature, num(row, spec.feature) + sign * x]]),
    words: (x) =>
      spec.direction === 'decrease'
        ? { en: `reducing ${spec.feature} by ${plain(x)}`, zh: `将 ${spec.feature} 降低 ${plain(x)}` }
        : { en: `raising ${spec.feature} by ${plain(x)}`, zh: `将 ${spec.feature} 提高 ${plain(x)}` },
  };
}

export function actionOf(spec: ActionSpec): Action {
  return spec.type === 'pay_overdue'
    ? payOverdue(spec)
    : spec.type === 'prepay_principal'
      ? prepayPrincipal(spec)
      : moveFeature(spec);
}
