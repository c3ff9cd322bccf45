import { describe, expect, it } from 'vitest';
import { figureDefs, migrationClasses } from '../../../reports/summary/figures.ts';
import migrationRates from '../../../reports/templates/regulatory/migration-rates.ts';

/**
 * The regulatory pack shows the migration rates twice — the month's on the key figures, 12 months'
 * in the chart — and each says which (a CRO read 可疑类迁徙率 1.63 % on the cover and 0.00 % in a bar
 * of the same name).
 */
describe('the migration rates name their period', () => {
  it("the key figures are the month's, the chart the 12 months'", () => {
    for (const c of migrationClasses) {
      const f = figureDefs.find((d) => d.id === `migration_${c}`)!;
      expect(f.label['zh-CN'], c).toMatch(/迁徙率（当月：/u);
      expect(f.label.en, c).toMatch(/^Monthly .* migration rate \(/u);
    }
    expect(migrationRates.title['zh-CN']).toContain('（12个月）');
    expect(migrationRates.title.en).toContain('over 12 months');
  });
});
