import type { GateAction, GateRule } from '../../models/data/quality-gate.ts';
import type { Lang, Text } from '../../reports/i18n.ts';

/** the data-quality gate's decisions (models/data/quality-gate.ts GateAction) */
export const gateActionLabels: Record<GateAction, Text> = {
  keep: { 'zh-CN': '保留', en: 'kept' },
  numeric: { 'zh-CN': '按数值读取', en: 'read as numbers' },
  special: { 'zh-CN': '特殊值单独分箱', en: 'special values binned apart' },
  drop: { 'zh-CN': '删除', en: 'dropped' },
  'keep-leaky': { 'zh-CN': '保留，已允许的泄露列', en: 'kept, leaky but allowed' },
  refuse: { 'zh-CN': '拒绝训练', en: 'refused' },
};

/** the data-quality gate's rules (GateRule): what a decision was taken for */
export const gateRuleLabels: Record<GateRule, Text> = {
  ok: { 'zh-CN': '无问题', en: 'no issue' },
  'missing-markers': { 'zh-CN': '缺失值标记', en: 'missing-value markers' },
  'number-format': { 'zh-CN': '数字格式', en: 'number format' },
  sentinel: { 'zh-CN': '哨兵代码，如 96/98', en: 'sentinel codes such as 96/98' },
  constant: { 'zh-CN': '常量列', en: 'constant' },
  'near-constant': { 'zh-CN': '近似常量列', en: 'near-constant' },
  identifier: { 'zh-CN': '标识符列，近乎唯一', en: 'identifier, near-unique' },
  'personal-names': { 'zh-CN': '个人姓名', en: 'personal names' },
  'contact-data': { 'zh-CN': '个人联系方式', en: 'personal contact data' },
  date: { 'zh-CN': '日期列', en: 'date' },
  'free-text': { 'zh-CN': '自由文本', en: 'free text' },
  'high-cardinality': { 'zh-CN': '类别过多', en: 'too many categories' },
  leaky: { 'zh-CN': '泄露结果', en: 'leaks the outcome' },
  protected: { 'zh-CN': '受保护属性', en: 'protected attribute' },
};

/** a decision and its rule in the page's language: "dropped (identifier, near-unique)" / "删除（标识符列，近乎唯一）" */
export const gateDecisionWords = (action: GateAction, rule: GateRule, lang: Lang) =>
  lang === 'zh-CN'
    ? `${gateActionLabels[action][lang]}（${gateRuleLabels[rule][lang]}）`
    : `${gateActionLabels[action][lang]} (${gateRuleLabels[rule][lang]})`;
