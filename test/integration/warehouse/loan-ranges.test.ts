import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { querySql } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { inLoanPart } from '../../../warehouse/loan-part.ts';
import { loanRangeParts } from '../../../warehouse/loan-ranges.ts';
import { joinSql, sql, trusted } from '../../../warehouse/sql.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/**
 * Range passes of a per-loan step: every loan falls in exactly one part, whatever the count and the
 * ids' spelling (the engine's byte order, not a locale's), and the parts cut by payments hold about
 * equal numbers of them when loans have very different numbers of payments.
 */
describe('loanRangeParts', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  // ids whose byte order differs from numeric, case-insensitive or UTF-16 order; loan i has i + 1 payments
  const ids = [
    ...Array.from({ length: 40 }, (_, i) => `L${String(i).padStart(3, '0')}`),
    '9',
    '10',
    'a',
    'B',
    'b-1',
    'Z',
    'é-1',
    '贷款-7',
    '😀',
    'Ａ-2',
  ];
  beforeAll(async () => {
    wh = await testWarehouse('loan-ranges');
    await wh.client.insert({
      table: tableRef(wh, 'loans'),
      values: ids.map((loan_id) => ({ loan_id })),
      format: 'JSONEachRow',
    });
    await wh.client.insert({
      table: tableRef(wh, 'payments'),
      values: ids.flatMap((loan_id, i) =>
        Array.from({ length: i + 1 }, (_, k) => ({ loan_id, payment_id: `${loan_id}-${k}`, amount: 1 })),
      ),
      format: 'JSONEachRow',
    });
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  /** how many of the parts hold each loan, and each part's rows of `table` */
  const coverage = async (parts: Awaited<ReturnType<typeof loanRangeParts>>, table: 'loans' | 'payments') => {
    const inParts = joinSql(
      parts.map((p) => sql`toUInt32(${inLoanPart('loan_id', p)})`),
      ' + ',
    );
    const loans = await querySql<{ loan_id: string; k: number }>(
      wh,
      sql`SELECT loan_id, ${inParts} AS k FROM ${trusted(tableRef(wh, 'loans'))}`,
    );
    const rows = await Promise.all(
      parts.map(async (p) => {
        const [r] = await querySql<{ n: string }>(
          wh,
          sql`SELECT count() AS n FROM ${trusted(tableRef(wh, table))} WHERE ${inLoanPart('loan_id', p)}`,
        );
        return Number(r?.n ?? 0);
      }),
    );
    return { loans, rows };
  };

  it.each([1, 2, 3, 5, 8, 49, 60])('%i parts: every loan in exactly one, by loans and by payments', async (count) => {
    for (const rowsOf of ['loans', 'payments'] as const) {
      const parts = await loanRangeParts(wh, count, rowsOf);
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(parts.length).toBeLessThanOrEqual(count);
      const { loans, rows } = await coverage(parts, rowsOf);
      expect(loans).toHaveLength(ids.length);
      expect(
        loans.filter((l) => l.k !== 1),
        `${rowsOf}, ${count} parts`,
      ).toEqual([]);
      expect(
        rows.every((n) => n > 0),
        `no empty part (${rowsOf}, ${count})`,
      ).toBe(true);
    }
  });

  it('parts cut by payments hold about equal numbers of payments', async () => {
    const total = (ids.length * (ids.length + 1)) / 2;
    const count = 4;
    const { rows } = await coverage(await loanRangeParts(wh, count, 'payments'), 'payments');
    expect(rows.reduce((a, b) => a + b, 0)).toBe(total);
    // a cut falls inside one loan's payments at most: a part is off the even share by less than the largest loan's
    for (const n of rows) expect(Math.abs(n - total / count)).toBeLessThanOrEqual(ids.length);
  });

  it('an empty table gives the whole book as one part', async () => {
    await wh.client.command({ query: `TRUNCATE TABLE ${tableRef(wh, 'payments')}` });
    expect(await loanRangeParts(wh, 3, 'payments')).toEqual([{ count: 1, index: 0 }]);
    expect((await loanRangeParts(wh, 3, 'loans')).length).toBe(3);
  });
});
