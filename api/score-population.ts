import { z } from '@hono/zod-openapi';
import { defaultTarget } from '../warehouse/feature-catalogue.ts';
import type { NoCounterfactual } from '../models/counterfactual/no-move-needed.ts';

/**
 * Whether a stored score is inside the model's population: the target (SPEC §6) is defined for loans
 * at DPD ≤ its threshold at the month-end, yet `loanwatch score` scores every active loan. A loan
 * already past the threshold has done what the score predicts, so its probability is no warning;
 * the answer says so rather than leave a 160-days-past-due loan looking like a grade-C risk.
 */
export interface ScorePopulation {
  in_population: boolean;
  /** why not (null when it is) */
  population_reason: string | null;
}

export function scorePopulation(
  dpd: number | null,
  monthEnd: string,
  threshold = defaultTarget.dpdThreshold,
): ScorePopulation {
  if (dpd === null)
    return {
      in_population: false,
      population_reason: `no month-end snapshot of the loan at ${monthEnd}: its DPD cannot be checked against the model's population (DPD ≤ ${threshold}); rebuild the snapshots (loanwatch snapshot)`,
    };
  if (dpd <= threshold) return { in_population: true, population_reason: null };
  return {
    in_population: false,
    population_reason: `DPD ${dpd} at ${monthEnd}, past the model's population (DPD ≤ ${threshold} at the month-end): the loan is already past due beyond what the score predicts; read its stage from the case list or loanwatch dpd`,
  };
}

export const scorePopulationFields = {
  in_population: z.boolean().openapi({
    description:
      "whether the loan was in the model's population at the score's month-end (DPD ≤ 30 for the default target dpd30_3m); a score outside it is no early warning",
  }),
  population_reason: z
    .string()
    .nullable()
    .openapi({ description: 'why the loan is outside the population (its DPD at the month-end); null when inside' }),
};

/** Why a score answer carries no counterfactual though one was asked for, in both of the counterfactual's languages. */
export type CounterfactualUnavailable = NoCounterfactual;

/**
 * A counterfactual ("pay X to reach grade B") is a move along the model's scale, which means
 * something only inside its population: for a loan 95 days past due it named a payment that
 * reaches a grade of a score that is no warning. Null when the loan is inside, so one may be searched.
 */
export function counterfactualUnavailable(
  dpd: number | null,
  monthEnd: string,
  threshold = defaultTarget.dpdThreshold,
): CounterfactualUnavailable | null {
  const { population_reason: reason } = scorePopulation(dpd, monthEnd, threshold);
  if (reason === null) return null;
  if (dpd === null)
    return {
      reason,
      text: {
        en: `No counterfactual: the loan has no month-end snapshot at ${monthEnd}, so whether it is in the model's population (DPD ≤ ${threshold}) cannot be checked; rebuild the snapshots (loanwatch snapshot).`,
        zh: `不提供反事实建议：该贷款在 ${monthEnd} 没有月末快照，无法确认是否属于模型的适用范围（月末逾期不超过 ${threshold} 天）；请重建快照（loanwatch snapshot）。`,
      },
    };
  return {
    reason,
    text: {
      en: `No counterfactual: the loan was ${dpd} days past due at ${monthEnd}, outside the model's population (DPD ≤ ${threshold} at the month-end), where its score and grades are no early warning; read its stage from the case list or loanwatch dpd.`,
      zh: `不提供反事实建议：该贷款在 ${monthEnd} 月末已逾期 ${dpd} 天，超出模型的适用范围（月末逾期不超过 ${threshold} 天），其评分与等级不构成预警；请从催收案件列表或 loanwatch dpd 查看其所处阶段。`,
    },
  };
}

export const counterfactualUnavailableField = z
  .object({
    reason: z.string().openapi({
      description:
        "the score's population_reason, or that the grade is already the target grade or better (the best grade)",
    }),
    text: z.object({ en: z.string(), zh: z.string() }),
  })
  .nullable()
  .openapi('CounterfactualUnavailable', {
    description:
      "why a counterfactual asked for (counterfactual=true or a target_grade) was not searched: the loan is outside the model's population (in_population false), where a payment that moves its grade means nothing, or its grade is already the target grade or better (at the best grade with no target); null otherwise",
  });
