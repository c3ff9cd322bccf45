import { describe, expect, it } from 'vitest';
import { gateReasonWords } from '../../../../api/console/gate-reason-words.ts';
import { formatNote } from '../../../../models/data/number-format.ts';
import { qualityGate } from '../../../../models/data/quality-gate.ts';
import { conditionalBook } from '../../../helpers/conditional-book.ts';

/** one reason of every form the data-quality gate writes (models/data/quality-gate.ts), with its variants */
const reasons: [string, RegExp][] = [
  ['constant: every value is missing', /^常量列：所有值均缺失$/u],
  ['constant: one value in every row', /^常量列：每行都是同一个值$/u],
  ['near-constant: one value in 99.6 % of rows (≥ 99.5 %)', /^近似常量列：同一个值占 99\.6 % 的行（≥ 99\.5 %）$/u],
  ['near-constant: missing in 99.9 % of rows (≥ 99.5 %)', /^近似常量列：缺失占 99\.9 %/u],
  [
    'a date: dates are not features (derive an age or a duration, e.g. months since …); 95.0 % of the non-missing values read as YYYY-MM-DD (values not listed)',
    /^日期列：.*95\.0 % 的非缺失值读作 YYYY-MM-DD（不列出取值）$/u,
  ],
  [
    'personal contact data: 100.0 % of its distinct values look like e-mail addresses (200 distinct values in 1000 non-missing rows; values not listed)',
    /^个人联系方式：100\.0 % 的不同值看似电子邮件地址（1000 个非缺失行中 200 个不同值；不列出取值）$/u,
  ],
  [
    'personal contact data: 98.0 % of its distinct values look like phone numbers (200 distinct values in 1000 non-missing rows; values not listed)',
    /看似电话号码/u,
  ],
  [
    'personal contact data: 100.0 % of its values are 11-digit mobile numbers (values not listed)',
    /^个人联系方式：100\.0 % 的值为 11 位手机号码（不列出取值）$/u,
  ],
  [
    'personal contact data: a phone column by its name, 97.0 % of its values numbers of 7 to 15 digits (values not listed)',
    /^个人联系方式：列名表明为电话列，97\.0 % 的值为 7 至 15 位数字/u,
  ],
  [
    `numeric apart from "?" in 12 rows: add it to --missing-markers to read it as a number (--missing-markers 'NA,N/A,?') (read as text it has 640 levels)`,
    /^除 "\?" 外均为数值（12 行）：.*--missing-markers 'NA,N\/A,\?'.*按文本读取有 640 个取值）$/u,
  ],
  [
    `numeric apart from "unknown", "n/a" in 30 rows: add them to --missing-markers to read it as a number (--missing-markers 'NA,unknown,n/a') (kept as a categorical of 41 levels)`,
    /作为 41 个取值的类别变量保留）$/u,
  ],
  [
    'free text (990 distinct values in 1000 non-missing rows; values not listed)',
    /^自由文本（1000 个非缺失行中 990 个不同值；不列出取值）$/u,
  ],
  ['personal names (990 distinct values in 1000 non-missing rows; values not listed)', /^个人姓名（/u],
  [
    'identifier-like text: 100.0 % of non-missing values unique (1000 distinct values in 1000 non-missing rows; values not listed)',
    /^类似标识符的文本：100\.0 % 的非缺失值互不相同/u,
  ],
  [
    'high-cardinality categorical: 120 levels > --max-categories 50 (levels not listed)',
    /^类别过多：120 个取值 > --max-categories 50（不列出取值）$/u,
  ],
  [
    'identifier-like code: every value an integer of 12 digits, 100.0 % of non-missing values unique (an account, card, customer or phone number; values not listed)',
    /^类似标识符的代码：每个值都是 12 位整数/u,
  ],
  [
    'identifier-like integer sequence: 100.0 % of non-missing values unique (values not listed)',
    /^类似标识符的连续整数：/u,
  ],
  [
    'identifier-like integer with an identifier name: 99.0 % of non-missing values unique (values not listed)',
    /^类似标识符的整数（列名为标识符）：/u,
  ],
  [formatNote.thousands, /^数字带千位分隔符/u],
  [formatNote.percent, /^数字写作百分数/u],
  [
    'numeric apart from missing markers "NA" ×3, "-" ×2 (read as missing)',
    /^除缺失值标记 "NA" ×3, "-" ×2 外均为数值（按缺失读取）$/u,
  ],
  [
    `${formatNote.thousands}; numeric apart from missing markers "NA" ×3 (read as missing)`,
    /^数字带千位分隔符.*；除缺失值标记 "NA" ×3 外均为数值/u,
  ],
  [
    'sentinel codes 96 ×12, 98 ×7 far outside the body of the values: binned as special values',
    /^哨兵代码 96 ×12, 98 ×7 远离取值主体：作为特殊值单独分箱$/u,
  ],
  [
    'numeric apart from missing markers "NA" ×3 (read as missing); sentinel codes 99 ×5 far outside the body of the values: binned as special values',
    /^除缺失值标记 "NA" ×3 外均为数值（按缺失读取）；哨兵代码 99 ×5/u,
  ],
  [
    'leaks the outcome (alone it reaches AUC 0.9812 > 0.95 on the training part)',
    /^泄露结果（单独使用时在训练样本上 AUC 达 0\.9812 > 0\.95）$/u,
  ],
  [
    'leaks the outcome (a known post-outcome name; alone it reaches AUC 0.7000 on the training part): kept by --allow-leaky',
    /^泄露结果（已知的结果发生后才记录的列名；.*0\.7000）：按 --allow-leaky 保留$/u,
  ],
  [
    'leaks the outcome (alone it reaches AUC 0.9900 > 0.95 on the training part): dropped by --drop-leaky',
    /：按 --drop-leaky 删除$/u,
  ],
  [
    'protected attribute (sex or gender, by its name): kept — review for fair lending (--drop-protected drops it)',
    /^受保护属性（性别，依列名判断）：保留/u,
  ],
  [
    'protected attribute (marital status, by its name): dropped by --drop-protected',
    /^受保护属性（婚姻状况，.*按 --drop-protected 删除$/u,
  ],
  [
    'near-unique integers (99.5 % of 1000 non-missing values distinct): if it is an identifier (account or customer number), give --drop acct',
    /^近乎唯一的整数（1000 个非缺失值中 99\.5 % 互不相同）：若为标识符.*--drop acct$/u,
  ],
  [
    'near-unique integers (99.5 % of 1000 non-missing values distinct)',
    /^近乎唯一的整数（1000 个非缺失值中 99\.5 % 互不相同）$/u,
  ],
  [
    '4 integer levels (1, 2, 3, 4): binned as ranges, in their numeric order; if they are codes rather than amounts or counts, give --categorical EDUCATION',
    /^4 个整数取值（1, 2, 3, 4）：按数值顺序分为区间；.*--categorical EDUCATION$/u,
  ],
  [
    '5 integer levels (0, 1, 2, 3, 4; special values -2, -1 binned apart): binned as ranges, in their numeric order (the feature catalogue declares it numeric)',
    /^5 个整数取值（0, 1, 2, 3, 4；特殊值 -2, -1 单独分箱）：按数值顺序分为区间（特征目录声明其为数值）$/u,
  ],
];

