import type { Lang } from './i18n.ts';

// The data-quality gate (models/data/quality-gate.ts) writes its reasons in English into the model
// card; the registry keeps that text. A page in Chinese shows each reason in Chinese: every form the
// gate writes has a pattern here, and text of another form (a newer gate's) is shown as written.

type Rule = readonly [RegExp, (m: RegExpExecArray) => string];

const protectedLabels: Record<string, string> = {
  'sex or gender': '性别',
  'marital status': '婚姻状况',
  age: '年龄',
  'race or ethnicity': '种族或民族',
  religion: '宗教',
  nationality: '国籍',
};

const spread = String.raw`(\d+) distinct values in (\d+) non-missing rows`;
const spreadWords = (distinct: string, present: string) => `${present} 个非缺失行中 ${distinct} 个不同值`;

/** one part of a numeric column's notes: how its cells were written, or the markers read as missing */
function noteWords(note: string): string {
  if (note === 'numbers written with thousands separators (1,234.5), read as numbers')
    return '数字带千位分隔符（1,234.5），按数值读取';
  if (note === 'numbers written as percentages (12%), read as written in percentage points (12% → 12)')
    return '数字写作百分数（12%），按百分点读取（12% → 12）';
  const markers = /^numeric apart from missing markers (.+) \(read as missing\)$/u.exec(note);
  if (markers) return `除缺失值标记 ${markers[1]} 外均为数值（按缺失读取）`;
  return note;
}
const notesWords = (notes: string) => notes.split('; ').map(noteWords).join('；');

const leakWords = (why: string): string => {
  const named = /^a known post-outcome name; alone it reaches AUC (\S+) on the training part$/u.exec(why);
  if (named) return `已知的结果发生后才记录的列名；单独使用时在训练样本上 AUC 达 ${named[1]}`;
  const alone = /^alone it reaches AUC (\S+) > (\S+) on the training part$/u.exec(why);
  if (alone) return `单独使用时在训练样本上 AUC 达 ${alone[1]} > ${alone[2]}`;
  return why;
};

const contactWords = (why: string): string => {
  const mobiles = /^(\S+ %) of its values are 11-digit mobile numbers$/u.exec(why);
  if (mobiles) return `${mobiles[1]} 的值为 11 位手机号码`;
  const named = /^a phone column by its name, (\S+ %) of its values numbers of 7 to 15 digits$/u.exec(why);
  if (named) return `列名表明为电话列，${named[1]} 的值为 7 至 15 位数字`;
  return why;
};

