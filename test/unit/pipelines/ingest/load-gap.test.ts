import { describe, expect, it } from 'vitest';
import { daysWithoutFiles } from '../../../../pipelines/ingest/load-gap.ts';

const day = (d: string, payments: number, others = 0) => ({ day: d, payments, others });

describe('daysWithoutFiles', () => {
  it("a payment dated back into a gap does not fill its day: the day's own files do", () => {
    // 07-04 … 07-07 skipped; 07-08's files carry one payment of 07-06 delivered late
    expect(daysWithoutFiles([day('2024-07-06', 1), day('2024-07-08', 40, 12)], '2024-07-03', '2024-07-08')).toEqual([
      '2024-07-04',
      '2024-07-05',
      '2024-07-06',
      '2024-07-07',
    ]);
  });

  it('a catch-up load of complete files with one busy due date calls no day missing', () => {
    const days = [
      day('2024-06-28', 3),
      day('2024-06-29', 2),
      day('2024-06-30', 4),
      day('2024-07-01', 40),
      day('2024-07-02', 5),
      day('2024-07-03', 6),
    ];
    expect(daysWithoutFiles(days, '2024-06-27', '2024-07-03')).toEqual([]);
  });

  it('a day with an action or an event has its files, however few its payments', () => {
    expect(
      daysWithoutFiles(
        [day('2024-07-05', 0, 1), day('2024-07-06', 1, 1), day('2024-07-08', 40, 3)],
        '2024-07-03',
        '2024-07-08',
      ),
    ).toEqual(['2024-07-04', '2024-07-07']);
  });

  it('a tiny book: one payment a day is its usual day', () => {
    expect(
      daysWithoutFiles([day('2024-07-04', 1), day('2024-07-05', 1), day('2024-07-06', 1)], '2024-07-03', '2024-07-07'),
    ).toEqual([]);
  });
});
