import { labels, type Lang, type Text } from '../i18n.ts';

/**
 * Names of the generated book's products, regions and sales channels in each language (a branch
 * reads as its region's name and number: east-02 → 华东-02). A code without a name shows as itself.
 */
export const productLabels: Record<string, Text> = {
  mortgage: { 'zh-CN': '个人住房贷款', en: 'Mortgage' },
  provident_fund: { 'zh-CN': '公积金贷款', en: 'Provident-fund loan' },
  consumer: { 'zh-CN': '消费贷款', en: 'Consumer loan' },
  credit_card: { 'zh-CN': '信用卡', en: 'Credit card' },
  small_business: { 'zh-CN': '小微企业贷款', en: 'Small business' },
};
export const regionLabels: Record<string, Text> = {
  east: { 'zh-CN': '华东', en: 'East' },
  south: { 'zh-CN': '华南', en: 'South' },
  north: { 'zh-CN': '华北', en: 'North' },
  central: { 'zh-CN': '华中', en: 'Central' },
  southwest: { 'zh-CN': '西南', en: 'Southwest' },
  northeast: { 'zh-CN': '东北', en: 'Northeast' },
  northwest: { 'zh-CN': '西北', en: 'Northwest' },
};

/** Origination (sales) channels of the generated book: the console's channel filter. */
export const salesChannelLabels: Record<string, Text> = {
  branch: { 'zh-CN': '网点', en: 'Branch' },
  online: { 'zh-CN': '线上', en: 'Online' },
  agent: { 'zh-CN': '代理', en: 'Agent' },
  partner: { 'zh-CN': '合作机构', en: 'Partner' },
};

export function segmentName(dim: 'product' | 'region' | 'branch' | 'channel', code: string, lang: Lang): string {
  if (dim === 'channel') return salesChannelLabels[code]?.[lang] ?? code;
  if (dim === 'product') return productLabels[code]?.[lang] ?? code;
  if (dim === 'region') return regionLabels[code]?.[lang] ?? code;
  const m = /^([a-z]+)-(\d+)$/u.exec(code);
  return m && regionLabels[m[1]!] ? `${regionLabels[m[1]!]![lang]}-${m[2]}` : code;
}

const dimNames: Record<'product' | 'region' | 'branch', Text> = {
  product: labels.product,
  region: labels.region,
  branch: labels.branch,
};

/** `产品 个人住房贷款 · 区域 华东` / `product Mortgage · region East`; `全行` / `Whole book` when empty */
export function segmentText(segment: Partial<Record<'product' | 'region' | 'branch', string[]>>, lang: Lang): string {
  const parts = (['product', 'region', 'branch'] as const)
    .filter((k) => segment[k]?.length)
    .map((k) => `${dimNames[k][lang]} ${segment[k]!.map((c) => segmentName(k, c, lang)).join(', ')}`);
  return parts.join(' · ') || (lang === 'zh-CN' ? '全行' : 'Whole book');
}
