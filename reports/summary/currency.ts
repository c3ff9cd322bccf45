import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { sql, trusted } from '../../warehouse/sql.ts';
import type { Lang } from '../i18n.ts';

/** a loan's currency when its file gives none (SPEC §3, docs/data-contract.md) */
export const defaultCurrency = 'CNY';

/**
 * The currencies the book's loans are in, in code order: the one configured place a pack can name
 * its money from (there is no bank-wide setting). A book without loans is in the default.
 */
export async function bookCurrencies(wh: Warehouse): Promise<string[]> {
  const rows = await querySql<{ currency: string }>(
    wh,
    sql`SELECT DISTINCT currency FROM ${trusted(tableRef(wh, 'loans'))} ORDER BY currency`,
  );
  const codes = [...new Set(rows.map((r) => r.currency || defaultCurrency))].sort();
  return codes.length > 0 ? codes : [defaultCurrency];
}

/**
 * The unit of every amount on a page, said once (key figures print 49.15亿 / 4.92B without one):
 * 金额单位：元 / Amounts in CNY; another single currency by its code; a book in several currencies
 * is summed as recorded, unconverted, and says so.
 */
export function amountsIn(currencies: readonly string[], lang: Lang): string {
  const codes = currencies.length > 0 ? currencies : [defaultCurrency];
  if (codes.length === 1) {
    const c = codes[0]!;
    return lang === 'zh-CN' ? `金额单位：${c === 'CNY' ? '元' : c}` : `Amounts in ${c}`;
  }
  return lang === 'zh-CN'
    ? `金额：各贷款原币种（${codes.join('、')}）直接相加，未折算`
    : `Amounts: each loan's own currency (${codes.join(', ')}), added as recorded, not converted`;
}
