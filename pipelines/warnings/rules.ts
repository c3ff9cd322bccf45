import { z } from 'zod';

/**
 * Warning rules (SPEC §7) as a configuration file: each rule has an id (what the stored warning
 * names), a kind and its parameters. Loan rules fire per loan; `model_drift` fires per month for
 * the champion model (the retraining signal of monitoring).
 */
const id = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/u, 'lower-case letters, digits and _ (starting with a letter)');
const severity = z.enum(['info', 'warning', 'critical']).default('warning');
const money = z
  .union([z.number(), z.string()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,16}(\.\d{1,2})?$/u, 'a non-negative amount with at most 2 decimals'));

export const warningRuleSchema = z.discriminatedUnion('kind', [
  z.object({ id, severity, kind: z.literal('consecutive_overdue'), months: z.number().int().min(1).max(120) }).strict(),
  z.object({ id, severity, kind: z.literal('overdue_amount'), limit: money }).strict(),
  z.object({ id, severity, kind: z.literal('score_above'), threshold: z.number().gt(0).lt(1) }).strict(),
  z.object({ id, severity, kind: z.literal('score_jump'), delta: z.number().gt(0).lt(1) }).strict(),
  z
    .object({
      id,
      severity,
      kind: z.literal('broken_promise'),
      lookback_days: z.number().int().min(1).max(366),
      grace_days: z.number().int().min(0).max(30).default(3),
    })
    .strict(),
  z
    .object({
      id,
      severity,
      kind: z.literal('model_drift'),
      max_psi: z.number().positive().default(0.25),
      auc_drop: z.number().positive().max(0.5).default(0.05),
    })
    .strict(),
]);
export type WarningRule = z.infer<typeof warningRuleSchema>;
export type WarningKind = WarningRule['kind'];
/** every rule kind, in the schema's order (a filter by kind names one of these) */
export const warningKinds = warningRuleSchema.options.map((o) => o.shape.kind.value) as [WarningKind, ...WarningKind[]];
export type LoanRule = Exclude<WarningRule, { kind: 'model_drift' }>;

export const warningRulesSchema = z
  .object({ rules: z.array(warningRuleSchema).min(1) })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const [i, r] of c.rules.entries()) {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
      seen.add(r.id);
    }
  });
export type WarningRules = z.infer<typeof warningRulesSchema>;

/** The defaults a bank's collection team would start from (every one overridable by a file). */
export const defaultWarningRules: WarningRules = warningRulesSchema.parse({
  rules: [
    { id: 'overdue_3_months', kind: 'consecutive_overdue', months: 3, severity: 'critical' },
    { id: 'overdue_amount_50k', kind: 'overdue_amount', limit: '50000' },
    { id: 'high_score', kind: 'score_above', threshold: 0.25 },
    { id: 'score_jump', kind: 'score_jump', delta: 0.1 },
    { id: 'broken_promise', kind: 'broken_promise', lookback_days: 30 },
    { id: 'model_drift', kind: 'model_drift', max_psi: 0.25, auc_drop: 0.05, severity: 'critical' },
  ],
});

export function parseWarningRules(raw: unknown): WarningRules {
  const r = warningRulesSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `invalid warning rules: ${r.error.issues.map((i) => `${i.path.join('.') || 'rules'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
