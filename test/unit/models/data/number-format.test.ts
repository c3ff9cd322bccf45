import { describe, expect, it } from 'vitest';
import { columnNumberFormat, readNumber, writtenForm } from '../../../../models/data/number-format.ts';

const none = () => false;

describe('numbers written with thousands separators or a percent sign', () => {
  it('knows the two forms; a plain number, a decimal comma or a loose comma is neither', () => {
    expect(writtenForm('1,169')).toBe('thousands');
    expect(writtenForm('-12,345,678.25')).toBe('thousands');
    expect(writtenForm('12%')).toBe('percent');
    expect(writtenForm('-0.5 %')).toBe('percent');
    for (const cell of ['1169', '1,5', '12,34', '1,2345', ',123', '1,169,5', '12%%', '%12', 'a,bcd']) expect(writtenForm(cell), cell).toBeNull();
  });

  it('reads a cell in its column form: commas dropped, a percent in percentage points; plain numbers as they are', () => {
    expect(readNumber('1,169', 'thousands')).toBe(1169);
    expect(readNumber('1,234,567.5', 'thousands')).toBe(1234567.5);
    expect(readNumber('812', 'thousands')).toBe(812);
    expect(readNumber('12%', 'percent')).toBe(12);
    expect(readNumber('12.5 %', 'percent')).toBe(12.5);
    expect(readNumber('7', 'percent')).toBe(7);
    // another form than the column's, or none recorded: not a number
    expect(readNumber('12%', 'thousands')).toBeNaN();
    expect(readNumber('1,169', 'percent')).toBeNaN();
    expect(readNumber('1,169')).toBeNaN();
    expect(readNumber('1,5', 'thousands')).toBeNaN();
  });

  it('a column has a form when every other cell is a plain number or missing, and one form only', () => {
    const missing = (v: string) => v === '' || v === 'NA';
    expect(columnNumberFormat(['1,169', '812', '', 'NA', '12,000.50'], missing)).toBe('thousands');
    expect(columnNumberFormat(['12%', '0', '7.5%'], missing)).toBe('percent');
    expect(columnNumberFormat(['1', '2'], none)).toBeNull();
    // a decimal comma anywhere in the column: not converted, "1,500" included
    expect(columnNumberFormat(['1,5', '2,25', '1,500'], none)).toBeNull();
    expect(columnNumberFormat(['1,169', '12%'], none)).toBeNull();
    expect(columnNumberFormat(['1,169', 'unknown'], none)).toBeNull();
  });
});
