import { describe, expect, it } from 'vitest';
import { methodNote } from '../../../../reports/summary/method-notes.ts';

describe("the key figures' method note", () => {
  const management = [
    'outstanding',
    'new_business',
    'npl_ratio',
    'migration_normal',
    'recovery_rate',
    'write_offs',
    'warnings_total',
  ];
  const regulatory = [
    'outstanding',
    'share_normal',
    'npl_ratio',
    'provision_coverage',
    'migration_normal',
    'migration_doubtful',
  ];

  it('defines only the figures the pack shows', () => {
    expect(methodNote(management, '2023-12-31', 'en')).toBe(
      "Year start = the previous December month-end (2023-12-31); migration rates are over the month (last month-end to this one); new business, write-offs and warnings are the month's flows, not compared with the year start; write-offs are last month-end balances of loans written off in the month; recovery rate = cash after default / EAD of workouts closed by the month-end.",
    );
    // the regulatory pack shows no flows, write-offs or recovery rate: its note does not define them
    expect(methodNote(regulatory, '2023-12-31', 'en')).toBe(
      'Year start = the previous December month-end (2023-12-31); migration rates are over the month (last month-end to this one).',
    );
    expect(methodNote(regulatory, '2023-12-31', 'zh-CN')).toBe(
      '年初 = 上年 12 月末（2023-12-31）；迁徙率为当月（上月末至本月末）口径。',
    );
    expect(methodNote(['outstanding'], '2023-12-31', 'en')).toBe(
      'Year start = the previous December month-end (2023-12-31).',
    );
  });
});
