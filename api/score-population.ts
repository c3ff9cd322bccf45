import { z } from '@hono/zod-openapi';
import { defaultTarget } from '../warehouse/feature-catalogue.ts';

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
