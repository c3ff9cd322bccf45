import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, sigmoid } from '../../../../lib/random.ts';
import { UserError } from '../../../../lib/user-error.ts';
import { markerCounts, type Column, type Dataset } from '../../../../models/data/dataset.ts';
import { randomSplit } from '../../../../models/data/split.ts';
import { auc } from '../../../../models/evaluate/metrics.ts';
import { loadFeatureTable } from '../../../../models/data/load-table.ts';
import { modelCardMarkdown } from '../../../../models/model-card.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { trainScorecard } from '../../../../models/scorecard/scorecard.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';
import {
  applyGate,
  binnedAuc,
  gateLines,
  gateSpecials,
  qualityGate,
  refuseLeaky,
  sentinelValues,
  type GateDecision,
  type GateReport,
} from '../../../../models/data/quality-gate.ts';

const n = 1000;
const first = [
  'Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Klara', 'Lukas', 'Mia', 'Noah',
  'Olga', 'Paul', 'Rosa', 'Simon', 'Tina', 'Uwe', 'Vera', 'Walter', 'Xenia', 'Yusuf', 'Zoe', 'Arne', 'Bianca', 'Carl',
  'Dora', 'Emil', 'Frida', 'Georg', 'Hanna', 'Ivan', 'Jana', 'Karl', 'Lena', 'Max', 'Nina', 'Otto',
];
const last = [
  'Berg', 'Costa', 'Dahl', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Klein', 'Lang', 'Meyer',
  'Nowak', 'Olsen', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka', 'Ulrich', 'Vogel', 'Wagner', 'Xu', 'Young',
  'Zimmer', 'Abbott', 'Brandt', 'Chen', 'Dietrich', 'Engel', 'Frank', 'Graf', 'Horn', 'Iversen', 'Jung', 'Koch',
  'Lorenz', 'Moreau', 'Nagel', 'Ortiz',
];

