import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { templates } from '../../../../reports/catalogue.ts';
import {
  channelLabels,
  fiveClassLabels,
  formatMoney,
  languages,
  ruleLabels,
  severityLabels,
  stageLabels,
  teamLabel,
  type Lang,
} from '../../../../reports/i18n.ts';
import { noteBesides } from '../../../../reports/render/html.ts';
import { renderSvg } from '../../../../reports/render/svg.ts';
import { productLabels } from '../../../../reports/summary/segments.ts';
import { chartSpec, chartSubtitleLines, chartView, wrapText } from '../../../../reports/spec.ts';
import { width as chartWidth } from '../../../../reports/theme.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';
import { minCureBalance } from '../../../../reports/templates/management/cure-rates.ts';
import { disposalOptionLabels } from '../../../../reports/templates/regulatory/disposal-options.ts';

/**
 * Every chart template of both packs in both languages, on the fixed rows of rows.json: the spec is
 * valid Vega-Lite and compiles without warnings, every field it reads is in its rows, it encodes what
 * the table below promises (fields, types, percent formats for ratios, money labels), the renderer
 * draws one mark per row (value), and the SVG carries the title, the axis and legend titles and the
 * category labels in the language.
 */

const require = createRequire(import.meta.url);
// the package's exports hide build/, so the schema is found next to its main entry
const schema = JSON.parse(
  readFileSync(join(dirname(require.resolve('vega-lite')), 'vega-lite-schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
const rows = JSON.parse(
  readFileSync(new URL('../../../fixtures/reports/rows.json', import.meta.url), 'utf8'),
) as Record<string, Row[]>;

// ---- the promise of each template ---------------------------------------------------------------

type FieldType = 'quantitative' | 'ordinal' | 'nominal';
/** a channel's field and type; '%' = a ratio, shown with a percent format; 'money' = amounts in 万/亿 or K/M/B */
type Enc = readonly [field: string, type: FieldType, shown?: '%' | 'money'];
const checkedChannels = ['x', 'y', 'color', 'text'] as const;
type Checked = (typeof checkedChannels)[number];
type PromisedUnit = { mark: 'bar' | 'line' | 'rect' | 'text' | 'point' } & Partial<Record<Checked, Enc>>;
/** what the renderer draws, from the scenegraph: items per mark type, and how many separate lines */
interface Drawn {
  rect: number;
  symbol: number;
  text: number;
  line: number;
  lines: number;
  /** threshold rules (regulatory limits, PSI bands) */
  rule: number;
}
interface Promised {
  /** one per view (a layered chart has one per layer) */
  units: PromisedUnit[];
  /** the marks drawn on the rows; a type not given draws nothing */
  drawn(rows: Row[]): Partial<Drawn>;
  /** texts the SVG shows besides the chart, axis and legend titles (category labels in the language) */
  texts?(rows: Row[], lang: Lang): string[];
  /** texts it must not show (codes the chart translates or leaves out) */
  absent?(rows: Row[]): string[];
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** rows with a number in each field, summed over the fields: one bar or point each (null draws nothing) */
const valid = (rs: Row[], ...fields: string[]) =>
  fields.reduce((n, f) => n + rs.filter((r) => isNumber(r[f])).length, 0);
const distinct = (rs: Row[], f: string) => [...new Set(rs.map((r) => String(r[f])))];
const months = (rs: Row[], f = 'month_end') => distinct(rs, f).map((d) => d.slice(0, 7));
const byLang = (lang: Lang, zh: string[], en: string[]) => (lang === 'zh-CN' ? zh : en);

const monthX: Enc = ['month_end', 'ordinal'];
const overdueMeasures = ['overdue_ratio', 'par30', 'par90', 'npl_ratio'];
const collectionRates = ['contact_rate', 'promise_to_pay_rate', 'promise_kept_rate', 'cure_rate'];
/** 2021-07-01 → 2021Q3 */
function quarter(d: string) {
  return `${d.slice(0, 4)}Q${Math.ceil(Number(d.slice(5, 7)) / 3)}`;
}
const vintage = (x: 30 | 90): Promised => ({
  units: [
    {
      mark: 'line',
      x: ['mob', 'quantitative'],
      y: [`ever${x}_rate`, 'quantitative', '%'],
      color: ['cohort_group', 'nominal'],
    },
    // a text layer for each of the four newest cohorts' names (each its own lift)
    ...Array.from({ length: 4 }, (): PromisedUnit => ({
      mark: 'text',
      x: ['mob', 'quantitative'],
      y: [`ever${x}_rate`, 'quantitative', '%'],
      color: ['cohort_group', 'nominal'],
      text: ['cohort_quarter', 'nominal'],
    })),
  ],
  // one line per cohort; the four newest named at their line's end
  drawn: (rs) => {
    const qs = [...new Set(distinct(rs, 'cohort').map(quarter))];
    return { line: rs.length, lines: qs.length, text: Math.min(4, qs.length) };
  },
  texts: (rs) => [...new Set(distinct(rs, 'cohort').map(quarter))].slice(-4),
});
const stageNames = (stages: string[], lang: Lang) => stages.map((s) => stageLabels[s]![lang]);
const classLabels = (rs: Row[], field: string, lang: Lang) => distinct(rs, field).map((c) => fiveClassLabels[c]![lang]);
const lateBuckets = (rs: Row[]) => rs.filter((r) => r.from_bucket !== 'C' && Number(r.from_total) >= minCureBalance);
const flowRows = (rs: Row[]) => rs.filter((r) => r.from_bucket !== 'M7+');

const promised: Record<string, Promised> = {
  'portfolio-balance': {
    units: [{ mark: 'bar', x: monthX, y: ['outstanding', 'quantitative', 'money'] }],
    drawn: (rs) => ({ rect: valid(rs, 'outstanding') }),
    texts: (rs) => months(rs),
  },
  'new-business': {
    units: [{ mark: 'bar', x: monthX, y: ['new_business', 'quantitative', 'money'] }],
    drawn: (rs) => ({ rect: valid(rs, 'new_business') }),
    texts: (rs) => months(rs),
  },
  'overdue-trend': {
    units: [{ mark: 'line', x: monthX, y: ['value', 'quantitative', '%'], color: ['measure', 'nominal'] }],
    // the four ratios folded into one line each
    drawn: (rs) => ({ line: 4 * rs.length, lines: 4, symbol: valid(rs, ...overdueMeasures) }),
    texts: (rs, lang) => [
      ...months(rs),
      ...byLang(
        lang,
        ['逾期率（M1+）', 'PAR30', 'PAR90', '不良率'],
        ['Overdue ratio (M1+)', 'PAR30', 'PAR90', 'NPL ratio'],
      ),
    ],
    absent: () => overdueMeasures,
  },
  'vintage-ever30': vintage(30),
  'vintage-ever90': vintage(90),
  'roll-rate-heatmap': {
    units: [
      {
        mark: 'rect',
        x: ['to_bucket', 'ordinal'],
        y: ['from_bucket', 'ordinal'],
        color: ['flow_share', 'quantitative', '%'],
      },
      {
        mark: 'text',
        x: ['to_bucket', 'ordinal'],
        y: ['from_bucket', 'ordinal'],
        text: ['flow_share', 'quantitative', '%'],
      },
    ],
    drawn: (rs) => ({ rect: valid(rs, 'flow_share'), text: valid(rs, 'flow_share') }),
    texts: (rs, lang) => [
      ...byLang(lang, ['正常(C)', '结清(PO)'], ['C', 'PO (paid off)']),
      ...rs.map((r) => `${(100 * Number(r.flow_share)).toFixed(1)}%`),
    ],
  },
  'flow-rate-trend': {
    units: [
      {
        mark: 'line',
        x: monthX,
        y: ['roll_forward_rate', 'quantitative', '%'],
        color: ['from_bucket', 'nominal'],
      },
    ],
    // M7+ has no later delinquency bucket: its write-offs are the next chart's
    drawn: (rs) => ({
      line: flowRows(rs).length,
      lines: distinct(flowRows(rs), 'from_bucket').length,
      symbol: valid(flowRows(rs), 'roll_forward_rate'),
    }),
    texts: (rs) => [...months(rs), 'C→M1+', 'M6→M7+'],
    absent: () => ['M7+→WO', 'M6→M7++'],
  },
  'write-offs': {
    units: [
      // the fixture's months may have no write-off (an empty money axis): amounts are checked in the pack test
      { mark: 'bar', x: monthX, y: ['written_off', 'quantitative'], color: ['from_bucket', 'nominal'] },
    ],
    drawn: (rs) => ({ rect: rs.filter((r) => Number(r.written_off) > 0).length }),
  },
  'cure-rates': {
    units: [
      { mark: 'line', x: monthX, y: ['cure_rate_shown', 'quantitative', '%'], color: ['from_bucket', 'nominal'] },
      { mark: 'point', x: monthX, y: ['cure_rate_shown', 'quantitative', '%'], color: ['from_bucket', 'nominal'] },
    ],
    // current loans (C) do not cure, and a bucket under the minimum balance is not drawn: no point, and
    // its line breaks there (a line item at every month of the bucket, the ones left out undefined)
    drawn: (rs) => {
      const late = lateBuckets(rs);
      const buckets = distinct(late, 'from_bucket');
      const allMonths = distinct(
        rs.filter((r) => r.from_bucket !== 'C'),
        'month_end',
      );
      return {
        line: buckets.length * allMonths.length,
        lines: buckets.length,
        symbol: valid(late, 'cure_rate'),
      };
    },
    texts: (rs) => distinct(lateBuckets(rs), 'from_bucket'),
  },
  'recovery-curves': {
    units: [
      {
        mark: 'line',
        x: ['months_since_default', 'quantitative'],
        y: ['recovery_rate', 'quantitative', '%'],
        color: ['default_quarter', 'nominal'],
      },
    ],
    drawn: (rs) => ({
      line: rs.length,
      lines: distinct(rs, 'default_cohort').length,
      symbol: valid(rs, 'recovery_rate'),
    }),
    texts: (rs) => distinct(rs, 'default_cohort').map(quarter),
  },
  'collections-channel': {
    units: [
      {
        mark: 'bar',
        x: ['channel_label', 'nominal'],
        y: ['value', 'quantitative', '%'],
        color: ['measure', 'nominal'],
      },
    ],
    // four rates per channel, one bar each; a rate without a denominator (null) draws none
    drawn: (rs) => ({ rect: valid(rs, ...collectionRates) }),
    texts: (rs, lang) => [
      ...distinct(rs, 'channel').map((c) => channelLabels[c]![lang]),
      ...byLang(
        lang,
        ['接通率', '承诺还款率', '承诺兑现率', '回正率'],
        ['Contact rate', 'Promise-to-pay rate', 'Promise kept rate', 'Cure rate'],
      ),
    ],
    absent: (rs) => [...distinct(rs, 'channel'), ...collectionRates],
  },
  'collections-team': {
    units: [
      {
        mark: 'bar',
        x: ['collected', 'quantitative', 'money'],
        y: ['team_label', 'nominal'],
        color: ['cure_rate', 'quantitative', '%'],
      },
    ],
    drawn: (rs) => ({ rect: valid(rs, 'collected') }),
    // team codes in Chinese in the Chinese pack
    texts: (rs, lang) => distinct(rs, 'team').map((t) => teamLabel(t, lang)),
  },
  'incentives-team': {
    units: [
      { mark: 'bar', x: ['value', 'quantitative', 'money'], y: ['team_label', 'nominal'], color: ['part', 'nominal'] },
      { mark: 'point', x: ['award', 'quantitative'], y: ['team_label', 'nominal'] },
    ],
    // six parts per team (a zero part is a zero-width bar), and the award as one diamond
    drawn: (rs) => ({ rect: 6 * rs.length, symbol: valid(rs, 'award') }),
    texts: (rs, lang) => [
      ...distinct(rs, 'team').map((t) => teamLabel(t, lang)),
      ...byLang(lang, ['回收提成', '回正奖励', '违规扣罚'], ['Commission', 'Cure bonus', 'Rule-breach deductions']),
    ],
  },
  'ew-score-distribution': {
    units: [{ mark: 'bar', x: ['grade', 'ordinal'], y: ['loans', 'quantitative'] }],
    drawn: (rs) => ({ rect: valid(rs, 'loans') }),
    texts: (rs) => distinct(rs, 'grade'),
  },
  'ew-monitoring': {
    units: [
      // each line's points a layer of their own (spec.ts lineInView)
      { mark: 'line', x: monthX, y: ['score_psi', 'quantitative'] },
      { mark: 'point', x: monthX, y: ['score_psi', 'quantitative'] },
      { mark: 'line', x: monthX, y: ['auc', 'quantitative'] },
      { mark: 'point', x: monthX, y: ['auc', 'quantitative'] },
    ],
    // a month without a realised AUC yet (null) breaks the AUC line and has no point; PSI 0.1 and 0.25 drawn
    drawn: (rs) => ({ line: 2 * rs.length, lines: 2, symbol: valid(rs, 'score_psi', 'auc'), rule: 2, text: 2 }),
    texts: (rs, lang) => [
      ...months(rs),
      ...byLang(lang, ['PSI 0.1 关注', 'PSI 0.25 需重训'], ['PSI 0.1 watch', 'PSI 0.25 act']),
    ],
  },
  'ew-top-warnings': {
    units: [
      { mark: 'bar', x: ['warnings', 'quantitative'], y: ['rule_label', 'nominal'], color: ['severity', 'nominal'] },
    ],
    drawn: (rs) => ({ rect: valid(rs, 'warnings') }),
    texts: (rs, lang) => [
      ...distinct(rs, 'rule_id').map((r) => ruleLabels[r]?.[lang] ?? r),
      ...distinct(rs, 'severity').map((v) => severityLabels[v]![lang]),
    ],
    // the rules by the summary's names in both languages, never by their codes
    absent: (rs) => distinct(rs, 'rule_id'),
  },
  'warning-effectiveness': {
    units: [
      { mark: 'rect', x: ['column', 'ordinal'], y: ['row_label', 'ordinal'] },
      { mark: 'text', x: ['column', 'ordinal'], y: ['row_label', 'ordinal'], text: ['text', 'nominal'] },
    ],
    // level 30 only: four rate cells per rule or grade (two measures × two horizons), three at 3 months
    drawn: (rs) => {
      const cells =
        2 * rs.filter((r) => r.level === 30 && r.horizon === 1).length +
        5 * rs.filter((r) => r.level === 30 && r.horizon === 3).length;
      return { rect: cells, text: cells };
    },
    // rule labels in the language; grades as 'Grade X'; a small volume (3 months) marked †
    texts: (rs, lang) =>
      rs
        .filter((r) => r.level === 30 && r.horizon === 3)
        .map(
          (r) =>
            `${r.subject_kind === 'grade' ? `${lang === 'zh-CN' ? '评级' : 'Grade'} ${String(r.subject)}` : (ruleLabels[String(r.subject)]?.[lang] ?? String(r.subject))}${r.volume_flag === 'small' ? ' †' : ''}`,
        ),
    absent: (rs) => distinct(rs, 'subject').flatMap((r) => [r, `${r} †`]),
  },
  'warning-thresholds': {
    units: [
      { mark: 'rect', x: ['measure', 'ordinal'], y: ['row_key', 'ordinal'] },
      { mark: 'text', x: ['measure', 'ordinal'], y: ['row_key', 'ordinal'], text: ['text', 'nominal'] },
    ],
    // per threshold rule and horizon (DPD > 30): its current threshold's row and the dominating one's, four cells each
    drawn: (rs) => {
      const cells = 8 * rs.filter((r) => r.level === 30).length;
      return { rect: cells, text: cells };
    },
    // each rule at both horizons by name; each detection rate over its own fraction, found / rolled (over
    // 30 DPD); the warned volume and precision (found ÷ warned) on their own; what dominates, or that none does
    texts: (rs, lang) => {
      const shown = rs.filter((r) => r.level === 30);
      const n = (v: unknown) => Number(v).toLocaleString('en-US');
      const horizon = (h: number) => (lang === 'zh-CN' ? `${h} 个月内` : `${h} month${h === 1 ? '' : 's'}`);
      const thresholdAs = (kind: string, v: number, l: Lang) =>
        kind === 'consecutive_overdue'
          ? `${v} ${l === 'zh-CN' ? '个月' : v === 1 ? 'month' : 'months'}`
          : kind === 'overdue_amount'
            ? n(Math.round(v))
            : String(Number(v.toFixed(3)));
      return [
        ...shown.map(
          (r) => `${ruleLabels[String(r.rule_id)]?.[lang] ?? String(r.rule_id)} · ${horizon(Number(r.horizon))}`,
        ),
        ...byLang(
          lang,
          ['阈值', '发现率', '预警量', '精确率', '期内逾期超过 30 天；发现率（发现 / 期内逾期超过 30 天）'],
          [
            'Threshold',
            'Detection',
            'Warned',
            'Precision',
            'Over 30 DPD within the horizon; detection (found / over 30 DPD)',
          ],
        ),
        ...shown.flatMap((r) => [
          `${(100 * Number(r.current_detection_rate)).toFixed(1)}% (${n(r.current_detected)}/${n(r.rolled)})`,
          n(r.current_warned),
          // precision is found ÷ warned
          `${((100 * Number(r.current_detected)) / Number(r.current_warned)).toFixed(1)}%`,
          ...(r.suggested_threshold === null
            ? [
                byLang(lang, ['无（未被占优）'], ['none (not dominated)'])[0]!,
                byLang(lang, ['— 占优阈值'], ['— dominating threshold'])[0]!,
              ]
            : [
                `${(100 * Number(r.suggested_detection_rate)).toFixed(1)}% (${n(r.suggested_detected)}/${n(r.rolled)})`,
                n(r.suggested_warned),
                `${((100 * Number(r.suggested_detected)) / Number(r.suggested_warned)).toFixed(1)}%`,
                // the dominating rule by name in its row, its threshold as that rule's kind reads it in the cell
                `${byLang(lang, ['— 占优：'], ['— dominating: '])[0]!}${ruleLabels[String(r.suggested_rule_id)]?.[lang] ?? String(r.suggested_rule_id)}`,
                thresholdAs(
                  String(rs.find((x) => x.rule_id === r.suggested_rule_id)?.kind),
                  Number(r.suggested_threshold),
                  lang,
                ),
              ]),
        ]),
      ];
    },
    // the precision's fraction (found / warned) is not shown as the detection's; rules by name, not code
    absent: (rs) =>
      rs
        .filter((r) => r.level === 30)
        .flatMap((r) => [
          `${(100 * Number(r.current_detection_rate)).toFixed(1)}% (${Number(r.current_detected).toLocaleString('en-US')}/${Number(r.current_warned).toLocaleString('en-US')})`,
          String(r.rule_id),
          ...(r.suggested_rule_id === null ? [] : [`${String(r.suggested_rule_id)} ${String(r.suggested_threshold)}`]),
        ]),
  },
  'loss-forecast': {
    units: [{ mark: 'bar', x: ['month_ahead', 'ordinal'], y: ['charged_off', 'quantitative', 'money'] }],
    drawn: (rs) => ({ rect: valid(rs, 'charged_off') }),
    texts: (rs) => distinct(rs, 'month_ahead'),
  },
  'five-category-distribution': {
    units: [
      {
        mark: 'bar',
        x: ['outstanding', 'quantitative', 'money'],
        y: ['class_label', 'nominal'],
        color: ['five_class', 'nominal'],
      },
      {
        mark: 'text',
        x: ['outstanding', 'quantitative', 'money'],
        y: ['class_label', 'nominal'],
        text: ['label', 'nominal'],
      },
    ],
    // every class labelled with its amount and share
    drawn: (rs) => ({ rect: valid(rs, 'outstanding'), text: valid(rs, 'outstanding') }),
    texts: (rs, lang) => [
      ...classLabels(rs, 'five_class', lang),
      ...rs.map(
        // a share too small for two decimals is <0.01%, not 0.00% beside its balance
        (r) =>
          `${formatMoneyAxis(lang, Number(r.outstanding))} · ${Number(r.outstanding_share) > 0 && Number(r.outstanding_share) < 0.00005 ? '<0.01' : (100 * Number(r.outstanding_share)).toFixed(2)}%`,
      ),
    ],
    absent: (rs) => distinct(rs, 'five_class'),
  },
  'five-category-trend': {
    // the four classes other than normal at every month-end, a class without a row at 0
    units: [
      { mark: 'line', x: monthX, y: ['outstanding_share', 'quantitative', '%'], color: ['five_class', 'nominal'] },
    ],
    drawn: (rs) => {
      const n = distinct(rs, 'month_end').length;
      return { line: 4 * n, lines: 4, symbol: 4 * n };
    },
    texts: (rs, lang) => [
      ...months(rs),
      ...['special_mention', 'substandard', 'doubtful', 'loss'].map((c) => fiveClassLabels[c]![lang]),
    ],
    absent: (rs) => distinct(rs, 'five_class'),
  },
  'watch-by-product': {
    units: [
      { mark: 'bar', x: ['product', 'nominal'], y: ['value', 'quantitative', '%'], color: ['measure', 'nominal'] },
      {
        mark: 'text',
        x: ['product', 'nominal'],
        y: ['value', 'quantitative', '%'],
        text: ['value', 'quantitative', '%'],
      },
    ],
    drawn: (rs) => ({
      rect: valid(rs, 'special_mention_ratio', 'm3plus_ratio', 'm4plus_ratio'),
      text: valid(rs, 'special_mention_ratio', 'm3plus_ratio', 'm4plus_ratio'),
    }),
    texts: (rs, lang) => [
      // the products by name, never their codes
      ...distinct(rs, 'product').map((c) => productLabels[c]![lang]),
      ...byLang(
        lang,
        ['关注类占比', '逾期 60 天以上', '逾期 90 天以上'],
        ['Special mention', 'Overdue > 60 days', 'Overdue > 90 days'],
      ),
    ],
    absent: (rs) => distinct(rs, 'product'),
  },
  'npl-deviation': {
    units: [
      { mark: 'bar', x: monthX, y: ['npl_ratio', 'quantitative', '%'] },
      { mark: 'line', x: monthX, y: ['deviation', 'quantitative', '%'] },
      { mark: 'point', x: monthX, y: ['deviation', 'quantitative', '%'] },
    ],
    drawn: (rs) => ({
      rect: valid(rs, 'npl_ratio'),
      line: rs.length,
      lines: 1,
      symbol: valid(rs, 'deviation'),
      rule: 1,
      text: 1,
    }),
    texts: (rs, lang) => [...months(rs), byLang(lang, ['偏离度上限 100%'], ['deviation limit 100%'])[0]!],
  },
  'provision-coverage': {
    units: [
      { mark: 'line', x: monthX, y: ['provision_coverage', 'quantitative', '%'] },
      { mark: 'point', x: monthX, y: ['provision_coverage', 'quantitative', '%'] },
    ],
    drawn: (rs) => ({ line: rs.length, lines: 1, symbol: valid(rs, 'provision_coverage'), rule: 1, text: 1 }),
    texts: (rs, lang) => [...months(rs), byLang(lang, ['监管下限 150%'], ['floor 150%'])[0]!],
  },
  'provision-ratio': {
    units: [
      { mark: 'line', x: monthX, y: ['provision_ratio', 'quantitative', '%'] },
      { mark: 'point', x: monthX, y: ['provision_ratio', 'quantitative', '%'] },
    ],
    drawn: (rs) => ({ line: rs.length, lines: 1, symbol: valid(rs, 'provision_ratio'), rule: 1, text: 1 }),
    texts: (rs, lang) => [...months(rs), byLang(lang, ['监管下限 2.5%'], ['floor 2.5%'])[0]!],
  },
  'migration-rates': {
    units: [
      { mark: 'bar', x: ['class_label', 'nominal'], y: ['migration_rate', 'quantitative', '%'] },
      {
        mark: 'text',
        x: ['class_label', 'nominal'],
        y: ['migration_rate', 'quantitative', '%'],
        text: ['migration_rate', 'quantitative', '%'],
      },
    ],
    // a class with nothing left at the period end has no rate (null) and no bar; every rate printed
    drawn: (rs) => ({ rect: valid(rs, 'migration_rate'), text: valid(rs, 'migration_rate') }),
    texts: (rs, lang) => [
      ...classLabels(rs, 'from_class', lang),
      ...rs.filter((r) => isNumber(r.migration_rate)).map((r) => `${(100 * Number(r.migration_rate)).toFixed(2)}%`),
    ],
    absent: (rs) => distinct(rs, 'from_class'),
  },
  'class-migration-matrix': {
    units: [
      {
        mark: 'rect',
        x: ['to_label', 'nominal'],
        y: ['from_label', 'nominal'],
        color: ['start_balance_share', 'quantitative', '%'],
      },
      {
        mark: 'text',
        x: ['to_label', 'nominal'],
        y: ['from_label', 'nominal'],
        text: ['start_balance_share', 'quantitative', '%'],
      },
      { mark: 'text', x: ['to_label', 'nominal'], y: ['from_label', 'nominal'], text: ['amount_label', 'nominal'] },
    ],
    drawn: (rs) => ({ rect: rs.length, text: 2 * rs.length }),
    texts: (rs, lang) => [
      ...classLabels(rs, 'from_class', lang),
      ...byLang(lang, ['结清/收回', '核销'], ['Repaid / closed', 'Written off']),
    ],
    absent: (rs) => distinct(rs, 'from_class'),
  },
  'ifrs9-stages': {
    units: [{ mark: 'line', x: monthX, y: ['outstanding_share', 'quantitative', '%'], color: ['stage', 'nominal'] }],
    // stages 2 and 3 on their own scale (stage 1 is the rest)
    drawn: (rs) => {
      const shown = rs.filter((r) => Number(r.stage) !== 1);
      return { line: shown.length, lines: distinct(shown, 'stage').length, symbol: valid(shown, 'outstanding_share') };
    },
    texts: (rs, lang) => [...months(rs), ...stageNames(['2', '3'], lang)],
  },
  'ifrs9-ecl': {
    units: [
      { mark: 'bar', x: ['ecl', 'quantitative', 'money'], y: ['stage_label', 'nominal'], color: ['stage', 'nominal'] },
      { mark: 'text', y: ['stage_label', 'nominal'], text: ['label', 'nominal'] },
    ],
    // EAD, PD, LGD and coverage printed beside each stage, not only in the tooltip
    drawn: (rs) => ({ rect: valid(rs, 'ecl'), text: valid(rs, 'ecl') }),
    texts: (rs, lang) => [
      ...stageNames(distinct(rs, 'stage'), lang),
      ...rs.map(
        (r) =>
          `ECL ${formatMoneyAxis(lang, Number(r.ecl))} = EAD ${formatMoneyAxis(lang, Number(r.ead))} × PD ${(100 * Number(r.pd)).toFixed(2)}% × LGD ${(100 * Number(r.lgd)).toFixed(2)}%${lang === 'zh-CN' ? '；覆盖率 ' : '; coverage '}${(100 * Number(r.coverage)).toFixed(2)}%`,
      ),
    ],
  },
  'ecl-walk': {
    units: [
      { mark: 'bar', x: ['step_label', 'nominal'], y: ['before', 'quantitative', 'money'], color: ['kind', 'nominal'] },
      { mark: 'text', x: ['step_label', 'nominal'], y: ['after', 'quantitative'], text: ['amount_label', 'nominal'] },
    ],
    drawn: (rs) => ({ rect: rs.length, text: rs.length }),
    texts: (_rs, lang) =>
      byLang(
        lang,
        ['上月末 ECL', '新增贷款', '阶段迁移', '本月末 ECL'],
        ['Opening ECL', 'New loans', 'Stage moves', 'Closing ECL'],
      ),
    absent: () => ['opening', 'closing', 'stage_moves'],
  },
  'interest-arrears': {
    units: [{ mark: 'bar', x: monthX, y: ['amount', 'quantitative', 'money'], color: ['side', 'nominal'] }],
    // rows by month-end and accrual status, summed into three parts stacked: a bar per month and part
    drawn: (rs) => ({
      rect: new Set(
        rs.map((r) => {
          const status = String(r.accrual_status);
          const part = status === 'charged_off' ? 'wo' : status === 'non_accrual' ? 'na' : 'on';
          return `${String(r.month_end)}|${part}`;
        }),
      ).size,
    }),
    texts: (rs, lang) => [
      ...months(rs),
      ...byLang(
        lang,
        ['表内欠息', '表外欠息（非应计）', '表外欠息（已核销）'],
        ['On balance sheet', 'Off balance sheet: non-accrual', 'Off balance sheet: written off'],
      ),
    ],
  },
  'disposal-options': {
    units: [
      {
        mark: 'bar',
        x: ['balance', 'quantitative', 'money'],
        y: ['option_label', 'nominal'],
        color: ['recommended', 'nominal'],
      },
      {
        mark: 'text',
        x: ['balance', 'quantitative', 'money'],
        y: ['option_label', 'nominal'],
        text: ['label', 'nominal'],
      },
    ],
    // every option with loans: a bar labelled with balance, loans and expected recovery
    drawn: (rs) => ({ rect: valid(rs, 'balance'), text: valid(rs, 'balance') }),
    texts: (rs, lang) => rs.map((r) => disposalOptionLabels[r.recommended as keyof typeof disposalOptionLabels][lang]),
    absent: () => ['collateral_sale', 'debt_sale'],
  },
};

/** the charts' money axis format (i18n moneyLabelExpr) in TypeScript: 3.1亿 / 1,428万 / 6,700; 310.5M / 14K */
function formatMoneyAxis(lang: Lang, x: number): string {
  const a = Math.abs(x);
  const f0 = (v: number) => Math.round(v).toLocaleString('en');
  if (lang === 'zh-CN') return a >= 1e8 ? `${(x / 1e8).toFixed(1)}亿` : a >= 1e4 ? `${f0(x / 1e4)}万` : f0(x);
  return a >= 1e9
    ? `${(x / 1e9).toFixed(1)}B`
    : a >= 1e6
      ? `${(x / 1e6).toFixed(1)}M`
      : a >= 1e3
        ? `${Math.round(x / 1e3)}K`
        : f0(x);
}

// ---- reading a spec -----------------------------------------------------------------------------

interface FieldDef {
  field?: string;
  type?: string;
  title?: string;
  format?: string;
  stack?: string;
  axis?: { format?: string } | null;
  legend?: { format?: string } | null;
  condition?: { test?: string };
}
type Encoding = Partial<Record<string, FieldDef | FieldDef[]>>;
type Transform =
  | { calculate: string; as: string }
  | { filter: string }
  | { fold: string[]; as: [string, string] }
  | { joinaggregate: { field: string; as: string }[]; groupby: string[] }
  | { aggregate: { op: string; field: string; as: string }[]; groupby: string[] }
  | { pivot: string; value: string; groupby: string[] }
  | { impute: string; key: string; groupby?: string[]; value?: unknown };
interface ViewSpec {
  title?: string;
  mark?: string | { type: string };
  encoding?: Encoding;
  transform?: Transform[];
  layer?: ViewSpec[];
}
interface Unit {
  mark: string;
  encoding: Encoding;
  transform: Transform[];
}

/**
 * Each data view (layers nested at any depth) with its mark, the encodings it inherits merged in,
 * and the transforms before it. Threshold rules and their labels (encodings of a constant datum,
 * no field) are decoration, not data views.
 */
function unitsOf(spec: ViewSpec, inherited: Encoding = {}, before: Transform[] = []): Unit[] {
  const encoding = { ...inherited, ...spec.encoding };
  const transform = [...before, ...(spec.transform ?? [])];
  if (spec.layer) return spec.layer.flatMap((v) => unitsOf(v, encoding, transform));
  const unit = { mark: typeof spec.mark === 'string' ? spec.mark : (spec.mark?.type ?? ''), encoding, transform };
  const decoration = Object.values(spec.encoding ?? {}).some((d) => [d ?? []].flat().some((x) => 'datum' in x));
  return decoration ? [] : [unit];
}
const single = (d: FieldDef | FieldDef[] | undefined) => (Array.isArray(d) ? undefined : d);
/** fields a Vega expression reads from its datum */
const datumFields = (expr: string) =>
  [...expr.matchAll(/datum\.(\w+)|datum\["([^"]+)"\]/gu)].map((m) => (m[1] ?? m[2])!);
const isPercent = (format: string | undefined) => format?.endsWith('%') ?? false;
/** where a channel's labels take their format */
const shownFormat = (channel: Checked, d: FieldDef) =>
  channel === 'text' ? d.format : channel === 'color' ? d.legend?.format : d.axis?.format;

const unescape = (s: string) =>
  s
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&quot;/gu, '"')
    .replace(/&amp;/gu, '&');
/** each text of the SVG; a multi-line text (a wrapped footnote) gives one per line */
const svgTexts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gu)].flatMap((m) => {
    const lines = [...m[1]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/gu)].map((t) => unescape(t[1]!));
    return lines.length > 0 ? lines : [unescape(m[1]!)];
  });

interface SceneNode {
  marktype?: string;
  role?: string;
  items?: SceneNode[];
}
/** the data marks of a rendered view: items per mark type, and the number of line marks drawn */
function drawnMarks(root: SceneNode): Drawn {
  const n: Drawn = { rect: 0, symbol: 0, text: 0, line: 0, lines: 0, rule: 0 };
  const visit = (node: SceneNode) => {
    if (node.marktype && node.role === 'mark' && node.marktype !== 'group') {
      const items = node.items?.length ?? 0;
      if (node.marktype === 'line') {
        n.line += items;
        if (items > 0) n.lines += 1;
      } else if (node.marktype in n) n[node.marktype as keyof Drawn] += items;
      else throw new Error(`unexpected mark type ${node.marktype}`);
    }
    for (const child of node.items ?? []) visit(child);
  };
  visit(root);
  return n;
}

interface Bounded extends SceneNode {
  text?: unknown;
  bounds?: { x1: number; x2: number; y1: number; y2: number };
}
/** pairs of a legend's labels whose boxes overlap ("80%100%" at the end of a gradient) */
function overlappingLegendLabels(root: Bounded): string[] {
  const found: string[] = [];
  const visit = (node: Bounded) => {
    if (node.role === 'legend-label') {
      const items = (node.items ?? []) as Bounded[];
      items.forEach((a, i) => {
        for (const b of items.slice(i + 1)) {
          const [p, q] = [a.bounds!, b.bounds!];
          if (p.x1 < q.x2 - 0.5 && q.x1 < p.x2 - 0.5 && p.y1 < q.y2 - 0.5 && q.y1 < p.y2 - 0.5)
            found.push(`${String(a.text)} / ${String(b.text)}`);
        }
      });
    }
    for (const child of node.items ?? []) visit(child);
  };
  visit(root);
  return found;
}

function compileQuietly(spec: TopLevelSpec) {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => {
      warnings.push(a.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
    error: (...a: unknown[]) => {
      throw new Error(a.join(' '));
    },
  };
  return { compiled: compile(spec, { logger }).spec, warnings };
}

// ---- the tests ----------------------------------------------------------------------------------

/** the report period the fixture rows were captured for (test/fixtures/reports/capture-rows.ts) */
const period: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };

describe('report templates', () => {
  it('cover both packs with unique ids; each has rows in the fixture and a promise below', () => {
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    expect(new Set(templates.map((t) => t.pack))).toEqual(new Set(['management', 'regulatory']));
    for (const t of templates) expect(rows[t.id]?.length, t.id).toBeGreaterThan(0);
    expect(Object.keys(promised).sort()).toEqual(templates.map((t) => t.id).sort());
  });

  for (const t of templates) {
    const rs = rows[t.id]!;
    const promise = promised[t.id]!;
    for (const lang of languages) {
      describe(`${t.id} (${lang})`, () => {
        const spec = chartSpec(t, rs, lang, period);
        const view = chartView(spec) as unknown as ViewSpec;
        const units = unitsOf(view);

        it('is valid Vega-Lite and compiles without warnings', () => {
          expect(validate(spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
          expect(compileQuietly(spec).warnings).toEqual([]);
          expect((spec as { title?: { text?: string } }).title?.text).toBe(t.title[lang]);
        });

        it('reads only fields its rows have (or its transforms derive)', () => {
          const inEveryRow = (f: string) => rs.every((r) => Object.hasOwn(r, f));
          for (const u of units) {
            const derived = new Set<string>();
            const known = (f: string) => derived.has(f) || inEveryRow(f);
            // a pivot's columns are its field's values: a code with no row has no column (read with isValid)
            let pivoted = false;
            for (const tr of u.transform) {
              if ('fold' in tr) {
                for (const f of tr.fold) expect(pivoted || inEveryRow(f), `fold reads ${f}`).toBe(true);
                tr.as.forEach((f) => derived.add(f));
              } else if ('pivot' in tr) {
                for (const f of [tr.pivot, tr.value, ...tr.groupby]) expect(known(f), `pivot reads ${f}`).toBe(true);
                pivoted = true;
              } else if ('impute' in tr) {
                for (const f of [tr.impute, tr.key, ...(tr.groupby ?? [])])
                  expect(known(f), `impute reads ${f}`).toBe(true);
              } else if ('aggregate' in tr) {
                for (const a of tr.aggregate) {
                  expect(known(a.field), `aggregate reads ${a.field}`).toBe(true);
                  derived.add(a.as);
                }
                for (const f of tr.groupby) expect(known(f), `aggregate groups by ${f}`).toBe(true);
              } else if ('joinaggregate' in tr) {
                for (const a of tr.joinaggregate) {
                  expect(known(a.field), `joinaggregate reads ${a.field}`).toBe(true);
                  derived.add(a.as);
                }
              } else {
                const expr = 'calculate' in tr ? tr.calculate : tr.filter;
                for (const f of datumFields(expr)) expect(known(f), `${expr} reads ${f}`).toBe(true);
                if ('as' in tr) derived.add(tr.as);
              }
            }
            for (const [channel, def] of Object.entries(u.encoding))
              for (const d of [def ?? []].flat()) {
                if (d.field !== undefined) expect(known(d.field), `${channel} encodes ${d.field}`).toBe(true);
                for (const f of datumFields(d.condition?.test ?? ''))
                  expect(known(f), `${channel} condition reads ${f}`).toBe(true);
              }
          }
        });

        it('encodes what it promises: fields, types, percent formats for ratios', () => {
          expect(units.map((u) => u.mark)).toEqual(promise.units.map((p) => p.mark));
          units.forEach((u, i) => {
            const p = promise.units[i]!;
            for (const channel of checkedChannels) {
              const d = single(u.encoding[channel]);
              const want = p[channel];
              expect(d?.field, `${u.mark} ${channel}`).toBe(want?.[0]);
              if (!want || !d) continue;
              expect(d.type, `${channel} type`).toBe(want[1]);
              const format = shownFormat(channel, d);
              if (want[2] === '%') expect(isPercent(format), `${channel} format ${format}`).toBe(true);
              else expect(isPercent(format), `${channel} format ${format}`).toBe(false);
            }
            // a ratio's tooltip shows a percent too (a 100%-stacked amount stays an amount there)
            const ratios = checkedChannels
              .map((c) => [p[c], single(u.encoding[c])] as const)
              .filter(([want, d]) => want?.[2] === '%' && d?.stack !== 'normalize')
              .map(([want]) => want![0]);
            const tooltip = [u.encoding.tooltip ?? []].flat();
            for (const tip of tooltip.filter((x) => x.field !== undefined && ratios.includes(x.field)))
              expect(isPercent(tip.format), `tooltip ${tip.field} format ${tip.format}`).toBe(true);
          });
          expect(
            units.some((u) => [u.encoding.tooltip ?? []].flat().length > 0),
            'a tooltip',
          ).toBe(true);
        });

        it('draws one mark per row (value) and shows the title, axis and legend titles and labels', async () => {
          const vg = new vega.View(vega.parse(compileQuietly(spec).compiled), { renderer: 'none' });
          try {
            await vg.runAsync();
            const root = (vg.scenegraph() as unknown as { root: SceneNode }).root;
            expect(drawnMarks(root)).toEqual({
              rect: 0,
              symbol: 0,
              text: 0,
              line: 0,
              lines: 0,
              rule: 0,
              ...promise.drawn(rs),
            });
            expect(overlappingLegendLabels(root)).toEqual([]);
          } finally {
            vg.finalize();
          }

          const svg = await renderSvg(spec);
          const texts = svgTexts(svg);
          expect(texts).toContain(t.title[lang]);
          // the HTML and PDF repeat under the chart only what its SVG does not carry: none of its own note
          expect(noteBesides(svg, t.note[lang])).toBe('');
          // a standalone SVG/PNG says which period it shows, as of when, in what unit, and carries its note
          // (on two lines where one would run past the chart: what it shows, then the as-of date and unit)
          for (const line of chartSubtitleLines(t, period, lang, t.size?.width ?? chartWidth, true, rs))
            expect(texts).toContain(line);
          expect(texts.some((x) => x.includes(period.monthEnd))).toBe(true);
          // the chart wraps its note at its own width: a line of this wrap may straddle one of its breaks
          const notes = [texts.join(''), texts.join(' ')];
          for (const line of wrapText(t.note[lang], 60))
            expect(
              notes.some((n) => n.includes(line.slice(0, 10))),
              line,
            ).toBe(true);
          const titles = units.flatMap((u) =>
            checkedChannels
              .filter((c) => c !== 'text')
              .map((c) => single(u.encoding[c]))
              .filter((d) => d?.title !== undefined && d.legend !== null)
              .map((d) => d!.title!),
          );
          expect(titles.length).toBeGreaterThanOrEqual(2);
          for (const s of [...titles, ...(promise.texts?.(rs, lang) ?? [])]) expect(texts, s).toContain(s);
          for (const s of promise.absent?.(rs) ?? []) expect(texts, s).not.toContain(s);
          // no label of a missing value (a threshold rule that picked up the month field drew one)
          expect(texts.filter((x) => /^(undefin|null$|NaN$)/u.test(x))).toEqual([]);
          // ratio axes and legends label in percent; money in 万/亿 for Chinese, K/M/B for English
          const shown = new Set(promise.units.flatMap((p) => checkedChannels.map((c) => p[c]?.[2])));
          if (shown.has('%')) expect(texts.some((s) => /^-?[\d.,]+%$/u.test(s))).toBe(true);
          if (shown.has('money')) {
            const unit = lang === 'zh-CN' ? /^-?[\d.,]+[万亿]$/u : /^-?[\d.,]+[KMB]$/u;
            expect(texts.some((s) => unit.test(s))).toBe(true);
          }
        });
      });
    }
  }
});

describe('number formats by language', () => {
  it('money in 万/亿 for Chinese, K/M/B for English', () => {
    expect(formatMoney('zh-CN', 123_456_789)).toBe('1.23亿');
    expect(formatMoney('zh-CN', 45_600)).toBe('4.56万');
    // one format a column: the decimal kept when it is 0; three figures below 10万, as K keeps them
    expect(formatMoney('zh-CN', 2_119_900)).toBe('212.0万');
    expect(formatMoney('zh-CN', 9_187_000)).toBe('918.7万');
    expect(formatMoney('zh-CN', -39_592.29)).toBe('-3.96万');
    expect(formatMoney('en', -39_592.29)).toBe('-39.6K');
    expect(formatMoney('zh-CN', 999)).toBe('999');
    expect(formatMoney('en', 2_500_000_000)).toBe('2.50B');
    expect(formatMoney('en', 4_560_000)).toBe('4.6M');
    expect(formatMoney('en', 45_600)).toBe('45.6K');
  });
});
