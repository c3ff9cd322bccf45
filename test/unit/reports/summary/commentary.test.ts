import { describe, expect, it } from 'vitest';
import { breakdownOf } from '../../../../reports/summary/breakdown.ts';
import type { SummaryData } from '../../../../reports/summary/compute.ts';
import { summaryIn } from '../../../../reports/summary/summary.ts';
import { defaultThresholdsFile, loadThresholds, parseThresholds } from '../../../../reports/summary/thresholds.ts';
import { languages } from '../../../../reports/i18n.ts';
import { packs } from '../../../../reports/template.ts';
import { summaryData as data } from './summary-data.ts';
import { numbersNotInSummary, numberTokens } from '../../../helpers/summary-numbers.ts';

describe('the commentary', () => {
  const thresholds = loadThresholds(defaultThresholdsFile);
  for (const pack of packs)
    for (const lang of languages)
      it(`${pack} ${lang}: 3–6 sentences; every number in them is in the summary, written the same way`, () => {
        const s = summaryIn(data(pack), lang, thresholds, 'default');
        expect(s.commentary.length).toBeGreaterThanOrEqual(3);
        expect(s.commentary.length).toBeLessThanOrEqual(6);
        expect(s.commentary.flatMap(numberTokens).length).toBeGreaterThan(10);
        expect(numbersNotInSummary(JSON.parse(JSON.stringify(s)) as typeof s)).toEqual([]);
        // deterministic
        expect(summaryIn(data(pack), lang, thresholds, 'default').commentary).toEqual(s.commentary);
        // the breaches and the decomposition are said
        expect(s.commentary.join(' ')).toMatch(
          lang === 'zh-CN' ? /超出限额：.*拨备覆盖率/u : /Limits breached: .*Provision coverage/u,
        );
        expect(s.commentary.join(' ')).toMatch(
          lang === 'zh-CN' ? /按产品分解，个人住房贷款贡献最大/u : /by product Mortgage contributes most/u,
        );
      });

  it('names the largest contributor in the direction of the change, and the segment that offset it most', () => {
    // equal balances; consumer's NPL ratio rose (+0.07 pp of the book's), small business (-0.058 pp)
    // and mortgage (-0.049 pp) fell: the book's ratio fell 0.04 pp, so consumer, the largest in size,
    // is not where the fall came from
    const rates: [string, string, number, number][] = [
      ['consumer', 'east', 0.01, 0.0121],
      ['small_business', 'north', 0.02, 0.01826],
      ['mortgage', 'south', 0.015, 0.01353],
    ];
    const rows = rates.flatMap(([product, region, before, after]) =>
      (
        [
          ['2024-05-31', before],
          ['2024-06-30', after],
        ] as const
      ).map(([month_end, r]) => ({
        month_end,
        product,
        region,
        branch: `${region}-01`,
        outstanding: '100000000',
        m1plus: String(2 * r * 100_000_000),
        npl: String(r * 100_000_000),
      })),
    );
    for (const lang of languages) {
      const d = data('regulatory');
      d.breakdowns = (['product', 'region', 'branch'] as const).map((dim) =>
        breakdownOf(dim, rows, '2024-06-30', '2024-05-31'),
      );
      const s = summaryIn(d, lang, thresholds, 'default');
      const text = s.commentary.join(' ');
      expect(numbersNotInSummary(JSON.parse(JSON.stringify(s)) as typeof s)).toEqual([]);
      if (lang === 'en') {
        expect(text).toMatch(
          /Of the -0\.04 pp change in the NPL ratio, by product Small business contributes most: -0\.06 pp/u,
        );
        expect(text).toMatch(/by product .*offset most by Consumer loan \(\+0\.07 pp\)/u);
        expect(text).toMatch(/by region North contributes most: -0\.06 pp.*offset most by East \(\+0\.07 pp\)/u);
        expect(text).not.toMatch(/Consumer loan contributes most/u);
      } else {
        expect(text).toMatch(/不良率较上月变动 -0\.04个百分点，按产品分解，小微企业贷款贡献最大：-0\.06个百分点/u);
        expect(text).toMatch(/消费贷款反向抵消最多（\+0\.07个百分点）/u);
        expect(text).toMatch(/按区域分解，华北贡献最大：-0\.06个百分点.*华东反向抵消最多（\+0\.07个百分点）/u);
      }
    }
  });

  it('a limited figure without a value this month is named, never counted as within its limit', () => {
    // the first month of data: no NPL balance (no deviation), no provisions, no migration yet
    const noValue = new Set(['deviation', 'provision_coverage', 'provision_ratio', 'migration_normal']);
    const limits = parseThresholds(
      JSON.stringify({
        limits: {
          npl_ratio: { max: '5%' },
          deviation: { max: '100%', source: 'regulatory' },
          provision_coverage: { min: '150%', source: 'regulatory' },
          provision_ratio: { min: '2.5%', source: 'regulatory' },
          migration_normal: { max: '50%' },
        },
      }),
      'test.json',
    );
    const withGaps = (d: SummaryData): SummaryData => ({
      ...d,
      figures: d.figures.map((f) => (noValue.has(f.def.id) ? { ...f, values: { ...f.values, value: null } } : f)),
    });
    for (const lang of languages) {
      const s = summaryIn(withGaps(data('regulatory')), lang, limits, 'test.json');
      const text = s.commentary.join(' ');
      const label = (id: string) => s.figures.find((f) => f.id === id)!.label;
      if (lang === 'en') {
        expect(text).not.toMatch(/Every figure with a limit is within it/u);
        expect(text).toMatch(
          /The figures with a limit and a value this month are within it; no value this month for: /u,
        );
      } else {
        expect(text).not.toMatch(/所有设有限额的指标均在限额内/u);
        expect(text).toMatch(/有数值的设限指标均在限额内；本月无数值：/u);
      }
      for (const id of noValue) expect(text).toContain(label(id));
      expect(numbersNotInSummary(JSON.parse(JSON.stringify(s)) as typeof s)).toEqual([]);

      // and when no limited figure has a value at all, none is said to be within
      const none = summaryIn(
        withGaps(data('regulatory')),
        lang,
        { limits: Object.fromEntries(Object.entries(limits.limits).filter(([id]) => noValue.has(id))) },
        'test.json',
      ).commentary.join(' ');
      expect(none).toMatch(
        lang === 'en' ? /No figure with a limit has a value this month: / : /设有限额的指标本月均无数值：/u,
      );
      for (const id of noValue) expect(none).toContain(label(id));
    }
  });

  it('a bank-wide figure in a segment pack is named as such (ASCII brackets in English)', () => {
    // the fixture's provisions are bank-wide and below their regulatory floors
    const en = summaryIn(data('regulatory'), 'en', thresholds, 'default').commentary.join(' ');
    expect(en).toContain('Provision coverage (拨备覆盖率) (whole bank) at 110.80% is below the regulatory minimum');
    expect(en).toContain('Provision ratio (贷款拨备率) (whole bank) at 1.12%');
    expect(en).not.toMatch(/[（）]/u);
    const zh = summaryIn(data('regulatory'), 'zh-CN', thresholds, 'default').commentary.join(' ');
    expect(zh).toContain('拨备覆盖率（全行口径） 110.80%，低于监管下限');
    expect(zh).toContain('贷款拨备率（全行口径） 1.12%');
    // a figure the segment cuts carries no such label
    expect(zh).not.toMatch(/不良贷款率（全行口径）/u);
  });

  it('an amber figure is said to be below its amber line for a floor and above it for a ceiling', () => {
    // the fixture's provision coverage is 110.80% and its NPL ratio 1.01%: a floor and a ceiling, both amber
    const limits = parseThresholds(
      JSON.stringify({
        limits: {
          provision_coverage: { min: '100%', amber: '120%', source: 'regulatory' },
          npl_ratio: { max: '1.5%', amber: '1%' },
        },
      }),
      'amber.json',
    );
    const said = (lang: (typeof languages)[number]) =>
      summaryIn(data('regulatory'), lang, limits, 'amber.json').commentary.join(' ');
    const en = said('en');
    expect(en).toContain('Provision coverage (拨备覆盖率) (whole bank) at 110.80% is below its amber line of 120.00%');
    expect(en).toContain('NPL ratio at 1.01% is above its amber line of 1.00%');
    expect(en).not.toContain('past its amber line');
    const zh = said('zh-CN');
    expect(zh).toContain('拨备覆盖率（全行口径） 110.80%，低于预警线 120.00%');
    expect(zh).toContain('不良贷款率 1.01%，高于预警线 1.00%');
    expect(zh).not.toContain('已过预警线');
  });

  it('a number the summary does not hold is caught', () => {
    const s = summaryIn(data('management'), 'en', thresholds, 'default');
    expect(numbersNotInSummary({ ...s, commentary: [...s.commentary, 'NPL ratio 9.87%.'] })).toEqual([
      '9.87 in «NPL ratio 9.87%.»',
    ]);
  });
});