/** A seeded table: a risk driver with a signal, and one column per gate rule. */
function table(seed = 5) {
  const rng = new Rng(seed);
  const risk = Array.from({ length: n }, () => rng.normal());
  const label = Uint8Array.from(risk, (r) => (rng.chance(sigmoid(-1.5 + 1.2 * r)) ? 1 : 0));
  const num = (name: string, f: (i: number) => number): Column => ({
    name,
    kind: 'numeric',
    values: Float64Array.from({ length: n }, (_, i) => f(i)),
  });
  const cat = (name: string, f: (i: number) => string | null): Column => {
    const levels: string[] = [];
    const at = new Map<string, number>();
    const codes = Int32Array.from({ length: n }, (_, i) => {
      const v = f(i);
      if (v === null) return -1;
      if (!at.has(v)) {
        at.set(v, levels.length);
        levels.push(v);
      }
      return at.get(v)!;
    });
    return { name, kind: 'categorical', codes, levels };
  };
  const ids = Array.from({ length: n }, (_, i) => `C${(1_000_003 * (i + 7)) % 9_999_991}`);
  const names = Array.from({ length: n }, () => `${rng.pick(first)} ${rng.pick(last)}`);
  const columns: Column[] = [
    num('score_driver', (i) => Math.round(50 + 10 * risk[i]! + 8 * rng.normal())),
    num('amount', () => Math.round(Math.exp(8 + rng.normal()))),
    num('rate', () => 0.05 + 0.1 * rng.next()),
    cat('product', () => rng.pick(['card', 'loan', 'mortgage', 'auto'])),
    cat('customer_ref', (i) => ids[i]!),
    num('row_no', (i) => 5000 + i),
    cat('customer_name', (i) => names[i]!),
    cat('comment', () => `called on ${rng.pick(['monday', 'friday'])} and ${rng.pick(first)} said ${rng.int(1, 9999)} things`),
    num('late_count', (i) => {
      const u = rng.next();
      return u < 0.02 ? 96 : u < 0.04 ? 98 : Math.min(12, Math.floor(-Math.log(rng.next()) * (1 + Math.max(0, risk[i]!))));
    }),
    num('post_event', (i) => label[i]! + 0.3 * rng.normal()),
    num('recoveries', (i) => (label[i] && rng.chance(0.2) ? Math.round(100 * rng.next()) : 0)),
    num('constant', () => 3),
    cat('near_constant', (i) => (i % 500 === 7 ? 'b' : 'a')),
    cat('branch', () => `B${rng.int(1, 200)}`),
  ];
  const ds: Dataset = {
    n,
    columns,
    label,
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
  return { ds, ids, names };
}

const byColumn = (r: GateReport) => new Map(r.decisions.map((d) => [d.column, d]));
const decisionOf = (r: GateReport, c: string): GateDecision => byColumn(r).get(c)!;

describe('data-quality gate', () => {
  const { ds, ids, names } = table();
  const report = qualityGate(ds);

  it('keeps ordinary columns (a driver, an amount, a rate, a small categorical) as they are', () => {
    for (const c of ['score_driver', 'amount', 'rate', 'product']) {
      expect(decisionOf(report, c), c).toMatchObject({ action: 'keep', rule: 'ok' });
      expect(decisionOf(report, c).auc).toBeGreaterThanOrEqual(0.5);
    }
    expect(decisionOf(report, 'score_driver').auc).toBeGreaterThan(0.6);
  });

  it('drops an identifier: unique strings, and an integer sequence', () => {
    expect(decisionOf(report, 'customer_ref')).toMatchObject({ action: 'drop', rule: 'identifier' });
    expect(decisionOf(report, 'row_no')).toMatchObject({ action: 'drop', rule: 'identifier' });
    expect(decisionOf(report, 'row_no').reason).toMatch(/integer sequence/u);
  });

  it('drops a person-name column and free text', () => {
    expect(decisionOf(report, 'customer_name')).toMatchObject({ action: 'drop', rule: 'personal-names' });
    expect(decisionOf(report, 'comment')).toMatchObject({ action: 'drop', rule: 'free-text' });
  });

  it('never quotes a value of a dropped identifier, name or text column', () => {
    const text = [...gateLines(report), JSON.stringify(report)].join('\n');
    for (const v of [...ids, ...names]) expect(text).not.toContain(v);
    expect(text).not.toMatch(/called on/u);
  });

  it('proposes 96/98 in a count column as special values; a long-tailed amount has none', () => {
    expect(decisionOf(report, 'late_count')).toMatchObject({ action: 'special', rule: 'sentinel', specialValues: [96, 98] });
    expect(gateSpecials(report)).toEqual({ late_count: [96, 98] });
    expect(decisionOf(report, 'amount').specialValues).toBeUndefined();
    // the top of a short scale, a binary code and the end of a long tail are values, not codes
    const rng = new Rng(3);
    expect(sentinelValues(Float64Array.from({ length: 500 }, () => rng.int(1, 4)), 3)).toEqual([]);
    expect(sentinelValues(Float64Array.from({ length: 500 }, () => (rng.chance(0.1) ? 5 : 0)), 3)).toEqual([]);
    expect(sentinelValues(Float64Array.from({ length: 500 }, () => Math.round(Math.exp(9 + 2 * rng.normal()))), 3)).toEqual([]);
    // a low code and a code held by a third of the rows are codes
    const low = Float64Array.from({ length: 500 }, () => (rng.chance(0.05) ? -999 : rng.int(0, 30)));
    expect(sentinelValues(low, 3)).toEqual([-999]);
    const never = Float64Array.from({ length: 500 }, () => (rng.chance(0.35) ? 999 : rng.int(0, 120)));
    expect(sentinelValues(never, 3)).toEqual([999]);
  });

  it('finds the same codes as listing every distinct value would, on columns of many shapes', () => {
    // the rule spelled out over the list of every distinct value and its count (the former form)
    const listed = (values: Float64Array, minCount: number): number[] => {
      const xs = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
      if (xs.length < 20) return [];
      const q = (p: number) => {
        const at = (xs.length - 1) * p;
        const lo = Math.floor(at);
        return xs[lo]! + (xs[Math.min(lo + 1, xs.length - 1)]! - xs[lo]!) * (at - lo);
      };
      const runs: { v: number; n: number }[] = [];
      for (const v of xs) {
        const r = runs.at(-1);
        if (r?.v === v) r.n++;
        else runs.push({ v, n: 1 });
      }
      const tail = (ds: typeof runs, near: number, far: number) => {
        let codes = 0;
        for (let j = 0; j + 1 < ds.length; j++) {
          const d = ds[j]!;
          if (!Number.isInteger(d.v) || d.n < minCount || Math.abs(d.v - far) < Math.abs(near - far)) break;
          const next = ds[j + 1]!.v;
          if (Math.abs(d.v - next) > Math.max(Math.abs(next - far), 1) && ds.length - (j + 1) >= 5) codes = j + 1;
        }
        return ds.slice(0, codes).map((d) => d.v);
      };
      return [...tail([...runs].reverse(), q(0.75), q(0.25)), ...tail(runs, q(0.25), q(0.75))].sort((a, b) => a - b);
    };
    const rng = new Rng(21);
    const shapes: (() => number)[] = [
      () => (rng.chance(0.04) ? rng.pick([96, 98]) : rng.int(0, 17)),
      () => (rng.chance(0.03) ? -999 : rng.chance(0.03) ? 9999 : rng.int(0, 60)),
      () => (rng.chance(0.1) ? Number.NaN : rng.normal() * 100),
      () => rng.int(0, 6),
      () => (rng.chance(0.2) ? 365243 : -rng.int(0, 20_000)),
      () => rng.pick([0, 1, 2, 3, 4, 5, 6, 50, 51, 52, 99, 99]),
    ];
    for (const draw of shapes)
      for (const n of [10, 25, 400, 20_000]) {
        const values = Float64Array.from({ length: n }, draw);
        for (const minCount of [1, 3, 30]) expect(sentinelValues(values, minCount)).toEqual(listed(values, minCount));
      }
  });

  it("a binned score's AUC from its bins' counts equals the AUC of the rows' scores (ties, one outcome)", () => {
    const rng = new Rng(22);
    for (const k of [1, 2, 5, 12]) {
      // some bins share a value: they tie
      const values = Array.from({ length: k }, () => rng.pick([-1.5, -0.2, 0, 0.4, 2]));
      for (const n of [30, 2_000]) {
        const bins = Uint8Array.from({ length: n }, () => rng.int(0, k - 1));
        const label = Uint8Array.from(bins, (b) => (rng.chance(0.2 + 0.05 * b) ? 1 : 0));
        const scores = Float64Array.from(bins, (b) => values[b]!);
        expect(binnedAuc(bins, values, label)).toBeCloseTo(auc(scores, label), 12);
      }
    }
    const one = Uint8Array.from({ length: 50 }, () => 1);
    expect(binnedAuc(new Uint8Array(50), [0.3], one)).toBeNaN();
  });

  it('drops constant and near-constant columns', () => {
    expect(decisionOf(report, 'constant')).toMatchObject({ action: 'drop', rule: 'constant' });
    expect(decisionOf(report, 'near_constant')).toMatchObject({ action: 'drop', rule: 'near-constant' });
    expect(qualityGate(ds, { nearConstantShare: 0.999 }).decisions.find((d) => d.column === 'near_constant')).toMatchObject({
      action: 'keep',
    });
  });

  it('drops a categorical with more levels than --max-categories (without listing them)', () => {
    expect(decisionOf(report, 'branch')).toMatchObject({ action: 'drop', rule: 'high-cardinality' });
    expect(decisionOf(report, 'branch').reason).toMatch(/\d+ levels > --max-categories 50/u);
    expect(decisionOf(report, 'branch').reason).not.toMatch(/B\d/u);
    expect(decisionOf(qualityGate(ds, { maxCategories: 250 }), 'branch').action).toBe('keep');
  });

  it('refuses a leaky column (alone AUC > 0.95, or a post-outcome name), naming it and the flag', () => {
    expect(decisionOf(report, 'post_event')).toMatchObject({ action: 'refuse', rule: 'leaky' });
    expect(decisionOf(report, 'post_event').auc).toBeGreaterThan(0.95);
    expect(decisionOf(report, 'recoveries')).toMatchObject({ action: 'refuse', rule: 'leaky' });
    expect(decisionOf(report, 'recoveries').reason).toMatch(/post-outcome name/u);
    expect(() => {
      refuseLeaky(report);
    }).toThrow(UserError);
    expect(() => {
      refuseLeaky(report);
    }).toThrow(
      /^column post_event \(and recoveries\) leaks the outcome .*: refusing to train; leave it out with --drop post_event,recoveries \(or --drop-leaky\), or keep them with --allow-leaky post_event,recoveries$/u,
    );
  });

  it('keeps a leaky column allowed on purpose, or drops it with dropLeaky', () => {
    const allowed = qualityGate(ds, { allowLeaky: ['post_event', 'recoveries'] });
    expect(decisionOf(allowed, 'post_event')).toMatchObject({ action: 'keep-leaky', rule: 'leaky' });
    expect(() => {
      refuseLeaky(allowed);
    }).not.toThrow();
    const dropped = qualityGate(ds, { dropLeaky: true });
    expect(decisionOf(dropped, 'post_event').action).toBe('drop');
    expect(applyGate(ds, dropped).columns.map((c) => c.name)).toEqual(['score_driver', 'amount', 'rate', 'product', 'late_count']);
    expect(() => qualityGate(ds, { allowLeaky: ['nope'] })).toThrow(/--allow-leaky nope: no such column/u);
  });

  it('judges leakage on the rows it is given (the training part) only', () => {
    // the same column on rows where it carries no signal is not leaky
    const shuffled: Dataset = { ...ds, label: Uint8Array.from(ds.label).reverse() };
    expect(decisionOf(qualityGate(shuffled), 'post_event').action).toBe('keep');
  });

  it('prints one line per dropped or changed column after a summary', () => {
    const lines = gateLines(qualityGate(ds, { dropLeaky: true }));
    expect(lines[0]).toMatch(/^data-quality gate on 1000 training rows: 14 columns, 5 kept, 9 dropped, 1 changed$/u);
    expect(lines.filter((l) => l.startsWith('  ') && !l.startsWith('  review '))).toHaveLength(10);
    expect(lines.some((l) => l.startsWith('  late_count: special (sentinel)'))).toBe(true);
    // an amount to the unit over 1,000 rows is near-unique: kept, and flagged in case it is an account number
    expect(lines.filter((l) => l.startsWith('  review '))).toEqual([
      expect.stringMatching(/^ {2}review amount: near-unique integers \(9\d\.\d % of 1000 non-missing values distinct\)/u),
    ]);
  });

  it('counts refused (leaky) columns as refused in the summary, not as dropped', () => {
    expect(gateLines(qualityGate(ds))[0]).toBe(
      'data-quality gate on 1000 training rows: 14 columns, 5 kept, 7 dropped, 2 refused, 1 changed',
    );
  });
});

describe('missing markers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-gate-'));
  const rng = new Rng(9);
  const markers = ['N/A', 'NULL', '?', '-', 'NaN', '#N/A', 'NA', 'null', ''];
  const rows = Array.from({ length: 300 }, (_, i) => {
    const income = rng.chance(0.1) ? markers[i % markers.length]! : String(Math.round(20_000 + 60_000 * rng.next()));
    return `${income},${rng.pick(['a', 'b'])},${rng.chance(0.3) ? 1 : 0}`;
  });
  const path = join(dir, 'markers.csv');
  writeFileSync(path, `income,segment,y\n${rows.join('\n')}\n`);

  it('reads N/A, NULL, ? and the other markers as missing: a numeric column stays numeric, and the gate says so', async () => {
    const ds = await loadFeatureTable(path, { target: 'y' });
    const income = ds.columns.find((c) => c.name === 'income')!;
    expect(income.kind).toBe('numeric');
    expect(markerCounts(income)['N/A']).toBeGreaterThan(0);
    const d = decisionOf(qualityGate(ds), 'income');
    expect(d).toMatchObject({ action: 'numeric', rule: 'missing-markers' });
    expect(d.reason).toMatch(/"N\/A" ×\d+/u);
    expect(d.reason).toMatch(/"\?" ×\d+/u);
  });

  it("the gate counts the markers of the rows it judges (the training part's), not the whole table's", async () => {
    const ds = await loadFeatureTable(path, { target: 'y' });
    const income = ds.columns.find((c) => c.name === 'income')!;
    const whole = markerCounts(income);
    for (const seed of [1, 2, 3]) {
      const { train, test } = randomSplit(ds, 0.7, seed);
      const [inTrain, inTest] = [train, test].map((part) => markerCounts(part.columns.find((c) => c.name === 'income')!));
      // each marker's cells are split between the parts, and each part's count is its own rows'
      for (const [m, k] of Object.entries(whole)) expect((inTrain![m] ?? 0) + (inTest![m] ?? 0)).toBe(k);
      const trainValues = (train.columns.find((c) => c.name === 'income') as { values: Float64Array }).values;
      expect(Object.values(inTrain!).reduce((a, b) => a + b, 0)).toBe(trainValues.filter(Number.isNaN).length);
      const reason = decisionOf(qualityGate(train), 'income').reason;
      for (const [m, k] of Object.entries(inTrain!)) if (m !== '') expect(reason).toContain(`"${m}" ×${k}`);
    }
  });

  it('reads only the configured markers (the empty cell always), and points at a marker the list lacks', async () => {
    const ds = await loadFeatureTable(path, { target: 'y', missingMarkers: ['NA', 'N/A', 'NULL', 'null', '-', 'NaN', '#N/A'] });
    expect(ds.columns.find((c) => c.name === 'income')!.kind).toBe('categorical');
    const d = decisionOf(qualityGate(ds), 'income');
    expect(d.reason).toMatch(/numeric apart from "\?" in \d+ rows: add it to --missing-markers/u);
    // the command shown keeps the markers in use (the flag replaces the list), quoted for a shell
    expect(d.reason).toMatch(/\(--missing-markers 'NA,N\/A,NULL,null,-,[^']*\?[^']*'\)/u);
  });
});

