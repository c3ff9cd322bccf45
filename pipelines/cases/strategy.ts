import { z } from 'zod';

/**
 * The collection strategy table (SPEC §7): stage × risk grade → recommended action. A table is
 * data (JSON), validated so that every stage × grade cell has exactly one action.
 */
export const stages = ['watch', 'early', 'mid', 'late'] as const;
export const grades = ['A', 'B', 'C', 'D', 'E'] as const;
export const actions = [
  'sms_reminder',
  'call_account_manager',
  'call_collection_team',
  'visit',
  'legal_action',
  'restructuring_offer',
  'debt_sale',
] as const;
export type Stage = (typeof stages)[number];
export type Grade = (typeof grades)[number];
export type Action = (typeof actions)[number];

/**
 * A broken promise escalates the case (issue 22, item 2): a loan with a promise judged `broken`
 * (or a state listed in `on`) whose deadline fell in the `lookback_days` before the list's date has
 * its action moved `steps` rungs up the contact-intensity `ladder`; an action not on the ladder (a
 * restructuring offer, a debt sale) stays. `steps: 0` turns it off.
 */
export const escalationSchema = z
  .object({
    on: z
      .array(z.enum(['broken', 'partial']))
      .min(1)
      .default(['broken']),
    lookback_days: z.number().int().min(1).max(365).default(30),
    grace_days: z.number().int().min(0).max(60).default(3),
    steps: z.number().int().min(0).max(4).default(1),
    ladder: z
      .array(z.enum(actions))
      .min(1)
      .default(['sms_reminder', 'call_account_manager', 'call_collection_team', 'visit', 'legal_action']),
  })
  .strict();
export type Escalation = z.infer<typeof escalationSchema>;
export const defaultEscalation: Escalation = escalationSchema.parse({});

export const strategyTableSchema = z
  .object({
    rules: z
      .array(z.object({ stage: z.enum(stages), grades: z.array(z.enum(grades)).min(1), action: z.enum(actions) }))
      .min(1),
    /** absent: defaultEscalation */
    escalation: escalationSchema.optional(),
  })
  .superRefine((t, ctx) => {
    for (const s of stages)
      for (const g of grades) {
        const n = t.rules.filter((r) => r.stage === s && r.grades.includes(g)).length;
        if (n !== 1)
          ctx.addIssue({
            code: 'custom',
            message: `${s} × ${g} has ${n} actions; every stage × grade needs exactly one`,
          });
      }
  });
export type StrategyTable = z.infer<typeof strategyTableSchema>;

/**
 * SPEC §7's example: early + low risk → SMS, early + high risk → the account manager calls; mid →
 * the collection team (a visit for the riskiest); late → restructuring offer, visit or legal action
 * by grade. No cell sells the debt: a stage × grade cell cannot see what decides a sale — the
 * loan's balance, months since default, collateral and the book's sale prices against its recovery
 * curve — which the disposal analysis weighs loan by loan (`loanwatch disposal`, docs/collections.md)
 * and which recommends a sale for few loans if any; a blanket sale of every late × E case
 * contradicted it. The riskiest late loans are worked by legal action (the disposal analysis's
 * "collection as usual"); `debt_sale` stays an action a table may give.
 */
export const defaultStrategyTable: StrategyTable = {
  rules: [
    { stage: 'watch', grades: ['A', 'B', 'C'], action: 'sms_reminder' },
    { stage: 'watch', grades: ['D', 'E'], action: 'call_account_manager' },
    { stage: 'early', grades: ['A', 'B', 'C'], action: 'sms_reminder' },
    { stage: 'early', grades: ['D', 'E'], action: 'call_account_manager' },
    { stage: 'mid', grades: ['A', 'B', 'C', 'D'], action: 'call_collection_team' },
    { stage: 'mid', grades: ['E'], action: 'visit' },
    { stage: 'late', grades: ['A', 'B'], action: 'restructuring_offer' },
    { stage: 'late', grades: ['C'], action: 'visit' },
    { stage: 'late', grades: ['D', 'E'], action: 'legal_action' },
  ],
};

export function parseStrategyTable(raw: unknown): StrategyTable {
  const r = strategyTableSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `invalid strategy table: ${r.error.issues.map((i) => `${i.path.join('.') || 'table'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export function recommendAction(t: StrategyTable, stage: Stage, grade: Grade): Action {
  return t.rules.find((r) => r.stage === stage && r.grades.includes(grade))!.action;
}

/** The action `steps` rungs up the escalation ladder (its top at most); an action off the ladder stays. */
export function escalateAction(e: Escalation, action: Action): Action {
  const i = e.ladder.indexOf(action);
  return i < 0 ? action : (e.ladder[Math.min(i + e.steps, e.ladder.length - 1)] ?? action);
}

/** Stage by DPD (early 1–30, mid 31–90, late > 90); a current loan is `watch` when its grade is a watch grade, else not a case. */
/** Risk grades that put a current loan on the list as `watch`. */
export const defaultWatchGrades: readonly Grade[] = ['D', 'E'];

export function stageOf(dpd: number, grade: Grade, watchGrades: readonly Grade[] = defaultWatchGrades): Stage | null {
  if (dpd > 90) return 'late';
  if (dpd > 30) return 'mid';
  if (dpd > 0) return 'early';
  return watchGrades.includes(grade) ? 'watch' : null;
}
