import { gradeLabels } from '../scorecard/scorecard.ts';

/** Why no counterfactual was searched for a scored row or loan, in the counterfactual's two languages. */
export interface NoCounterfactual {
  reason: string;
  text: { en: string; zh: string };
}

/**
 * A row already at its target grade, or better, needs no change (and one at the best grade has no
 * better one): counterfactuals() answers null for it, which a reader took for "nothing helps" — the
 * opposite. Null when a better grade is there to search for.
 */
export function alreadyAtTarget(grade: string, targetGrade?: string): NoCounterfactual | null {
  const rank = gradeLabels.indexOf(grade);
  if (rank < 0) return null;
  if (targetGrade === undefined) {
    if (rank > 0) return null;
    return {
      reason: `grade ${grade} is the best grade: there is no better one to move to`,
      text: {
        en: `No counterfactual: grade ${grade} is already the best grade.`,
        zh: `不提供反事实建议：等级 ${grade} 已是最好的等级。`,
      },
    };
  }
  const target = gradeLabels.indexOf(targetGrade);
  if (target < 0 || target < rank) return null;
  const same = target === rank;
  return {
    reason: `grade ${grade} is ${same ? 'the target grade' : `better than the target grade ${targetGrade}`}: no change is needed to reach it`,
    text: {
      en: `No counterfactual: grade ${grade} is ${same ? 'already the target grade' : `already better than the target grade ${targetGrade}`}.`,
      zh: `不提供反事实建议：等级 ${grade} ${same ? '已是目标等级' : `已优于目标等级 ${targetGrade}`}。`,
    },
  };
}