describe('data-quality gate: personal data', () => {
  const m = 1000;
  const rng = new Rng(17);
  const label = Uint8Array.from({ length: m }, () => (rng.chance(0.3) ? 1 : 0));
  const num = (name: string, f: (i: number) => number): Column => ({
    name,
    kind: 'numeric',
    values: Float64Array.from({ length: m }, (_, i) => f(i)),
  });
  const cat = (name: string, f: (i: number) => string): Column => {
    const cells = Array.from({ length: m }, (_, i) => f(i));
    const levels = [...new Set(cells)];
    return { name, kind: 'categorical', levels, codes: Int32Array.from(cells, (v) => levels.indexOf(v)) };
  };
  const mobiles = Array.from({ length: m }, () => 13_000_000_000 + rng.int(0, 6_999_999_999));
  const mails = Array.from({ length: 30 }, (_, k) => `${rng.pick(first).toLowerCase()}.${k}@example.com`);
  const cards = Array.from({ length: m }, () => 100_000_000_000 + rng.int(0, 899_999_999_999));
  const columns: Column[] = [
    // an 11-digit unique integer with a plain name (the review's `mobile` reached IV 0.90)
    num('contact', (i) => mobiles[i]!),
    // thirty addresses, each on many rows: few levels, so no identifier rule sees them
    cat('email', () => rng.pick(mails)),
    cat('tel', () => `+86 ${rng.int(130, 199)}-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`),
    num('landline', () => rng.int(2_000_000, 89_999_999)),
    // a card number: twelve digits, near-unique, neither a sequence nor an identifier name
    num('card', (i) => cards[i]!),
    // amounts: near-unique, widths from 3 to 5 digits (German credit's credit_amount: 921 of 1,000 unique)
    num('credit_amount', () => Math.round(Math.exp(7.5 + 0.8 * rng.normal()))),
    // nine-digit amounts spread over more than one width are amounts, not codes
    num('exposure', () => rng.int(50_000_000, 2_000_000_000)),
  ];
  const ds: Dataset = { n: m, columns, label, period: new Array<string>(m).fill(''), ids: [] };
  const report = qualityGate(ds);

  it('drops e-mail addresses and phone numbers as contact data, whatever their count of levels', () => {
    for (const c of ['contact', 'email', 'tel'])
      expect(decisionOf(report, c), c).toMatchObject({ action: 'drop', rule: 'contact-data' });
    expect(decisionOf(report, 'contact').reason).toMatch(/11-digit mobile numbers/u);
    expect(decisionOf(report, 'email').reason).toMatch(/e-mail addresses/u);
    expect(decisionOf(report, 'tel').reason).toMatch(/phone numbers/u);
  });

  it('drops a phone column by its name and number widths; a near-unique code of one wide width as an identifier', () => {
    const named = qualityGate({ ...ds, columns: [{ ...columns[3]!, name: 'home_phone' }] });
    expect(decisionOf(named, 'home_phone')).toMatchObject({ action: 'drop', rule: 'contact-data' });
    expect(decisionOf(report, 'landline').rule).not.toBe('contact-data');
    expect(decisionOf(report, 'card')).toMatchObject({ action: 'drop', rule: 'identifier' });
    expect(decisionOf(report, 'card').reason).toMatch(/integer of 12 digits/u);
  });

  it('keeps amounts, near-unique as they are', () => {
    expect(decisionOf(report, 'credit_amount')).toMatchObject({ action: 'keep', rule: 'ok' });
    expect(decisionOf(report, 'exposure')).toMatchObject({ action: 'keep', rule: 'ok' });
  });

  it('never writes one of their values', () => {
    const text = [...gateLines(report), JSON.stringify(report)].join('\n');
    for (const v of [...mobiles, ...cards]) expect(text).not.toContain(String(v));
    for (const v of mails) expect(text).not.toContain(v);
    expect(text).not.toMatch(/\+86/u);
  });
});

