import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../warehouse/connection.ts';
import { amountsIn, bookCurrencies } from '../../../../reports/summary/currency.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

describe("the book's currencies: the unit the key figures are in, said once", () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('book_currency');
  });
  afterAll(() => disposeIfOpened(wh));

  const loans = async (...currencies: string[]) => {
    await wh.reset();
    if (currencies.length > 0)
      await exec(
        wh,
        `INSERT INTO ${wh.database}.loans (loan_id, currency) VALUES ${currencies.map((c, i) => `('L${i}', '${c}')`).join(', ')}`,
      );
    return bookCurrencies(wh);
  };

  it('no loans: CNY, the default; loans all in CNY: 金额单位：元 / Amounts in CNY', async () => {
    expect(await loans()).toEqual(['CNY']);
    const cny = await loans('CNY', 'CNY', 'CNY');
    expect(cny).toEqual(['CNY']);
    expect(amountsIn(cny, 'zh-CN')).toBe('金额单位：元');
    expect(amountsIn(cny, 'en')).toBe('Amounts in CNY');
  });

  it('a book in another currency names it; a mixed book lists its currencies and says they are not converted', async () => {
    const usd = await loans('USD', 'USD');
    expect(amountsIn(usd, 'zh-CN')).toBe('金额单位：USD');
    expect(amountsIn(usd, 'en')).toBe('Amounts in USD');
    // an empty stored currency is the default
    const mixed = await loans('USD', 'CNY', '', 'HKD');
    expect(mixed).toEqual(['CNY', 'HKD', 'USD']);
    expect(amountsIn(mixed, 'zh-CN')).toBe('金额：各贷款原币种（CNY、HKD、USD）直接相加，未折算');
    expect(amountsIn(mixed, 'en')).toContain('(CNY, HKD, USD)');
    expect(amountsIn(mixed, 'en')).toContain('not converted');
  });
});
