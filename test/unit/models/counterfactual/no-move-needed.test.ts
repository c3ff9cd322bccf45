import { describe, expect, it } from 'vitest';
import { alreadyAtTarget } from '../../../../models/counterfactual/no-move-needed.ts';
import { gradeLabels } from '../../../../models/scorecard/scorecard.ts';

describe('a grade that needs no counterfactual', () => {
  it('is every grade at or better than the target, said in both languages; a worse one is searched', () => {
    for (const [g, grade] of gradeLabels.entries())
      for (const [t, target] of gradeLabels.entries()) {
        const why = alreadyAtTarget(grade, target);
        if (g > t) expect(why, `${grade} → ${target}`).toBeNull();
        else {
          expect(why?.text.en).toMatch(new RegExp(`^No counterfactual: grade ${grade} is already`, 'u'));
          expect(why?.text.zh).toMatch(new RegExp(`^不提供反事实建议：等级 ${grade} 已`, 'u'));
          expect(why?.reason).toContain(g === t ? 'the target grade' : `better than the target grade ${target}`);
        }
      }
  });

  it('without a target, is the best grade alone', () => {
    expect(alreadyAtTarget('A')?.text.en).toBe('No counterfactual: grade A is already the best grade.');
    for (const grade of gradeLabels.slice(1)) expect(alreadyAtTarget(grade)).toBeNull();
  });
});
