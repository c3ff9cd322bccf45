import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { gateLines, keptColumns, qualityGate, refuseLeaky } from '../../../../models/data/quality-gate.ts';
import { codedIntegerLevelsOf, protectedAttribute } from '../../../../models/data/review-flags.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';

describe('protected attributes by name', () => {
  it('English and Chinese names of sex, marital status, age, race, religion and nationality', () => {
    for (const [name, label] of [
      ['SEX', 'sex or gender'],
      ['applicant_gender', 'sex or gender'],
      ['personal_status_and_sex', 'sex or gender'],
      ['MARRIAGE', 'marital status'],
      ['maritalStatus', 'marital status'],
      ['AGE', 'age'],
      ['age_in_years', 'age'],
      ['Race', 'race or ethnicity'],
      ['religion', 'religion'],
      ['nationality', 'nationality'],
      ['性别', 'sex or gender'],
      ['婚姻状况', 'marital status'],
      ['客户年龄', 'age'],
      ['民族', 'race or ethnicity'],
      ['国籍', 'nationality'],
    ] as const)
      expect(protectedAttribute(name), name).toBe(label);
  });

  it('words that only contain one (usage, mortgage, average, sextant), and a loan’s or account’s age, are not', () => {
    for (const name of ['usage', 'mortgage', 'average_balance', 'percentage', 'sextant', 'loan_age', 'account_age_months', 'oldest_credit_age', 'EDUCATION', 'BILL_AMT3'])
      expect(protectedAttribute(name), name).toBeNull();
  });
});

