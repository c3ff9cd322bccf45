import { ruleLabels, type Lang, type Text } from '../i18n.ts';
import type { Pack } from '../template.ts';

/**
 * The key figures of the summary page, in the order they are shown: id (the thresholds file and
 * summary.csv name them by it), section, unit, label per language, the packs showing them, and
 * whether the cover's tiles show it. Where each value comes from is in compute.ts.
 */
export type Unit = 'money' | 'pct' | 'count' | 'number';

export interface FigureDef {
  id: string;
  section: SectionId;
  unit: Unit;
  label: Text;
  packs: readonly Pack[];
  /** on the cover (PDF) and the tiles (HTML) */
  key?: Partial<Record<Pack, true>>;
  /**
   * a month's flow (new business, write-offs, warnings fired): compared with last month and a year
   * ago, not with the year start — December's month is no base for June's, and "since year start
   * −1.7M" of write-offs read as the year to date
   */
  flow?: true;
}

export const sections = {
  portfolio: { 'zh-CN': '规模', en: 'Book' },
  five_category: { 'zh-CN': '五级分类', en: 'Five-category classification' },
  asset_quality: { 'zh-CN': '资产质量', en: 'Asset quality' },
  provisions: { 'zh-CN': '拨备', en: 'Provisions' },
  migration: { 'zh-CN': '迁徙率（当月）', en: 'Migration rates (in the month)' },
  recovery: { 'zh-CN': '回收与核销', en: 'Recoveries and write-offs' },
  warnings: { 'zh-CN': '预警', en: 'Early warnings' },
} as const satisfies Record<string, Text>;
export type SectionId = keyof typeof sections;

const both = ['management', 'regulatory'] as const;
const mgmt = ['management'] as const;
const reg = ['regulatory'] as const;

export const fiveClassIds = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
const classNames: Record<(typeof fiveClassIds)[number], Text> = {
  normal: { 'zh-CN': '正常类', en: 'Normal' },
  special_mention: { 'zh-CN': '关注类', en: 'Special mention' },
  substandard: { 'zh-CN': '次级类', en: 'Substandard' },
  doubtful: { 'zh-CN': '可疑类', en: 'Doubtful' },
  loss: { 'zh-CN': '损失类', en: 'Loss' },
};
/**
 * the regulator's migration rates: from each class to any worse class within the month — labelled so,
 * beside the pack's chart of the same rates over 12 months (1.63 % here, 0.00 % there, under one name)
 */
export const migrationClasses = ['normal', 'special_mention', 'substandard', 'doubtful'] as const;
/** each rate's name and what it counts, from which its label is written */
const migrationNames: Record<(typeof migrationClasses)[number], { name: Text; path: Text }> = {
  normal: {
    name: { 'zh-CN': '正常类迁徙率', en: 'Normal migration rate' },
    path: { 'zh-CN': '正常→关注及以下', en: 'normal → worse' },
  },
  special_mention: {
    name: { 'zh-CN': '关注类迁徙率', en: 'Special-mention migration rate' },
    path: { 'zh-CN': '关注→次级及以下', en: '→ substandard or worse' },
  },
  substandard: {
    name: { 'zh-CN': '次级类迁徙率', en: 'Substandard migration rate' },
    path: { 'zh-CN': '次级→可疑及以下', en: '→ doubtful or worse' },
  },
  doubtful: {
    name: { 'zh-CN': '可疑类迁徙率', en: 'Doubtful migration rate' },
    path: { 'zh-CN': '可疑→损失', en: '→ loss' },
  },
};
/** a rate's label as the key figures show it: named the month's (正常类迁徙率（当月：正常→关注及以下）) */
const migrationLabel = (c: (typeof migrationClasses)[number]): Text => {
  const { name, path } = migrationNames[c];
  return {
    'zh-CN': `${name['zh-CN']}（当月：${path['zh-CN']}）`,
    en: `Monthly ${name.en.charAt(0).toLowerCase()}${name.en.slice(1)} (${path.en})`,
  };
};
/** the rate's name alone, for a sentence that already says it is the month's (the commentary) */
export const migrationName = (c: (typeof migrationClasses)[number], lang: Lang): string => migrationNames[c].name[lang];

