import { defineChart } from '../../template.ts';
import { labels } from '../../i18n.ts';
import { foldMeasures, rateLines } from '../../spec.ts';

const measures = {
  provision_coverage: { 'zh-CN': '拨备覆盖率', en: 'Provision coverage' },
  provision_ratio: { 'zh-CN': '贷款拨备率', en: 'Provision / loans' },
};

export default defineChart({
  id: 'provision-coverage',
  pack: 'regulatory',
  title: { 'zh-CN': '拨备覆盖率与贷款拨备率', en: 'Provision coverage' },
  note: {
    'zh-CN': '拨备覆盖率 = 贷款损失准备 / 不良贷款余额；贷款拨备率 = 贷款损失准备 / 在贷余额。拨备来自导入的拨备文件。',
    en: 'Coverage = loan-loss provisions / NPL balance; provision ratio = provisions / outstanding loans. Provisions from the loaded provisions file.',
  },
  data: (p) => ({ metric: 'provision_coverage', request: { as_of: p.monthEnd, from: p.from, to: p.monthEnd } }),
  body: (_rows, lang) =>
    rateLines(lang, {
      month: 'month_end',
      rate: 'value',
      series: 'measure_label',
      seriesTitle: labels.measure[lang],
      transform: foldMeasures(measures, lang),
    }),
});
