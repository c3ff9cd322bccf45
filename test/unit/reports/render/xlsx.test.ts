import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePackWorkbook } from '../../../../reports/render/xlsx.ts';

/**
 * Review 3: the workbook showed the loss share 0.000001 as 0.00% beside a loss balance of 4,472.43,
 * where the PDF and HTML print <0.01% (docs/reports.md: never 0.00% beside a balance).
 */
const summaryCsv = [
  '\uFEFFsection,id,label,unit,currency,value,previous_month,change_on_month,year_start,change_on_year_start,same_month_last_year,change_on_year,threshold,status',
  'five_category,balance_loss,Loss balance,money,CNY,4472.43,0.00,4472.43,0.00,4472.43,0.00,4472.43,,',
  'five_category,share_loss,Loss share,pct,,0.000001,0.000000,0.000001,0.000000,0.000001,0.000000,0.000001,,',
  'asset_quality,npl_ratio,NPL ratio,pct,,0.010097,0.011103,-0.001006,0.009470,0.000626,0.022134,-0.012037,,',
  // under 0.00005 %: 0.000000 at the CSV's 6 decimals
  'five_category,share_doubtful,Doubtful share,pct,,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,,',
].join('\n');
/** summary.json's unrounded values of the same figures (what the pages print from) */
const summaryJson = {
  figures: [
    { id: 'share_loss', value: 9.098927277471983e-7, previous_month: 0 },
    { id: 'npl_ratio', value: 0.0100971, previous_month: 0.0111 },
    { id: 'share_doubtful', value: 4e-7, previous_month: 0, change_on_month: 4e-7 },
  ],
};
const fiveCategoryCsv = [
  'five_class,outstanding,outstanding_share',
  'loss,4472.43,9.098927277471984e-7',
  'normal,4733293580.03,0.9629640724979035',
  'shrinking,0,-9e-7',
  'empty,0,0',
].join('\n');
const manifest = {
  lang: 'en',
  period: { monthEnd: '2024-06-30' },
  charts: [
    {
      id: 'five-category-distribution',
      title: 'Five-category classification: balance and share',
      columns: [
        { name: 'five_class', kind: 'dimension' },
        { name: 'outstanding', kind: 'measure' },
        { name: 'outstanding_share', kind: 'measure', denominator: 'outstanding balance' },
      ],
    },
  ],
};

/** the section of a number format Excel shows x with: the first whose [condition] holds, else the last */
function sectionFor(numFmt: string, x: number): string {
  const sections = numFmt.split(';');
  for (const section of sections) {
    const m = /^\[(<=|>=|<>|<|>|=)(-?[\d.]+)\](.*)$/u.exec(section);
    if (!m) return section;
    const [, op, bound, rest] = m as unknown as [string, string, string, string];
    const b = Number(bound);
    const holds = { '<': x < b, '>': x > b, '=': x === b, '<=': x <= b, '>=': x >= b, '<>': x !== b }[op];
    if (holds) return rest;
  }
  return sections.at(-1)!;
}

describe('the workbook: a ratio too small for two decimals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-tiny-share-'));
  const book = new ExcelJS.Workbook();
  beforeAll(async () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'summary.csv'), `${summaryCsv}\n`);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summaryJson));
    writeFileSync(join(dir, 'five-category-distribution.csv'), `${fiveCategoryCsv}\n`);
    await writePackWorkbook(dir);
    await book.xlsx.readFile(join(dir, 'report.xlsx'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cellOf = (sheet: string, row: number, column: string) => {
    const ws = book.getWorksheet(sheet)!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    return ws.getRow(row).getCell(header.indexOf(column) + 1);
  };

  it('reads <0.01% in the key figures and keeps its number', () => {
    const share = cellOf('Key figures', 3, 'value');
    expect(share.value).toBe(0.000001);
    expect(sectionFor(share.numFmt, 0.000001)).toBe('"<0.01%"');
    // a 0 typed over it reads 0.00%, a larger value as every ratio
    expect(sectionFor(share.numFmt, 0)).toBe('0.00%');
    expect(sectionFor(share.numFmt, 0.0123)).toBe('0.00%');
    // last month's 0 is 0.00%; an ordinary ratio keeps the plain format
    expect(cellOf('Key figures', 3, 'previous_month').numFmt).toBe('0.00%');
    expect(cellOf('Key figures', 4, 'value').numFmt).toBe('0.00%');
  });

  it("a share the CSV rounds to 0.000000 takes its unrounded value from summary.json; other cells stay the CSV's", () => {
    const doubtful = cellOf('Key figures', 5, 'value');
    expect(doubtful.value).toBe(4e-7);
    expect(sectionFor(doubtful.numFmt, 4e-7)).toBe('"<0.01%"');
    // a true 0 and a change (in percentage points) stay as the CSV has them
    expect(cellOf('Key figures', 5, 'previous_month').value).toBe(0);
    expect(cellOf('Key figures', 5, 'change_on_month').value).toBe(0);
    expect(cellOf('Key figures', 3, 'value').value).toBe(0.000001);
    expect(cellOf('Key figures', 4, 'value').value).toBe(0.010097);
  });

  it("reads <0.01% in a chart's sheet (five-category shares), >-0.01% below 0, 0.00% for 0", () => {
    const sheet = book.worksheets[1]!.name;
    const loss = cellOf(sheet, 2, 'outstanding_share');
    expect(loss.value).toBe(9.098927277471984e-7);
    expect(sectionFor(loss.numFmt, Number(loss.value))).toBe('"<0.01%"');
    const negative = cellOf(sheet, 4, 'outstanding_share');
    expect(sectionFor(negative.numFmt, Number(negative.value))).toBe('">-0.01%"');
    expect(cellOf(sheet, 3, 'outstanding_share').numFmt).toBe('0.00%');
    expect(cellOf(sheet, 5, 'outstanding_share').numFmt).toBe('0.00%');
  });
});

describe('the workbook: whole numbers in a column of scores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-thresholds-'));
  const book = new ExcelJS.Workbook();
  beforeAll(async () => {
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        lang: 'en',
        period: { monthEnd: '2024-06-30' },
        charts: [
          {
            id: 'warning-thresholds',
            title: 'Warning thresholds',
            columns: [
              { name: 'rule', kind: 'dimension' },
              { name: 'current_threshold', kind: 'number' },
            ],
          },
        ],
      }),
    );
    writeFileSync(join(dir, 'summary.csv'), `${summaryCsv}\n`);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summaryJson));
    writeFileSync(
      join(dir, 'warning-thresholds.csv'),
      'rule,current_threshold\noverdue_amount_50k,50000\nconsecutive_overdue,3\npsi_shift,0.25\n',
    );
    await writePackWorkbook(dir);
    await book.xlsx.readFile(join(dir, 'report.xlsx'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a CNY limit or a count of months reads 50,000 and 3, a share keeps four decimals', () => {
    const ws = book.worksheets.find(
      (w) => w.name !== book.worksheets[0]!.name && w.getRow(2).getCell(1).value === 'overdue_amount_50k',
    )!;
    const fmt = (row: number) => ws.getRow(row).getCell(2).numFmt;
    expect([fmt(2), fmt(3), fmt(4)]).toEqual(['#,##0', '#,##0', '0.0000']);
    expect(ws.getRow(2).getCell(2).value).toBe(50000);
  });
});
