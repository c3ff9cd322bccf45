import { describe, expect, it } from 'vitest';
import { languages } from '../../../../reports/i18n.ts';
import {
  breakdownCsv,
  breakdownCsvColumns,
  summaryCsv,
  summaryCsvColumns,
  summaryCurrency,
  summaryIn,
} from '../../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../../reports/summary/thresholds.ts';
import type { Pack } from '../../../../reports/template.ts';
import { summaryData } from './summary-data.ts';
import { csvRecords } from '../../../../lib/csv-records.ts';

/**
 * summary.csv and breakdown-*.csv are for spreadsheets: a UTF-8 BOM first (Excel on Windows reads
 * the Chinese labels right), and numbers as the metrics CSV writes them — money to 2 decimals,
 * fractions to 6, counts whole — each the summary's value rounded, never a float's 17 digits.
 */
const thresholds = loadThresholds(defaultThresholdsFile);

/** the records of a CSV text, read by the ingest's own RFC 4180 reader; a malformed record fails the test */
async function parse(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of csvRecords([text])) {
    expect(r.malformed, r.raw).toBeUndefined();
    rows.push(r.fields);
  }
  return rows;
}
const decimals = { money: 2, pct: 6, count: 0, number: 6 } as const;
const shape = {
  money: /^-?\d+\.\d{2}$/u,
  pct: /^-?\d+\.\d{6}$/u,
  count: /^-?\d+$/u,
  number: /^-?\d+(\.\d{1,6})?$/u,
} as const;
/** a value scaled by `k` (several sizes: tiny ratios, large balances) */
const scaled = (pack: Pack, k: number) => {
  const d = summaryData(pack);
  return {
    ...d,
    figures: d.figures.map((f) => ({
      ...f,
      values: Object.fromEntries(
        Object.entries(f.values).map(([key, v]) => [
          key,
          v === null ? null : f.def.unit === 'count' ? Math.round(v * k) : v * k,
        ]),
      ) as typeof f.values,
    })),
  };
};

describe('the pack CSVs for spreadsheets', () => {
  for (const pack of ['management', 'regulatory'] as const)
    for (const lang of languages)
      for (const k of [1, 1e-3, 7.3])
        it(`${pack} ${lang} ×${k}: a BOM, then each number rounded as its unit is`, async () => {
          const summary = summaryIn(scaled(pack, k), lang, thresholds, 'default');
          const text = summaryCsv(summary);
          expect(text.startsWith('\uFEFFsection,')).toBe(true);
          expect(text.indexOf('\uFEFF', 1)).toBe(-1);
          const [head, ...lines] = await parse(text.slice(1));
          expect(head).toEqual([...summaryCsvColumns]);
          expect(lines.length).toBe(summary.figures.length);
          lines.forEach((cells, i) => {
            const f = summary.figures[i]!;
            expect(cells[summaryCsvColumns.indexOf('label')]).toBe(f.label);
            for (const col of summaryCsvColumns) {
              if (col === 'currency') continue;
              const want = f[col];
              const cell = cells[summaryCsvColumns.indexOf(col)]!;
              if (typeof want !== 'number') continue;
              expect(cell, `${f.id}.${col}`).toMatch(shape[f.unit]);
              expect(Math.abs(Number(cell) - want), `${f.id}.${col}`).toBeLessThanOrEqual(
                0.5 * 10 ** -decimals[f.unit] + 1e-12,
              );
            }
          });
          for (const b of summary.breakdowns) {
            const csv = breakdownCsv(b, summary.currencies ?? []);
            expect(csv.startsWith('\uFEFFrank,')).toBe(true);
            const [bh, ...rows] = await parse(csv.slice(1));
            expect(bh).toEqual([...breakdownCsvColumns]);
            expect(rows.map((r) => r[2])).toEqual([...b.rows, b.total].map((r) => r.segment_label));
            for (const r of rows)
              bh!.forEach((col, j) => {
                const cell = r[j]!;
                if (cell === '' || ['rank', 'segment', 'segment_label', 'currency'].includes(col)) return;
                expect(cell, `${b.dim}.${col}`).toMatch(/ratio|effect|share/u.test(col) ? shape.pct : shape.money);
              });
          }
        });
});

describe('summary.csv names the currency of its money', () => {
  const currencyOf = async (currencies: string[] | undefined) => {
    const summary = summaryIn({ ...summaryData('management'), currencies }, 'en', thresholds, 'default');
    const [head, ...lines] = await parse(summaryCsv(summary).slice(1));
    const unit = head!.indexOf('unit');
    const currency = head!.indexOf('currency');
    expect(currency).toBe(unit + 1);
    return lines.map((cells) => [cells[unit], cells[currency]] as const);
  };

  it('each money figure carries the book’s currency, other units none', async () => {
    const rows = await currencyOf(['USD']);
    expect(rows.some(([unit]) => unit === 'money')).toBe(true);
    for (const [unit, currency] of rows) expect(currency).toBe(unit === 'money' ? 'USD' : '');
  });

  it('a book without a currency recorded is in CNY; a mixed book names every code, summed unconverted', async () => {
    for (const [, currency] of (await currencyOf(undefined)).filter(([unit]) => unit === 'money'))
      expect(currency).toBe('CNY');
    expect(summaryCurrency(['CNY', 'USD'])).toBe('CNY+USD');
    for (const [, currency] of (await currencyOf(['CNY', 'USD'])).filter(([unit]) => unit === 'money'))
      expect(currency).toBe('CNY+USD');
  });
});

describe('breakdown-*.csv names the currency of its money, as summary.csv does', () => {
  const breakdownsOf = async (currencies: string[] | undefined) => {
    const summary = summaryIn({ ...summaryData('management'), currencies }, 'en', thresholds, 'default');
    expect(summary.breakdowns.length).toBeGreaterThan(0);
    return Promise.all(
      summary.breakdowns.map(async (b) => {
        const [head, ...lines] = await parse(breakdownCsv(b, summary.currencies ?? []).slice(1));
        return { head: head!, lines, segments: b.rows.length + 1 };
      }),
    );
  };

  it('a currency column after the segment’s names, before the first amount, on every line (the total too)', async () => {
    for (const { head, lines, segments } of await breakdownsOf(['USD'])) {
      // summary.csv's rule: the code stands after the columns that name the line, before its numbers
      expect(head.indexOf('currency')).toBe(head.indexOf('segment_label') + 1);
      expect(head.indexOf('balance')).toBe(head.indexOf('currency') + 1);
      expect(lines.length).toBe(segments);
      for (const cells of lines) expect(cells[head.indexOf('currency')]).toBe('USD');
    }
  });

  it('the same cell as summary.csv’s money lines: CNY when no currency is recorded, every code of a mixed book', async () => {
    for (const currencies of [undefined, ['CNY'], ['CNY', 'USD']]) {
      const summary = summaryIn({ ...summaryData('management'), currencies }, 'en', thresholds, 'default');
      const [head, ...lines] = await parse(summaryCsv(summary).slice(1));
      const moneyCurrencies = new Set(
        lines.filter((c) => c[head!.indexOf('unit')] === 'money').map((c) => c[head!.indexOf('currency')]),
      );
      expect(moneyCurrencies.size).toBe(1);
      for (const { head: bh, lines: rows } of await breakdownsOf(currencies))
        for (const cells of rows) expect(moneyCurrencies.has(cells[bh.indexOf('currency')])).toBe(true);
    }
    const [mixed] = await breakdownsOf(['CNY', 'USD']);
    expect(mixed!.lines[0]![mixed!.head.indexOf('currency')]).toBe('CNY+USD');
  });
});
