import { defineChart } from '../../template.ts';
import { labels, type Lang } from '../../i18n.ts';
import { lineInView, monthField, pctAxis, ruleAt, shown, units } from '../../spec.ts';
import { seriesColours } from '../../theme.ts';

/** 2012 rules on loan-loss provisions (商业银行贷款损失准备管理办法): the regulatory floors drawn on the charts */
export const coverageFloor = 1.5;
export const provisionRatioFloor = 0.025;

const line = (field: string, title: string, colour: string, floor: number, floorLabel: string) => ({
  layer: [
    // the floor always in view, even when every month is far above or below it; a month far above
    // it stays on the axis
    ...lineInView(
      {
        colour,
        encoding: {
          y: { field, type: 'quantitative', title, axis: pctAxis },
          tooltip: [
            { field: 'month_end', type: 'nominal' },
            { field, type: 'quantitative', format: '.2%' },
            { field: 'provision', type: 'quantitative', format: ',.2f' },
          ],
        },
      },
      floor * 1.2,
    ),
    ...ruleAt(floor, floorLabel),
  ],
});
const source = {
  'zh-CN': '拨备来自导入的拨备文件，全行口径。',
  en: 'Provisions from the loaded provisions file (bank-wide).',
};

export default defineChart({
  id: 'provision-coverage',
  pack: 'regulatory',
  title: { 'zh-CN': '拨备覆盖率', en: 'Provision coverage' },
  note: {
    'zh-CN': `拨备覆盖率 = 贷款损失准备 / 不良贷款余额；虚线为监管下限 150%。${source['zh-CN']}`,
    en: `Coverage = loan-loss provisions / NPL balance; dashed: the regulatory floor of 150%. ${source.en}`,
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'provision_coverage', request: { as_of: p.monthEnd, from: p.from, to: p.monthEnd } }),
  body: (_rows, lang: Lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    ...line(
      'provision_coverage',
      { 'zh-CN': '拨备覆盖率', en: 'Provision coverage' }[lang],
      seriesColours.C ?? '',
      coverageFloor,
      lang === 'zh-CN' ? '监管下限 150%' : 'floor 150%',
    ),
  }),
});

export const provisionRatio = defineChart({
  id: 'provision-ratio',
  pack: 'regulatory',
  title: { 'zh-CN': '贷款拨备率', en: 'Provision ratio (provisions / loans)' },
  note: {
    'zh-CN': `贷款拨备率 = 贷款损失准备 / 在贷余额；虚线为监管下限 2.5%。${source['zh-CN']}`,
    en: `Provision ratio = loan-loss provisions / outstanding loans; dashed: the regulatory floor of 2.5%. ${source.en}`,
  },
  unit: units.pct,
  shows: shown.monthEnds,
  data: (p) => ({ metric: 'provision_coverage', request: { as_of: p.monthEnd, from: p.from, to: p.monthEnd } }),
  body: (_rows, lang: Lang) => ({
    encoding: { x: monthField('month_end', labels.month_end[lang]) },
    ...line(
      'provision_ratio',
      { 'zh-CN': '贷款拨备率', en: 'Provision ratio' }[lang],
      seriesColours.M4 ?? '',
      provisionRatioFloor,
      lang === 'zh-CN' ? '监管下限 2.5%' : 'floor 2.5%',
    ),
  }),
});
