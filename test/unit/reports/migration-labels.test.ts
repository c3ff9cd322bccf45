import { describe, expect, it } from 'vitest';
import { figureDefs, migrationClasses } from '../../../reports/summary/figures.ts';
import migrationRates from '../../../reports/templates/regulatory/migration-rates.ts';
import { summaryIn } from '../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../reports/summary/thresholds.ts';
import { summaryData } from './summary/summary-data.ts';

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
    expect(figureDefs.find((d) => d.id === 'migration_special_mention')!.label).toEqual({
      'zh-CN': '关注类迁徙率（当月：关注→次级及以下）',
      en: 'Monthly special-mention migration rate (→ substandard or worse)',
    });
    expect(migrationRates.title['zh-CN']).toContain('（12个月）');
    expect(migrationRates.title.en).toContain('over 12 months');
  });

  it("the commentary names the rates without the label's period, which its sentence says", () => {
    const thresholds = loadThresholds(defaultThresholdsFile);
    const zh = summaryIn(summaryData('regulatory'), 'zh-CN', thresholds, 'default').commentary.join(' ');
    expect(zh).toMatch(/当月迁徙率：正常类迁徙率 [\d.]+%（较上月 .*），关注类迁徙率 /u);
    const en = summaryIn(summaryData('regulatory'), 'en', thresholds, 'default').commentary.join(' ');
    expect(en).toMatch(
      /Migration in the month: Normal migration rate [\d.]+% \(.* on the month\), Special-mention migration rate /u,
    );
  });
});
