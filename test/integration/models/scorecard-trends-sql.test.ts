import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random.ts';
import type { Dataset } from '../../../models/data/dataset.ts';
import { scoringSql, scorecardStages } from '../../../models/export/sql.ts';
import { defaultBinning } from '../../../models/scorecard/binning.ts';
import { follows } from '../../../models/scorecard/trend.ts';
import { defaultScorecardOptions, scoreScorecard, trainScorecard } from '../../../models/scorecard/scorecard.ts';
import { querySql } from '../../../warehouse/connection.ts';
import { param, sql } from '../../../warehouse/sql.ts';
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

    // the rows as a source of ew_features-typed columns (NaN → NULL, as the table holds missing)
    const num = (name: string) => {
      const c = ds.columns.find((x) => x.name === name)!;
      return c.kind === 'numeric' ? Array.from(c.values, (x) => (Number.isNaN(x) ? null : x)) : [];
    };
    const product = ds.columns.find((x) => x.name === 'product')!;
    const products = product.kind === 'categorical' ? Array.from(product.codes, (k) => product.levels[k]!) : [];
    const source = sql`SELECT i AS row,
      ${param(num('ltv'), 'Array(Nullable(Float64))')}[i] AS ltv,
      ${param(num('mob'), 'Array(Nullable(Float64))')}[i] AS mob,
      ${param(num('age'), 'Array(Nullable(Float64))')}[i] AS age,
      ${param(products, 'Array(String)')}[i] AS product
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
  });
});
