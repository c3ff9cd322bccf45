import { describe, expect, it } from 'vitest';
import { normaliseAmount, typedAscii } from '../../../../api/console/form-amount.ts';
import { postedOutcome } from '../../../../api/console/loan-page.ts';

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

  it('takes full-width digits, comma, point and minus as a Chinese input method types them (NFKC)', () => {
    const table: [string, ReturnType<typeof normaliseAmount>][] = [
      ['１５００', { value: '1500' }],
      ['１，５００．００', { value: '1500.00' }],
      ['１,５００.５', { value: '1500.5' }],
      ['　１２，３４５，６７８．９０　', { value: '12345678.90' }],
      ['０．０１', { value: '0.01' }],
      ['９９９９９９９９９９９９９９９．９９', { value: '999999999999999.99' }],
      // refused or passed on exactly as their ASCII forms are
      ['１，５０', { problem: 'thousands separators in the wrong place' }],
      ['１２３４５６７８９０１２３４５６', { problem: 'too large' }],
      ['－１，５００', { value: '-1500' }],
      ['１２．３４５', { value: '12.345' }],
    ];
    for (const [typed, want] of table) expect(normaliseAmount(typed), typed).toEqual(want);
    // every full-width amount is read as its ASCII twin
    for (const ascii of ['0', '7', '1500', '1,500.00', '1,234,567.89', '1,50', '12.345', '-3'])
      expect(
        normaliseAmount(ascii.replace(/[0-9,.-]/gu, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))),
      ).toEqual(normaliseAmount(ascii));
  });

  it("reads the form's dates and time in their ASCII form, other fields as typed", () => {
    expect(typedAscii('２０２４－０７－１０')).toBe('2024-07-10');
    expect(typedAscii('１０：３０')).toBe('10:30');
    const f = postedOutcome(
      {
        action_date: '２０２４－０６－２８',
        action_time: '０９：０５',
        promised_date: '２０２４－０７－１０',
        promised_amount: '１５００',
        note: '全角 １５００ stays',
        channel: 'phone',
        outcome: 'promise_to_pay',
      },
      'a1',
    );
    expect([f.action_date, f.action_time, f.promised_date, f.note]).toEqual([
      '2024-06-28',
      '09:05',
      '2024-07-10',
      '全角 １５００ stays',
    ]);
  });
});
