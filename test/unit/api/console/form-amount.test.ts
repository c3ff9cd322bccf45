import { describe, expect, it } from 'vitest';
import { normaliseAmount } from '../../../../api/console/form-amount.ts';

describe("the outcome form's amount", () => {
  it('takes the thousands separators the page itself shows, every three digits only', () => {
    expect(normaliseAmount('1,500.00')).toEqual({ value: '1500.00' });
    expect(normaliseAmount(' 393,042.17 ')).toEqual({ value: '393042.17' });
    expect(normaliseAmount('1,234,567')).toEqual({ value: '1234567' });
    expect(normaliseAmount('1500.5')).toEqual({ value: '1500.5' });
    // the contract says what is wrong with these (negative, decimals, not a number): passed on as typed
    expect(normaliseAmount('-1,500')).toEqual({ value: '-1500' });
    expect(normaliseAmount('12.345')).toEqual({ value: '12.345' });
    expect(normaliseAmount('abc')).toEqual({ value: 'abc' });
  });

  it('refuses a comma that may be a decimal comma or a slip, and names an oversized amount as too large', () => {
    for (const s of ['1,50', '1,5000', ',500', '1500,', '1,500,00', '12,34.5', '1.500,00'])
      expect(normaliseAmount(s), s).toEqual({ problem: 'thousands separators in the wrong place' });
    expect(normaliseAmount('1234567890123456')).toEqual({ problem: 'too large' });
    expect(normaliseAmount('9,999,999,999,999,999.00')).toEqual({ problem: 'too large' });
    // 15 digits is the contract's widest; leading zeros do not count
    expect(normaliseAmount('999999999999999.99')).toEqual({ value: '999999999999999.99' });
    expect(normaliseAmount('0001500')).toEqual({ value: '0001500' });
  });
});
