import { describe, expect, it } from 'vitest';
import { counterfactualUnavailable, scorePopulation } from '../../../api/score-population.ts';

describe("a stored score says whether its loan was in the model's population", () => {
  it('DPD ≤ 30 at the month-end is inside it, with no reason', () => {
    for (const dpd of [0, 1, 30])
      expect(scorePopulation(dpd, '2024-06-30')).toEqual({ in_population: true, population_reason: null });
  });

  it('DPD past the threshold is outside it, the reason naming the DPD, the month-end and the threshold', () => {
    for (const dpd of [31, 95, 160]) {
      const p = scorePopulation(dpd, '2024-06-30');
      expect(p.in_population).toBe(false);
      expect(p.population_reason).toMatch(
        new RegExp(`^DPD ${dpd} at 2024-06-30, past the model's population \\(DPD ≤ 30 `, 'u'),
      );
    }
    expect(scorePopulation(45, '2024-06-30', 60).in_population).toBe(true);
  });

  it('without a snapshot of the month-end it cannot be told, and says so', () => {
    const p = scorePopulation(null, '2024-06-30');
    expect(p.in_population).toBe(false);
    expect(p.population_reason).toMatch(/^no month-end snapshot of the loan at 2024-06-30/u);
  });

  it('a counterfactual is refused outside the population, with the reason and a sentence in English and Chinese', () => {
    for (const dpd of [0, 30]) expect(counterfactualUnavailable(dpd, '2024-06-30')).toBeNull();
    const past = counterfactualUnavailable(95, '2024-06-30')!;
    expect(past.reason).toBe(scorePopulation(95, '2024-06-30').population_reason);
    expect(past.text.en).toMatch(
      /^No counterfactual: the loan was 95 days past due at 2024-06-30, outside the model's population \(DPD ≤ 30 /u,
    );
    expect(past.text.zh).toMatch(
      /^不提供反事实建议：该贷款在 2024-06-30 月末已逾期 95 天，超出模型的适用范围（月末逾期不超过 30 天）/u,
    );
    const unknown = counterfactualUnavailable(null, '2024-06-30')!;
    expect(unknown.reason).toBe(scorePopulation(null, '2024-06-30').population_reason);
    expect(unknown.text.en).toMatch(/no month-end snapshot at 2024-06-30/u);
    expect(unknown.text.zh).toMatch(/没有月末快照/u);
  });
});