describe('data-quality gate: near-unique integers (account and customer numbers)', () => {
  const m = 1000;
  const rng = new Rng(41);
  const label = Uint8Array.from({ length: m }, () => (rng.chance(0.3) ? 1 : 0));
  /** Distinct random integers in [lo, hi]: an account number drawn at random, not a sequence. */
  const distinctIn = (k: number, lo: number, hi: number) => {
    const seen = new Set<number>();
    while (seen.size < k) seen.add(rng.int(lo, hi));
    return [...seen];
  };
  const num = (name: string, values: number[]): Column => ({ name, kind: 'numeric', values: Float64Array.from(values) });
  const accounts = distinctIn(m, 10_000_000, 99_999_999);
  const branchCodes = distinctIn(m, 100_000, 999_999);
  const customers = distinctIn(m, 1, 9_999_999);
  const columns: Column[] = [
    // the review's `acct`: 8 digits, every one unique, a plain name (IV 0.035, a reason code for 24 of 200)
    num('acct', accounts),
    num('branch_code', branchCodes),
    // customer numbers of 1 to 7 digits: no width, no sequence, no name gives them away
    num('cust', customers),
    // a balance to the unit, near-unique over widths of 2 to 6 digits (Lending Club's tot_cur_bal: 99.3 %)
    num('balance', Array.from({ length: m }, () => Math.round(Math.exp(10 + 1.2 * rng.normal())))),
    // German credit's credit_amount: about 92 % unique, 3 to 5 digits
    num('credit_amount', Array.from({ length: m }, () => Math.round(Math.exp(7.5 + 0.8 * rng.normal())))),
  ];
  const ds: Dataset = { n: m, columns, label, period: new Array<string>(m).fill(''), ids: [] };
  const report = qualityGate(ds);
  const reviewOf = (r: GateReport, c: string) => r.review?.find((f) => f.column === c && f.flag === 'near-unique-integer');

  it('drops a near-unique integer all of one width of 6 digits or more as an identifier', () => {
    for (const [c, width] of [
      ['acct', 8],
      ['branch_code', 6],
    ] as const) {
      expect(decisionOf(report, c), c).toMatchObject({ action: 'drop', rule: 'identifier' });
      expect(decisionOf(report, c).reason).toBe(
        `identifier-like code: every value an integer of ${width} digits, 100.0 % of non-missing values unique (an account, card, customer or phone number; values not listed)`,
      );
    }
  });

  it('flags for review, keeping them, near-unique integers of varying widths: an identifier or an amount to the unit', () => {
    for (const c of ['cust', 'balance']) {
      expect(decisionOf(report, c), c).toMatchObject({ action: 'keep', rule: 'ok' });
      expect(reviewOf(report, c)?.reason, c).toMatch(
        new RegExp(
          `^near-unique integers \\(\\d+\\.\\d % of 1000 non-missing values distinct\\): if it is an identifier \\(account or customer number\\), give --drop ${c}$`,
          'u',
        ),
      );
      expect(gateLines(report)).toContain(`  review ${c}: ${reviewOf(report, c)!.reason}`);
    }
  });

  it('keeps an amount below 95 % unique without a review, and judges no column near-unique on fewer than 100 values', () => {
    expect(decisionOf(report, 'credit_amount')).toMatchObject({ action: 'keep', rule: 'ok' });
    expect(reviewOf(report, 'credit_amount')).toBeUndefined();
    const few = qualityGate({ ...ds, columns: [num('acct', accounts.slice(0, 99))], n: 99, label: label.slice(0, 99) });
    expect(decisionOf(few, 'acct')).toMatchObject({ action: 'keep', rule: 'ok' });
    expect(reviewOf(few, 'acct')).toBeUndefined();
  });

  it('a missing value or two, or a repeat, does not hide an account number; its values are never written', () => {
    const gappy = accounts.map((v, i) => (i % 97 === 0 ? Number.NaN : i % 50 === 1 ? accounts[0]! : v));
    const r = qualityGate({ ...ds, columns: [num('acct', gappy)] });
    expect(decisionOf(r, 'acct')).toMatchObject({ action: 'drop', rule: 'identifier' });
    const text = [...gateLines(report), JSON.stringify(report)].join('\n');
    for (const v of [...accounts, ...branchCodes]) expect(text).not.toContain(String(v));
  });
});

