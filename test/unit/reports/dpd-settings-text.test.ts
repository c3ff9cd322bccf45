import { describe, expect, it } from 'vitest';
import { dpdSettingsText } from '../../../reports/dpd-settings-text.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { settingsLabel } from '../../../pipelines/snapshot/snapshot-settings.ts';

describe('the DPD settings a pack names', () => {
  it('grace days, where DPD counts from and the bucket bounds, in both languages, from the stored label', () => {
    const label = settingsLabel({ ...defaultSettings, graceDays: 5, dpdConvention: 'grace_end' });
    expect(dpdSettingsText(label, 'en')).toBe(
      'DPD counted from the end of the grace period, 5 grace days; buckets up to 30/60/90/120/150/180 days.',
    );
    expect(dpdSettingsText(label, 'zh-CN')).toBe(
      '逾期天数自宽限期结束起算，宽限期 5 天；逾期分档上限 30/60/90/120/150/180 天。',
    );
    expect(dpdSettingsText(settingsLabel({ ...defaultSettings, graceDays: 1 }), 'en')).toMatch(
      /^DPD counted from the due date, 1 grace day;/u,
    );
  });

  it('a label of another shape is shown as it is', () => {
    expect(dpdSettingsText('legacy', 'en')).toBe('DPD settings: legacy.');
    expect(dpdSettingsText('legacy', 'zh-CN')).toBe('逾期口径：legacy。');
  });
});