export const figureDefs: FigureDef[] = [
  {
    id: 'outstanding',
    section: 'portfolio',
    unit: 'money',
    label: { 'zh-CN': '贷款余额', en: 'Outstanding balance' },
    packs: both,
    key: { management: true },
  },
  {
    id: 'new_business',
    section: 'portfolio',
    unit: 'money',
    label: { 'zh-CN': '新增放款', en: 'New business' },
    packs: mgmt,
    flow: true,
    key: { management: true },
  },
  ...fiveClassIds.flatMap((c): FigureDef[] => [
    {
      id: `balance_${c}`,
      section: 'five_category',
      unit: 'money',
      label: { 'zh-CN': `${classNames[c]['zh-CN']}余额`, en: `${classNames[c].en} balance` },
      packs: reg,
    },
    {
      id: `share_${c}`,
      section: 'five_category',
      unit: 'pct',
      label: { 'zh-CN': `${classNames[c]['zh-CN']}占比`, en: `${classNames[c].en} share` },
      packs: reg,
      ...(c === 'special_mention' ? { key: { regulatory: true } } : {}),
    },
  ]),
  {
    id: 'm1plus_ratio',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': '逾期率（M1+）', en: 'Overdue ratio (M1+)' },
    packs: mgmt,
    key: { management: true },
  },
  {
    id: 'par30',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': 'PAR30（逾期 30 天以上）', en: 'PAR30 (DPD > 30)' },
    packs: mgmt,
    key: { management: true },
  },
  {
    id: 'par90',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': 'PAR90（逾期 90 天以上）', en: 'PAR90 (DPD > 90)' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  {
    id: 'npl_balance',
    section: 'asset_quality',
    unit: 'money',
    label: { 'zh-CN': '不良贷款余额', en: 'NPL balance' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  {
    id: 'npl_ratio',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': '不良贷款率', en: 'NPL ratio' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  {
    id: 'special_mention_share',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': '关注类占比', en: 'Special-mention share' },
    packs: mgmt,
    key: { management: true },
  },
  {
    id: 'deviation',
    section: 'asset_quality',
    unit: 'pct',
    label: { 'zh-CN': '偏离度（逾期 90 天以上 / 不良）', en: 'Deviation (DPD > 90 / NPL)' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  {
    id: 'provision',
    section: 'provisions',
    unit: 'money',
    label: { 'zh-CN': '拨备余额', en: 'Provisions' },
    packs: reg,
  },
  {
    id: 'provision_coverage',
    section: 'provisions',
    unit: 'pct',
    label: { 'zh-CN': '拨备覆盖率', en: 'Provision coverage (拨备覆盖率)' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  {
    id: 'provision_ratio',
    section: 'provisions',
    unit: 'pct',
    label: { 'zh-CN': '贷款拨备率', en: 'Provision ratio (贷款拨备率)' },
    packs: both,
    key: { management: true, regulatory: true },
  },
  ...migrationClasses.map((c): FigureDef => ({
    id: `migration_${c}`,
    section: 'migration',
    unit: 'pct',
    label: migrationLabel(c),
    packs: both,
    ...(c === 'normal' || c === 'special_mention' ? { key: { regulatory: true } } : {}),
  })),
  {
    id: 'recovery_rate',
    section: 'recovery',
    unit: 'pct',
    label: { 'zh-CN': '回收率（已结案）', en: 'Recovery rate (closed workouts)' },
    packs: mgmt,
  },
  {
    id: 'write_offs',
    section: 'recovery',
    unit: 'money',
    label: { 'zh-CN': '当月核销', en: 'Written off in the month' },
    packs: mgmt,
    flow: true,
    key: { management: true },
  },
  {
    id: 'warnings_total',
    section: 'warnings',
    unit: 'count',
    label: { 'zh-CN': '预警触发数', en: 'Warnings fired' },
    packs: mgmt,
    flow: true,
  },
];

/** Warning rules get one figure each (`warnings_<rule id>`), the top ones of the month: their labels are the charts'. */
export { ruleLabels };
export const topWarningRules = 3;

export const warningFigure = (rule: string): FigureDef => ({
  id: `warnings_${rule}`,
  section: 'warnings',
  unit: 'count',
  label: {
    'zh-CN': `预警：${ruleLabels[rule]?.['zh-CN'] ?? rule}`,
    en: `Warnings: ${ruleLabels[rule]?.en ?? rule}`,
  },
  packs: mgmt,
  flow: true,
});

/** every id a thresholds file may name (warning rules by `warnings_<rule>`: any rule id) */
export const figureIds = figureDefs.map((f) => f.id);
export const isFigureId = (id: string) => figureIds.includes(id) || /^warnings_[a-z0-9_]+$/u.test(id);

export const sectionLabel = (s: SectionId, lang: Lang) => sections[s][lang];
