import { describe, expect, it } from 'vitest';
import { featureCatalogue } from '../../../warehouse/feature-catalogue.ts';
import { featureLabel, featureLabels } from '../../../warehouse/feature-labels.ts';

describe('feature labels: a reason code in words', () => {
  it('names every catalogue feature in both languages, each label its own', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const said = featureCatalogue.map((f) => featureLabel(f.name, lang));
      for (const [i, s] of said.entries()) {
        expect(s, featureCatalogue[i]!.name).not.toBe(featureCatalogue[i]!.name);
        expect(s.trim().length).toBeGreaterThan(1);
      }
      expect(new Set(said).size).toBe(said.length);
    }
    expect(Object.keys(featureLabels).sort()).toEqual(featureCatalogue.map((f) => f.name).sort());
  });

  it("keeps any other name (a table model's column, an inherited property) as it is", () => {
    for (const name of ['PAY_0', 'duration_in_month', 'toString', '__proto__', 'constructor', ''])
      expect(featureLabel(name, 'en')).toBe(name);
  });
});