describe('integer columns of few levels (codes or counts)', () => {
  const col = (values: number[]) => ({ name: 'x', kind: 'numeric' as const, values: Float64Array.from(values) });
  it('2 to 10 distinct integers, missing ignored; more, a fraction or one value are not', () => {
    expect(codedIntegerLevelsOf(col([1, 2, 2, 1, Number.NaN]))).toEqual([1, 2]);
    expect(codedIntegerLevelsOf(col([0, 1, 2, 3, 4, 5, 6, 3, 2]))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(codedIntegerLevelsOf(col(Array.from({ length: 10 }, (_, i) => i - 2)))).toHaveLength(10);
    expect(codedIntegerLevelsOf(col(Array.from({ length: 11 }, (_, i) => i - 2)))).toBeNull();
    expect(codedIntegerLevelsOf(col([1, 2, 2.5]))).toBeNull();
    expect(codedIntegerLevelsOf(col([3, 3, 3]))).toBeNull();
  });
});

/** A Taiwan-like table: SEX, MARRIAGE and EDUCATION codes, a limit, and AGE. */
function table(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const cols = { SEX: [] as number[], MARRIAGE: [] as number[], EDUCATION: [] as number[], LIMIT_BAL: [] as number[], AGE: [] as number[] };
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    cols.SEX.push(rng.int(1, 2));
    cols.MARRIAGE.push(rng.int(0, 3));
    cols.EDUCATION.push(rng.int(0, 6));
    // in tens of thousands, as Taiwan's limits are (a limit to the unit would be near-unique: flagged as a possible identifier)
    cols.LIMIT_BAL.push(10_000 * rng.int(1, 50));
    cols.AGE.push(rng.int(21, 75));
    label[i] = rng.chance(cols.LIMIT_BAL.at(-1)! < 100_000 ? 0.35 : 0.15) ? 1 : 0;
  }
  return {
    n,
    columns: Object.entries(cols).map(([name, v]) => ({ name, kind: 'numeric' as const, values: Float64Array.from(v) })),
    label,
    period: Array.from({ length: n }, () => ''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('the gate’s review flags', () => {
  for (const n of [300, 2_000]) {
    it(`protected columns kept and flagged, or dropped with --drop-protected; code-like integers flagged (${n} rows)`, () => {
      const ds = table(n, n);
      const report = qualityGate(ds);
      expect(keptColumns(report)).toEqual(['SEX', 'MARRIAGE', 'EDUCATION', 'LIMIT_BAL', 'AGE']);
      const flags = report.review!.map((r) => `${r.column} ${r.flag} ${r.action}`);
      expect(flags).toEqual([
        'SEX protected kept',
        'SEX coded-integer kept',
        'MARRIAGE protected kept',
        'MARRIAGE coded-integer kept',
        'EDUCATION coded-integer kept',
        'AGE protected kept',
      ]);
      expect(report.review![0]!.reason).toBe(
        'protected attribute (sex or gender, by its name): kept — review for fair lending (--drop-protected drops it)',
      );
      expect(report.review![1]!.reason).toBe(
        '2 integer levels (1, 2): binned as ranges, in their numeric order; if they are codes rather than amounts or counts, give --categorical SEX',
      );
      expect(gateLines(report)).toContain(`  review AGE: ${report.review![5]!.reason}`);

      const dropped = qualityGate(ds, { dropProtected: true });
      expect(keptColumns(dropped)).toEqual(['EDUCATION', 'LIMIT_BAL']);
      expect(dropped.decisions.find((d) => d.column === 'MARRIAGE')).toMatchObject({ action: 'drop', rule: 'protected' });
      expect(dropped.review!.map((r) => `${r.column} ${r.flag} ${r.action}`)).toEqual([
        'SEX protected dropped',
        'MARRIAGE protected dropped',
        'EDUCATION coded-integer kept',
        'AGE protected dropped',
      ]);
      expect(gateLines(dropped)[0]).toMatch(/5 columns, 2 kept, 3 dropped/u);
    });
  }

  it('the book’s gate gives no --categorical or --drop advice: book training refuses both', () => {
    const report = qualityGate(table(500, 9), { tableFlags: false });
    const reasons = report.review!.map((r) => r.reason);
    expect(reasons.find((r) => r.startsWith('2 integer levels'))).toBe(
      '2 integer levels (1, 2): binned as ranges, in their numeric order (the feature catalogue declares it numeric)',
    );
    expect(gateLines(report).join('\n')).not.toMatch(/--categorical|--drop /u);
    expect(report.settings.tableFlags).toBe(false);
    const leaky = { ...report, decisions: [{ column: 'paid_off', action: 'refuse', reason: 'leaks the outcome (AUC 0.99)' }] };
    expect(() => {
      refuseLeaky(leaky as never);
    }).toThrow(
      'column paid_off leaks the outcome (AUC 0.99): refusing to train; leave it out with --drop-leaky, or keep it with --allow-leaky paid_off',
    );
  });

  it('the card lists them for review', () => {
    const report = qualityGate(table(500, 9));
    const md = modelCardMarkdown({
      model_name: 'm',
      version: 1,
      target: 'bad',
      created_at: '2026-12-06',
      created_by: 't',
      seed: 1,
      fingerprint: 'f',
      artifact: { kind: 'gbm', features: [], trees: [], learningRate: 0.1, training: { rounds: 1, validationLoss: 0.5 } },
      metrics: {
        split: 's',
        train: { n: 1, bads: 0, auc: 0.5, gini: 0, ks: 0, brier: 0 },
        test: { n: 1, bads: 0, auc: 0.5, gini: 0, ks: 0, brier: 0 },
        train_seconds: 0,
        score_psi: 0,
        gains: [],
        calibration: [],
        data_quality: report,
      },
    } as never);
    expect(md).toContain('| column | flag | kept | reason |');
    expect(md).toContain(`| SEX | protected | yes | ${report.review![0]!.reason} |`);
    expect(md).toContain('| EDUCATION | coded-integer | yes |');
  });
});

describe('declared special values are not among the levels of a coded-integer review', () => {
  /** Taiwan's PAY_n: -2 and -1 (no use, paid duly) beside months of delay 0, 2 … 8. */
  function payTable(n: number): Dataset {
    const rng = new Rng(7);
    const pay = Array.from({ length: n }, () => rng.pick([-2, -1, 0, 0, 0, 2, 3, 4, 5, 6, 7, 8]));
    const wide = Array.from({ length: n }, () => rng.int(-2, 9));
    return {
      n,
      columns: [
        { name: 'PAY_5', kind: 'numeric', values: Float64Array.from(pay) },
        { name: 'WIDE', kind: 'numeric', values: Float64Array.from(wide) },
      ],
      label: Uint8Array.from(pay, (p) => (rng.chance(p >= 2 ? 0.5 : 0.15) ? 1 : 0)),
      period: Array.from({ length: n }, () => ''),
      ids: Array.from({ length: n }, (_, i) => String(i + 1)),
    };
  }

  it('--special=-2,-1 for PAY_5: its line lists 0, 2 … 8 and says -2 and -1 are binned apart', () => {
    const ds = payTable(1_000);
    const before = qualityGate(ds).review!.find((r) => r.column === 'PAY_5')!;
    expect(before.reason).toMatch(/^10 integer levels \(-2, -1, 0, 2, 3, 4, 5, 6, 7, 8\): binned as ranges/u);
    const review = qualityGate(ds, { declaredSpecials: { PAY_5: [-2, -1] } }).review!;
    expect(review.find((r) => r.column === 'PAY_5')!.reason).toBe(
      '8 integer levels (0, 2, 3, 4, 5, 6, 7, 8; special values -2, -1 binned apart): binned as ranges, in their numeric order; if they are codes rather than amounts or counts, give --categorical PAY_5',
    );
  });

  it('a column of 12 integers, 2 of them declared special, is reviewed for its 10 others; a declared value it lacks is not named', () => {
    const ds = payTable(1_000);
    expect(qualityGate(ds).review?.find((r) => r.column === 'WIDE')).toBeUndefined();
    const review = qualityGate(ds, { declaredSpecials: { WIDE: [-2, -1, 99] } }).review!;
    expect(review.find((r) => r.column === 'WIDE')!.reason).toMatch(
      /^10 integer levels \(0, 1, 2, 3, 4, 5, 6, 7, 8, 9; special values -2, -1 binned apart\)/u,
    );
  });
});
