import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { csvRecords } from '../../../lib/csv-records.ts';
import { packTemplates } from '../../../reports/catalogue.ts';
import { buildReportPack } from '../../../reports/pack.ts';
import { cjkFontFile } from '../../../reports/render/fonts.ts';
import { sheetName, writePackWorkbook } from '../../../reports/render/xlsx.ts';
import { chartSheetNames } from '../../../reports/render/sheet-names.ts';
import type { MetricColumn } from '../../../warehouse/metrics/definition.ts';
import type { Lang } from '../../../reports/i18n.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';

/** a pack CSV as a spreadsheet reads it: a leading BOM (summary.csv, breakdown-*.csv) is not part of the header */
const readCsv = async (path: string) => {
  const records: string[][] = [];
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/u, '');
  for await (const r of csvRecords(Readable.from([text]))) records.push(r.fields);
  return records;
};

/** the key figures as the summary engineer's summary.csv lays them out, one row per unit and status */
const summaryCsv = [
  'section,id,label,unit,value,previous_month,change_on_month,year_start,change_on_year_start,same_month_last_year,change_on_year,threshold,status',
  'management,outstanding,贷款余额,money,588224495.58,580000000.10,8224495.48,550000000,38224495.58,,,,',
  'management,npl_ratio,不良率,pct,0.0213,0.0201,0.0012,0.019,0.0023,0.018,0.0033,0.03,amber',
  'regulatory,provision_coverage,"拨备覆盖率, 监管 ≥ 150%",pct,1.42,1.55,-0.13,1.6,-0.18,,,1.5,red',
  'management,warnings,预警数,count,48,51,-3,,,,,,green',
  'management,psi,PSI,number,0.0134,0.0121,0.0013,,,,,0.1,green',
].join('\n');
const breakdownCsv = [
  'product,outstanding,npl_ratio,loans',
  'consumer,120000.50,0.0312,410',
  'mortgage,880000.25,0.004,95',
].join('\n');

