import { describe, expect, it } from 'vitest';
import { templates } from '../../../../reports/catalogue.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';

const monitoring = templates.find((t) => t.id === 'ew-monitoring')!;
const june: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };

describe("the model-monitoring chart's subtitle", () => {
  it('counts the month-ends it draws (those after the training window), not the pack’s twelve', () => {
    const ends = ['2023-10-31', '2023-11-30', '2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31'];
    const rows: Row[] = [...ends, '2024-04-30', '2024-05-31', '2024-06-30'].map((month_end) => ({
      month_end,
      score_psi: 0.01,
    }));
    expect(monitoring.shows(june, 'en', rows)).toBe('9 month-ends after training, 2023-10 to 2024-06');
    expect(monitoring.shows(june, 'zh-CN', rows)).toBe('训练期之后 2023-10 至 2024-06 共 9 个月末');
    expect(monitoring.shows(june, 'en', rows.slice(-1))).toBe('month-end 2024-06 (after training)');
    // no rows (nothing after training yet): the pack's window, under "no data"
    expect(monitoring.shows(june, 'en', [])).toBe('12 month-ends 2023-07 to 2024-06');
  });
});