describe('the data-quality gate’s reasons in both languages', () => {
  it('every form the gate writes has Chinese words, and its English as written', () => {
    for (const [en, zh] of reasons) {
      const said = gateReasonWords(en, 'zh-CN');
      expect(said, en).toMatch(zh);
      // nothing left in English but codes, flags and figures
      expect(said.replace(/--[a-z-]+|"[^"]*"|'[^']*'|YYYY-MM-DD|AUC|[A-Z_]+|acct/gu, ''), en).not.toMatch(/[a-z]{3,}/u);
      expect(gateReasonWords(en, 'en')).toBe(en);
    }
  });

  it('the reasons of a real gate run (drops, sentinels, leakage, review flags) all read in Chinese', () => {
    const ds = conditionalBook(2000, 3);
    const col = (name: string, f: (i: number) => number) => ({
      name,
      kind: 'numeric' as const,
      values: Float64Array.from(ds.label, (_, i) => f(i)),
    });
    const report = qualityGate(
      {
        ...ds,
        columns: [
          ...ds.columns,
          col('SEX', (i) => 1 + (i % 2)),
          col('row_no', (i) => i + 1),
          col('flat', () => 7),
          col('empty', () => Number.NaN),
          col('mostly', (i) => (i < 3 ? 1 : 0)),
          col('count', (i) => (i % 50 === 0 ? 98 : i % 5)),
          col('outcome', (i) => ds.label[i]! * 10 + (i % 3)),
          col('acct', (i) => 10_000_000 + ((i * 7919) % 1_000_000) * 3),
        ],
      },
      { allowLeaky: ['outcome'] },
    );
    const said = [...report.decisions.map((d) => d.reason), ...(report.review ?? []).map((r) => r.reason)].filter(
      (r) => r !== '',
    );
    expect(said.length).toBeGreaterThan(6);
    for (const reason of said) expect(gateReasonWords(reason, 'zh-CN'), reason).toMatch(/[\u4e00-\u9fff]/u);
  });

  it('a reason of another form (a newer gate’s) is shown as written', () => {
    expect(gateReasonWords('something new', 'zh-CN')).toBe('something new');
    expect(gateReasonWords('identifier (99 % unique; values not listed)', 'zh-CN')).toBe(
      'identifier (99 % unique; values not listed)',
    );
    expect(gateReasonWords('', 'zh-CN')).toBe('');
  });
});