describe('the pack workbook (report.xlsx)', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const out = tmpDir('workbook');
  const zh = join(out, 'management-zh-CN'),
    en = join(out, 'regulatory-en'),
    synthetic = join(out, 'synthetic');
  const books: Record<string, ExcelJS.Workbook> = {};

  beforeAll(async () => {
    wh = await warehouseForReports('workbook');
    const fontFile = cjkFontFile();
    await buildReportPack(wh, {
      pack: 'management',
      period: '2024-06',
      lang: 'zh-CN',
      formats: [],
      outDir: zh,
      fontFile,
    });
    await buildReportPack(wh, { pack: 'regulatory', period: '2024-06', lang: 'en', formats: [], outDir: en, fontFile });
    // key figures and a breakdown with every unit and status, beside a manifest with no chart
    mkdirSync(synthetic);
    writeFileSync(
      join(synthetic, 'manifest.json'),
      JSON.stringify({ lang: 'zh-CN', period: { monthEnd: '2024-06-30' }, charts: [] }),
    );
    writeFileSync(join(synthetic, 'summary.csv'), `${summaryCsv}\n`);
    writeFileSync(join(synthetic, 'breakdown-product.csv'), `${breakdownCsv}\n`);
    for (const [name, dir] of [
      ['zh', zh],
      ['en', en],
      ['synthetic', synthetic],
    ] as const) {
      await writePackWorkbook(dir);
      books[name] = new ExcelJS.Workbook();
      await books[name].xlsx.readFile(join(dir, 'report.xlsx'));
    }
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
    rmSync(out, { recursive: true, force: true });
  });

  const manifestOf = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      lang: Lang;
      charts: { id: string; title: string; columns: MetricColumn[] }[];
      summary: { breakdowns: string[] };
    };

  const isPoints = (numFmt: string | undefined) => /pp"|个百分点"/u.test(numFmt ?? '');

  /** every cell equals its CSV value: numbers as numbers, dates as dates, blanks blank, the rest as text */
  const expectSheetEqualsCsv = (ws: ExcelJS.Worksheet, csv: string[][], what: string) => {
    const [header, ...rows] = csv;
    expect(ws.getRow(1).values, what).toEqual([undefined, ...header!]);
    expect(ws.rowCount, what).toBe(csv.length);
    rows.forEach((values, r) => {
      values.forEach((v, c) => {
        const cell = ws.getRow(r + 2).getCell(c + 1);
        const where = `${what} ${header![c]} row ${r + 2}`;
        if (v === '') expect(cell.value, where).toBeNull();
        else if (cell.value instanceof Date) {
          expect(cell.value.toISOString().slice(0, 10), where).toBe(v);
          expect(cell.numFmt, where).toBe('yyyy-mm-dd');
        } else if (typeof cell.value === 'number' && isPoints(cell.numFmt))
          // a change of a ratio: its percentage points, the CSV's difference of fractions × 100
          expect(cell.value, where).toBeCloseTo(Number(v) * 100, 10);
        else if (typeof cell.value === 'number') expect(cell.value, where).toBe(Number(v));
        else expect(cell.value, where).toBe(v);
      });
    });
  };

  it('one sheet per table: the key figures, every chart in the manifest order, the breakdowns; cells equal the CSVs', async () => {
    for (const [name, dir, summaryTitle] of [
      ['zh', zh, '关键指标'],
      ['en', en, 'Key figures'],
    ] as const) {
      const m = manifestOf(dir);
      const sheets = books[name]!.worksheets;
      // the breakdowns in the PDF's order: product, region, branch (they came branch, product, region)
      const breakdowns = m.summary.breakdowns.map((d) => `breakdown-${d}.csv`);
      expect(m.summary.breakdowns).toEqual(['product', 'region', 'branch']);
      expect(
        readdirSync(dir)
          .filter((f) => /^breakdown-.+\.csv$/u.test(f))
          .sort(),
      ).toEqual([...breakdowns].sort());
      const tables = [
        ...(existsSync(join(dir, 'summary.csv')) ? ['summary.csv'] : []),
        ...m.charts.map((c) => `${c.id}.csv`),
        ...breakdowns,
      ];
      expect(sheets, name).toHaveLength(tables.length);
      if (tables[0] === 'summary.csv') expect(sheets[0]!.name).toBe(summaryTitle);
      const offset = tables[0] === 'summary.csv' ? 1 : 0;
      // each chart under its own short name, never its title cut at 31 characters
      m.charts.forEach((c, i) => {
        expect(sheets[offset + i]!.name, c.id).toBe(chartSheetNames[c.id]![m.lang]);
      });
      expect(sheets.at(-3)!.name).toBe(name === 'zh' ? '按产品' : 'By product');
      for (const [i, file] of tables.entries())
        expectSheetEqualsCsv(sheets[i]!, await readCsv(join(dir, file)), `${name} ${file}`);
    }
    expect(manifestOf(zh).charts.map((c) => c.id)).toEqual(packTemplates('management').map((t) => t.id));
    // no summary.csv, no key-figures sheet; a breakdown under its dimension's name
    expect(books.synthetic!.worksheets.map((s) => s.name)).toEqual(['关键指标', '按产品']);
    expectSheetEqualsCsv(books.synthetic!.worksheets[0]!, await readCsv(join(synthetic, 'summary.csv')), 'summary');
    expectSheetEqualsCsv(
      books.synthetic!.worksheets[1]!,
      await readCsv(join(synthetic, 'breakdown-product.csv')),
      'breakdown',
    );
    rmSync(join(synthetic, 'summary.csv'));
    await writePackWorkbook(synthetic);
    const without = new ExcelJS.Workbook();
    await without.xlsx.readFile(join(synthetic, 'report.xlsx'));
    expect(without.worksheets.map((s) => s.name)).toEqual(['按产品']);
  });

  it('sheet names: Chinese chart titles in the zh-CN pack, at most 31 characters, none of []:*?/\\, unique', () => {
    const names = books.zh!.worksheets.map((s) => s.name);
    // every sheet of the Chinese pack is named in Chinese (a chart title, 关键指标, 按产品…)
    expect(names.filter((n) => /[\u4e00-\u9fff]/u.test(n))).toEqual(names);
    for (const n of [...names, ...books.en!.worksheets.map((s) => s.name)]) {
      expect(n.length, n).toBeLessThanOrEqual(31);
      expect(n, n).not.toMatch(/[[\]:*?/\\]/u);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    const taken = new Set<string>();
    const long = 'Five-category migration rates (substandard → doubtful, by balance)';
    expect(sheetName(long, taken)).toBe('Five-category migration rates');
    expect(sheetName(long, taken)).toBe('Five-category migration rat (2)');
    expect(sheetName('FIVE-CATEGORY MIGRATION RATES', taken)).toBe('FIVE-CATEGORY MIGRATION RAT (3)');
    expect(sheetName('逾期率、PAR30/90: [趋势]?', taken)).toBe('逾期率、PAR30-90 趋势');
    for (let i = 0; i < 200; i++) {
      const n = sheetName('x'.repeat(i % 40) + '/*'.repeat(i % 3), taken);
      expect(n.length).toBeLessThanOrEqual(31);
    }
    expect(taken.size).toBe(204);
  });

  it('formats by column kind: ratios and shares as 0.00% of their fractions, money #,##0.00, counts #,##0, dates as dates', () => {
    const m = manifestOf(zh);
    const sheets = books.zh!.worksheets;
    const offset = existsSync(join(zh, 'summary.csv')) ? 1 : 0;
    let checked = 0;
    m.charts.forEach((c, i) => {
      const ws = sheets[offset + i]!;
      const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
      header.forEach((h, j) => {
        const col = c.columns.find((x) => x.name === h)!;
        const cells = Array.from({ length: ws.rowCount - 1 }, (_, r) => ws.getRow(r + 2).getCell(j + 1)).filter(
          (x) => x.value !== null,
        );
        for (const cell of cells) {
          const where = `${c.id}.${h}`;
          if (col.kind === 'ratio' || col.denominator) {
            // a value too small for two decimals reads <0.01% (test/unit/reports/render/xlsx.test.ts)
            const tiny = cell.value !== 0 && Math.abs(Number(cell.value)) < 0.00005;
            expect(cell.numFmt, where).toBe(tiny ? '[=0]0.00%;[<0.00005]"<0.01%";0.00%' : '0.00%');
            expect(typeof cell.value, where).toBe('number');
          } else if (col.kind === 'measure') {
            // the book's one currency in every amount's cell
            expect(cell.numFmt, where).toBe('#,##0.00"元"');
          } else if (col.kind === 'count') {
            expect(cell.numFmt, where).toBe('#,##0');
            expect(Number.isInteger(cell.value), where).toBe(true);
          } else if (col.kind === 'dimension' && !(cell.value instanceof Date))
            expect(typeof cell.value, where).toBe('string');
          checked++;
        }
      });
      // the header row stays in view
      expect(ws.views[0], c.id).toMatchObject({ state: 'frozen', ySplit: 1 });
    });
    expect(checked).toBeGreaterThan(1000);
    const overdue = sheets[offset + m.charts.findIndex((c) => c.id === 'overdue-trend')]!;
    expect(overdue.getRow(2).getCell(1).value).toBeInstanceOf(Date);
  });

  it("the key figures are formatted by each row's unit, with the status coloured", () => {
    const ws = books.synthetic!.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const col = (name: string) => header.indexOf(name) + 1;
    const byUnit: Record<string, string> = {
      money: '#,##0.00"元"',
      pct: '0.00%',
      count: '#,##0',
      number: '#,##0.00##',
    };
    const pointsZh = '+0.00"个百分点";-0.00"个百分点";0.00"个百分点"';
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const unit = row.getCell(col('unit')).value as string;
      for (const name of ['value', 'previous_month', 'change_on_month', 'threshold', 'change_on_year']) {
        const cell = row.getCell(col(name));
        // a ratio's change in percentage points: Excel's 0.00% would show +0.12 pp as +0.12%
        const expected = unit === 'pct' && name.startsWith('change_') ? pointsZh : byUnit[unit];
        if (cell.value !== null) expect(cell.numFmt, `${unit} ${name}`).toBe(expected);
      }
      expect(typeof row.getCell(col('label')).value).toBe('string');
    }
    expect(ws.getRow(4).getCell(col('value')).value).toBe(1.42);
    expect(ws.getRow(4).getCell(col('label')).value).toBe('拨备覆盖率, 监管 ≥ 150%');
    expect(ws.getRow(4).getCell(col('status')).fill).toMatchObject({ fgColor: { argb: 'FFF4C7C3' } });
    expect(ws.getRow(3).getCell(col('change_on_month')).value).toBe(0.12);
    expect(ws.getRow(4).getCell(col('change_on_year_start')).value).toBe(-18);
    const breakdown = books.synthetic!.worksheets.at(-1)!;
    expect([2, 3, 4].map((c) => breakdown.getRow(2).getCell(c).numFmt)).toEqual(['#,##0.00"元"', '0.00%', '#,##0']);
  });

  it("a breakdown's changes of ratios in percentage points, its shares and ratios in %, in the pack's language", () => {
    const pointsEn = '+0.00" pp";-0.00" pp";0.00" pp"';
    const byProduct = books.en!.worksheets.find((w) => w.name === 'By product')!;
    const header = (byProduct.getRow(1).values as unknown[]).slice(1) as string[];
    const format = (name: string) => byProduct.getRow(2).getCell(header.indexOf(name) + 1).numFmt;
    for (const name of [
      'change_in_m1plus_ratio',
      'change_in_npl_ratio',
      'mix_effect',
      'rate_effect',
      'contribution_to_npl_ratio_change',
    ])
      expect(format(name), name).toBe(pointsEn);
    for (const name of ['npl_ratio', 'm1plus_ratio_previous_month', 'share_of_npl_balance_change'])
      expect(format(name), name).toBe('0.00%');
    for (const name of ['balance', 'change_in_balance', 'npl_balance'])
      expect(format(name), name).toBe('"CNY "#,##0.00');
  });

  it('a book in several currencies: amounts added as recorded, their cells with no currency', async () => {
    const mixed = join(out, 'mixed');
    mkdirSync(mixed);
    writeFileSync(
      join(mixed, 'manifest.json'),
      JSON.stringify({
        lang: 'en',
        period: { monthEnd: '2024-06-30' },
        charts: [],
        summary: { currencies: ['CNY', 'USD'] },
      }),
    );
    writeFileSync(join(mixed, 'summary.csv'), `${summaryCsv}\n`);
    await writePackWorkbook(mixed);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(mixed, 'report.xlsx'));
    const ws = book.worksheets[0]!;
    expect(ws.getRow(2).getCell(5).numFmt).toBe('#,##0.00');
    expect(ws.getRow(3).getCell(7).numFmt).toBe('+0.00" pp";-0.00" pp";0.00" pp"');
  });
});