describe('data-quality gate: dates', () => {
  const m = 1000;
  const rng = new Rng(23);
  const pad = (k: number) => String(k).padStart(2, '0');
  // a year of applications; the month carries risk, so only the date rule can drop it
  const day = Array.from({ length: m }, () => new Date(Date.UTC(2023, 0, 1 + rng.int(0, 364))));
  const label = Uint8Array.from(day, (d) => (rng.chance(0.15 + 0.03 * d.getUTCMonth()) ? 1 : 0));
  const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const cat = (name: string, f: (i: number) => string): Column => {
    const cells = Array.from({ length: m }, (_, i) => f(i));
    const levels = [...new Set(cells)];
    return { name, kind: 'categorical', levels, codes: Int32Array.from(cells, (v) => levels.indexOf(v)) };
  };
  const num = (name: string, f: (i: number) => number): Column => ({
    name,
    kind: 'numeric',
    values: Float64Array.from({ length: m }, (_, i) => f(i)),
  });
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const columns: Column[] = [
    cat('app_month', (i) => iso(day[i]!).slice(0, 7)),
    cat('app_date', (i) => iso(day[i]!)),
    cat('opened', () => `${rng.pick(months)}-${rng.int(1990, 2015)}`),
    cat('booked', (i) => `${pad(day[i]!.getUTCDate())}/${pad(day[i]!.getUTCMonth() + 1)}/2023`),
    // a few cells the marker list lacks do not hide a date
    cat('paid_on', (i) => (i % 20 === 0 ? 'unknown' : iso(day[i]!))),
    num('app_day', (i) => Number(iso(day[i]!).replaceAll('-', ''))),
    // not dates: range labels, terms, a six-digit amount (in thousands, as incomes are declared: six
    // digits drawn at random, near-unique, are an account number's shape, dropped as an identifier)
    cat('band', () => rng.pick(['0-30', '31-60', '61-90', '90+'])),
    cat('term', () => rng.pick(['36 months', '60 months'])),
    num('income', () => 1000 * rng.int(100, 999)),
  ];
  const ds: Dataset = { n: m, columns, label, period: new Array<string>(m).fill(''), ids: [] };
  const report = qualityGate(ds);
  const because = 'a date: dates are not features (derive an age or a duration, e.g. months since …)';

  it('drops a month, a day, a month by name and either day order as a date, whatever their levels', () => {
    for (const c of ['app_month', 'app_date', 'opened', 'booked', 'paid_on', 'app_day']) {
      expect(decisionOf(report, c), c).toMatchObject({ action: 'drop', rule: 'date' });
      expect(decisionOf(report, c).reason.startsWith(because), c).toBe(true);
    }
    expect(decisionOf(report, 'app_month').reason).toMatch(/100\.0 % of the non-missing values read as YYYY-MM \(values not listed\)$/u);
    expect(decisionOf(report, 'paid_on').reason).toMatch(/95\.0 % of the non-missing values read as YYYY-MM-DD/u);
    expect(decisionOf(report, 'app_day').reason).toMatch(/read as YYYYMMDD/u);
  });

  it('a known post-outcome name written as dates is refused as leaky, not dropped as one more date', () => {
    const paid: Column = { ...cat('last_pymnt_d', (i) => iso(day[i]!).slice(0, 7)) };
    const withPaid: Dataset = { ...ds, columns: [...columns, paid] };
    const gate = qualityGate(withPaid);
    expect(decisionOf(gate, 'last_pymnt_d')).toMatchObject({ action: 'refuse', rule: 'leaky' });
    expect(decisionOf(gate, 'last_pymnt_d').reason).toMatch(/a known post-outcome name/u);
    expect(decisionOf(qualityGate(withPaid, { dropLeaky: true }), 'last_pymnt_d')).toMatchObject({ action: 'drop', rule: 'leaky' });
  });

  it('keeps range labels, terms and amounts', () => {
    for (const c of ['band', 'term', 'income']) expect(decisionOf(report, c), c).toMatchObject({ action: 'keep', rule: 'ok' });
  });

  it('prints the reason and writes it in the card, no value quoted', async () => {
    const lines = gateLines(report);
    expect(lines).toContain(`  app_month: drop (date) — ${decisionOf(report, 'app_month').reason}`);
    const art = await trainScorecard(applyGate(ds, report), ['band', 'term', 'income']);
    const version = scorecardVersion('dates', art, ds, '');
    const metrics = { ...version.metrics, data_quality: report } as ModelVersion['metrics'];
    const card = modelCardMarkdown({ ...version, metrics });
    expect(card).toContain(`| app_month | drop | date | ${decisionOf(report, 'app_month').reason} |`);
    expect(card).toMatch(/dates \(days or months\) dropped/u);
    const text = [...lines, card, JSON.stringify(report)].join('\n');
    for (const d of day) {
      expect(text).not.toContain(iso(d));
      expect(text).not.toContain(iso(d).slice(0, 7));
    }
  });
});