const zhReasons: readonly Rule[] = [
  [/^constant: every value is missing$/u, () => '常量列：所有值均缺失'],
  [/^constant: one value in every row$/u, () => '常量列：每行都是同一个值'],
  [
    /^near-constant: (one value|missing) in (\S+ %) of rows \(≥ (\S+ %)\)$/u,
    (m) => `近似常量列：${m[1] === 'missing' ? '缺失' : '同一个值'}占 ${m[2]} 的行（≥ ${m[3]}）`,
  ],
  [
    /^a date: dates are not features \(derive an age or a duration, e\.g\. months since …\); (\S+ %) of the non-missing values read as (.+) \(values not listed\)$/u,
    (m) => `日期列：日期不作为特征（请派生账龄或时长，如距某事件的月数）；${m[1]} 的非缺失值读作 ${m[2]}（不列出取值）`,
  ],
  [
    new RegExp(
      String.raw`^personal contact data: (\S+ %) of its distinct values look like (e-mail addresses|phone numbers) \(${spread}; values not listed\)$`,
      'u',
    ),
    (m) =>
      `个人联系方式：${m[1]} 的不同值看似${m[2] === 'phone numbers' ? '电话号码' : '电子邮件地址'}（${spreadWords(m[3]!, m[4]!)}；不列出取值）`,
  ],
  [/^personal contact data: (.+) \(values not listed\)$/u, (m) => `个人联系方式：${contactWords(m[1]!)}（不列出取值）`],
  [
    /^numeric apart from (.+) in (\d+) rows: add (?:it|them) to --missing-markers to read it as a number \(--missing-markers '(.*)'\) \((?:read as text it has (\d+) levels|kept as a categorical of (\d+) levels)\)$/u,
    (m) =>
      `除 ${m[1]} 外均为数值（${m[2]} 行）：将其加入 --missing-markers 即按数值读取（--missing-markers '${m[3]}'）（${m[4] ? `按文本读取有 ${m[4]} 个取值` : `作为 ${m[5]} 个取值的类别变量保留`}）`,
  ],
  [
    new RegExp(String.raw`^free text \(${spread}; values not listed\)$`, 'u'),
    (m) => `自由文本（${spreadWords(m[1]!, m[2]!)}；不列出取值）`,
  ],
  [
    new RegExp(String.raw`^personal names \(${spread}; values not listed\)$`, 'u'),
    (m) => `个人姓名（${spreadWords(m[1]!, m[2]!)}；不列出取值）`,
  ],
  [
    new RegExp(
      String.raw`^identifier-like text: (\S+ %) of non-missing values unique \(${spread}; values not listed\)$`,
      'u',
    ),
    (m) => `类似标识符的文本：${m[1]} 的非缺失值互不相同（${spreadWords(m[2]!, m[3]!)}；不列出取值）`,
  ],
  [
    /^high-cardinality categorical: (\d+) levels > --max-categories (\d+) \(levels not listed\)$/u,
    (m) => `类别过多：${m[1]} 个取值 > --max-categories ${m[2]}（不列出取值）`,
  ],
  [
    /^identifier-like code: every value an integer of (\d+) digits, (\S+ %) of non-missing values unique \(an account, card, customer or phone number; values not listed\)$/u,
    (m) =>
      `类似标识符的代码：每个值都是 ${m[1]} 位整数，${m[2]} 的非缺失值互不相同（账号、卡号、客户号或电话号码；不列出取值）`,
  ],
  [
    /^identifier-like (integer sequence|integer with an identifier name): (\S+ %) of non-missing values unique \(values not listed\)$/u,
    (m) =>
      `类似标识符的${m[1] === 'integer sequence' ? '连续整数' : '整数（列名为标识符）'}：${m[2]} 的非缺失值互不相同（不列出取值）`,
  ],
  [
    /^(?:(.+); )?sentinel codes (.+) far outside the body of the values: binned as special values$/u,
    (m) => `${m[1] ? `${notesWords(m[1])}；` : ''}哨兵代码 ${m[2]} 远离取值主体：作为特殊值单独分箱`,
  ],
  [
    /^leaks the outcome \((.+ on the training part)\)(: kept by --allow-leaky|: dropped by --drop-leaky)?$/u,
    (m) =>
      `泄露结果（${leakWords(m[1]!)}）${m[2] === ': kept by --allow-leaky' ? '：按 --allow-leaky 保留' : m[2] ? '：按 --drop-leaky 删除' : ''}`,
  ],
  [
    /^protected attribute \((.+), by its name\): (dropped by --drop-protected|kept — review for fair lending \(--drop-protected drops it\))$/u,
    (m) =>
      `受保护属性（${protectedLabels[m[1]!] ?? m[1]}，依列名判断）：${m[2] === 'dropped by --drop-protected' ? '按 --drop-protected 删除' : '保留——请做公平信贷审查（--drop-protected 可删除）'}`,
  ],
  [
    /^near-unique integers \((\S+ %) of (\d+) non-missing values distinct\)(?:: if it is an identifier \(account or customer number\), give --drop (.+))?$/u,
    (m) =>
      `近乎唯一的整数（${m[2]} 个非缺失值中 ${m[1]} 互不相同）${m[3] ? `：若为标识符（账号或客户号），请用 --drop ${m[3]}` : ''}`,
  ],
  [
    /^(\d+) integer levels \((.+?)(?:; special values (.+) binned apart)?\): binned as ranges, in their numeric order(?:; if they are codes rather than amounts or counts, give --categorical (.+)| \(the feature catalogue declares it numeric\))?$/u,
    (m) =>
      `${m[1]} 个整数取值（${m[2]}${m[3] ? `；特殊值 ${m[3]} 单独分箱` : ''}）：按数值顺序分为区间${m[4] ? `；若它们是代码而非金额或计数，请用 --categorical ${m[4]}` : m[0].includes('feature catalogue') ? '（特征目录声明其为数值）' : ''}`,
  ],
];

/** The gate's reason for a column (a decision's or a review flag's) in the page's language. */
export function gateReasonWords(reason: string, lang: Lang): string {
  if (lang === 'en' || reason === '') return reason;
  for (const [re, say] of zhReasons) {
    const m = re.exec(reason);
    if (m) return say(m);
  }
  // a column's notes alone (kept as numbers: the form its cells were written in, markers read as missing)
  const parts = reason.split('; ');
  return parts.every((p) => noteWords(p) !== p) ? notesWords(reason) : reason;
}
