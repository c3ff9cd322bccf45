import { describe, expect, it } from 'vitest';
import { teamLabel } from '../../../reports/i18n.ts';
import { formatValue } from '../../../reports/summary/format.ts';

describe('labels and small shares the packs write', () => {
  it('the outside agency team is named in Chinese (it showed as "agency" in the zh team chart)', () => {
    expect(teamLabel('agency', 'zh-CN')).toBe('委外机构');
    expect(teamLabel('agency', 'en')).toBe('agency');
    expect(teamLabel('east-early', 'zh-CN')).toBe('华东早期组');
    expect(teamLabel('bank-own-team', 'zh-CN')).toBe('bank-own-team');
  });

  it('a share too small for two decimals reads <0.01%, never 0.00% (a doubtful balance of 19.1K)', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      expect(formatValue('pct', lang, 0.000027249458759864945)).toBe('<0.01%');
      expect(formatValue('pct', lang, -0.00002)).toBe('>-0.01%');
      expect(formatValue('pct', lang, 0)).toBe('0.00%');
      expect(formatValue('pct', lang, 0.00005)).toBe('0.01%');
      expect(formatValue('pct', lang, 0.0123)).toBe('1.23%');
    }
  });
});