describe('a credit report count of the months before the application', () => {
  it('is not a post-outcome name though it holds one (chargeoff_within_12_mths); a charge-off amount is', () => {
    const rng = new Rng(5);
    const n = 2000;
    const label = Uint8Array.from({ length: n }, () => (rng.chance(0.2) ? 1 : 0));
    const ints = () => Float64Array.from({ length: n }, () => rng.int(0, 2));
    const ds: Dataset = {
      n,
      columns: [
        { name: 'chargeoff_within_12_mths', kind: 'numeric', values: ints() },
        { name: 'delinq_within_24_months', kind: 'numeric', values: ints() },
        { name: 'chargeoff_amount', kind: 'numeric', values: ints() },
        { name: 'income', kind: 'numeric', values: Float64Array.from({ length: n }, () => rng.next() * 1e5) },
      ],
      label,
      period: new Array<string>(n).fill(''),
      ids: Array.from({ length: n }, (_, i) => String(i)),
    };
    const gate = qualityGate(ds);
    expect(decisionOf(gate, 'chargeoff_within_12_mths').action).toBe('keep');
    expect(decisionOf(gate, 'delinq_within_24_months').action).toBe('keep');
    expect(decisionOf(gate, 'chargeoff_amount')).toMatchObject({ action: 'refuse', rule: 'leaky' });
  });
});
