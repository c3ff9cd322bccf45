import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random.ts';
import type { Dataset } from '../../../models/data/dataset.ts';
import { conditionalBook } from '../../helpers/conditional-book.ts';
import { heldBackSplit } from '../../helpers/held-back-split.ts';
import { scoringSql, scorecardStages } from '../../../models/export/sql.ts';
import { defaultBinning } from '../../../models/scorecard/binning.ts';
import { follows } from '../../../models/scorecard/trend.ts';
import {
  defaultScorecardOptions,
  scoreScorecard,
  trainScorecard,
  type ScorecardArtifact,
} from '../../../models/scorecard/scorecard.ts';
import { jointArtifact } from '../../../models/scorecard/fold-choice.ts';
import { querySql } from '../../../warehouse/connection.ts';
import { joinSql, param, sql, trusted } from '../../../warehouse/sql.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/**
 * Catalogue features with shaped risks: ltv peaks (and is missing for 5 %), mob falls then rises
 * (a valley, with −1 as a special code), age rises, product is a category; six monthly periods.
 */
function shapedBook(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const ltv = new Float64Array(n);
  const mob = new Float64Array(n);
  const age = new Float64Array(n);
  const codes = new Int32Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    ltv[i] = rng.chance(0.05) ? Number.NaN : rng.uniform(0, 1.2);
    mob[i] = rng.chance(0.04) ? -1 : rng.int(0, 60);
    age[i] = rng.int(20, 70);
    codes[i] = rng.int(0, 3);
    const z =
      -2.6 +
      (Number.isNaN(ltv[i]!) ? 0.4 : 1.5 * Math.exp(-(((ltv[i]! - 0.6) / 0.2) ** 2))) +
      (mob[i] === -1 ? 0.8 : 0.0012 * (mob[i]! - 30) ** 2) +
      0.02 * (age[i]! - 45) +
      [0, 0.3, 0.6, -0.2][codes[i]!]!;
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
    period.push(`2024-0${1 + (i % 6)}-28`);
  }
  return {
    n,
    columns: [
      { name: 'ltv', kind: 'numeric', values: ltv },
      { name: 'mob', kind: 'numeric', values: mob },
      { name: 'age', kind: 'numeric', values: age },
      { name: 'product', kind: 'categorical', codes, levels: ['consumer', 'auto', 'sme', 'mortgage'] },
    ],
    label,
    period,
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

let wh: Awaited<ReturnType<typeof testWarehouse>>;
beforeAll(async () => {
  wh = await testWarehouse('scorecard_trends_sql');
});
afterAll(() => disposeIfOpened(wh));

describe('a scorecard with non-monotonic, time-stable bins scores the same in ClickHouse', () => {
  it('auto trends give peak and valley bins; the exported SQL equals the TypeScript scorer (1e-9; grade and reasons exactly)', async () => {
    const ds = shapedBook(12_000, 3);
    const art = await trainScorecard(ds, ['ltv', 'mob', 'age', 'product'], {
      ...defaultScorecardOptions,
      binning: {
        ...defaultBinning,
        trend: 'auto',
        timeStable: true,
        maxBins: 8,
        minBinShare: 0.03,
        specialByFeature: { mob: [-1] },
      },
    });
    const chosen = Object.fromEntries(art.binningTables!.map((t) => [t.feature, t.trend?.chosen]));
    expect(chosen.ltv).toBe('peak');
    expect(['valley', 'convex']).toContain(chosen.mob);
    for (const v of art.variables) {
      const ranges = v.bins.filter((b) => b.rule.type === 'range');
      const t = art.binningTables!.find((x) => x.feature === v.feature)!;
      if (t.trend)
        expect(
          follows(
            ranges.map((b) => b.bad / b.count),
            t.trend.chosen,
            ranges.map((b) => b.count),
          ),
        ).toBe(true);
    }
    // not monotonic: ltv's ranges rise then fall
    const ltvRates = art.variables
      .find((v) => v.feature === 'ltv')!
      .bins.filter((b) => b.rule.type === 'range')
      .map((b) => b.bad / b.count);
    expect(follows(ltvRates, 'ascending') || follows(ltvRates, 'descending')).toBe(false);

    await expectSqlEqualsTypeScript(ds, art);
  });

  it("a refined scorecard (its bins' own log-odds terms, a variable it added) scores the same in ClickHouse", async () => {
    // under catalogue names, which the exported SQL reads from ew_features
    const names: Record<string, string> = { balance: 'ltv', credit_limit: 'log_principal', noise: 'annual_rate' };
    const book = conditionalBook(12_000, 4);
    const ds = { ...book, columns: book.columns.map((c) => ({ ...c, name: names[c.name] ?? c.name })) };
    const { fit, held } = heldBackSplit(ds);
    const art = await trainScorecard(
      fit,
      ['ltv', 'log_principal', 'annual_rate', 'channel'],
      defaultScorecardOptions,
      held,
    );
    expect(art.refinement!.chosen).not.toBeNull();
    expect(art.refinement!.added).toContain('log_principal');
    await expectSqlEqualsTypeScript(ds, art);
  });

  it('a joint scorecard (fine ranges merged to each feature’s fitted direction, coefficient 0) scores the same in ClickHouse', async () => {
    const names: Record<string, string> = { balance: 'ltv', credit_limit: 'log_principal', noise: 'annual_rate' };
    const book = conditionalBook(8_000, 5);
    const ds = { ...book, columns: book.columns.map((c) => ({ ...c, name: names[c.name] ?? c.name })) };
    const art = jointArtifact(ds, ['ltv', 'log_principal', 'annual_rate', 'channel'], defaultScorecardOptions, 17);
    expect(art.variables.every((v) => v.coef === 0 && v.bins.every((b) => b.term !== undefined))).toBe(true);
    expect(art.variables.find((v) => v.feature === 'ltv')!.bins.length).toBeGreaterThan(4);
    await expectSqlEqualsTypeScript(ds, art);
  });
});

/** The rows as a source of ew_features-typed columns (NaN → NULL, as the table holds missing), scored by the exported SQL and in TypeScript. */
async function expectSqlEqualsTypeScript(ds: Dataset, art: ScorecardArtifact) {
  const columns = ds.columns.map((c) =>
    c.kind === 'numeric'
      ? sql`${param(
          Array.from(c.values, (x) => (Number.isNaN(x) ? null : x)),
          'Array(Nullable(Float64))',
        )}[i] AS ${trusted(c.name)}`
      : sql`${param(
          Array.from(c.codes, (k) => c.levels[k]!),
          'Array(String)',
        )}[i] AS ${trusted(c.name)}`,
  );
  const source = sql`SELECT i AS row, ${joinSql(columns, ', ')}
    FROM (SELECT arrayJoin(range(1, ${param(ds.n + 1, 'UInt32')})) AS i)`;
  const rows = await querySql<{ row: number; probability: number; points: number; grade: string; reasons: string[] }>(
    wh,
    sql`SELECT row, probability, points, grade, reasons FROM (${scoringSql(scorecardStages(art), source)}) ORDER BY row`,
  );
  const ts = scoreScorecard(art, ds);
  expect(rows).toHaveLength(ds.n);
  let maxP = 0;
  let maxPoints = 0;
  for (const r of rows) {
    const i = r.row - 1;
    maxP = Math.max(maxP, Math.abs(r.probability - ts.probability[i]!));
    maxPoints = Math.max(maxPoints, Math.abs(r.points - ts.points[i]!));
    expect([r.grade, r.reasons]).toEqual([ts.grade[i], ts.reasons[i]]);
  }
  expect(maxP).toBeLessThan(1e-9);
  expect(maxPoints).toBeLessThan(1e-9);
}
