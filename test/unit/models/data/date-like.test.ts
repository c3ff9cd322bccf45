import { describe, expect, it } from 'vitest';
import { dateColumn, dateForm } from '../../../../models/data/date-like.ts';

describe('date-like cells', () => {
  it('reads ISO days and months, either day order, month names, Chinese and compact digits', () => {
    const forms: [string, string][] = [
      ['2023-01-15', 'YYYY-MM-DD'],
      ['2023/1/5', 'YYYY-MM-DD'],
      ['2023-01-15T10:30:00Z', 'YYYY-MM-DD'],
      ['2023-01-15 10:30', 'YYYY-MM-DD'],
      ['2023-01', 'YYYY-MM'],
      ['15/01/2023', 'DD/MM/YYYY or MM/DD/YYYY'],
      ['01-15-23', 'DD/MM/YYYY or MM/DD/YYYY'],
      ['15.01.2023', 'DD/MM/YYYY or MM/DD/YYYY'],
      ['01/2023', 'MM/YYYY'],
      ['Jan-2015', 'a month by name and a year'],
      ['15 Jan 2015', 'a month by name and a year'],
      ['January 15, 2015', 'a month by name and a year'],
      ['Sept 2015', 'a month by name and a year'],
      ['15-Dec', 'a day (or year) and a month by name'],
      ['2023年1月15日', 'YYYY年M月'],
      ['2023年1月', 'YYYY年M月'],
      ['20230115', 'YYYYMMDD'],
      ['202301', 'YYYYMM'],
    ];
    for (const [cell, form] of forms) expect(dateForm(cell), cell).toBe(form);
  });

  it('checks the calendar: no 13th month, no 30 February, no year 3023', () => {
    for (const cell of ['2023-13', '2023-02-30', '2023-00-10', '31/31/2023', '3023-01-15', '20231301', '202300', 'Foo-2015'])
      expect(dateForm(cell), cell).toBeNull();
    expect(dateForm('2024-02-29')).toBe('YYYY-MM-DD');
  });

  it('takes no range label, code, amount or category for a date', () => {
    for (const cell of ['10-20', '1 <= ... < 4 years', '40-30-30', '36 months', 'A1', '1169', '12.5', '5000-9999', 'radio/television', 'may'])
      expect(dateForm(cell), cell).toBeNull();
  });

  it('a column is a date when at least 80 % of its cells are, counted by cells, not levels', () => {
    expect(dateColumn([['2023-01', 90], ['unknown', 10]])).toEqual({ share: 0.9, form: 'YYYY-MM' });
    expect(dateColumn([['2023-01', 70], ['2023-02', 5], ['unknown', 25]])).toBeNull();
    expect(dateColumn([])).toBeNull();
  });
});
