import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable, recommendAction } from '../../../../pipelines/cases/strategy.ts';
import { assignExperiment, parseExperiment, storeAssignments } from '../../../../pipelines/cases/experiment.ts';
import { experimentResults } from '../../../../pipelines/cases/experiment-results.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { activeDelinquencyQuery, delinquencyAsOf } from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

describe('case list', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let cases: Case[] = [];
  const asOf = '2024-06-15';
  beforeAll(async () => {
    wh = await warehouseWithBook('cases', { loans: 2000, months: 24, seed: 12 });
    const m = await withScoredChampion(wh, { scoreMonthEnds: ['2024-05-31'] });
    cases = await buildCaseList(wh, {
      asOf,
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: { name: m.model_name, version: m.version },
    });
  });
  afterAll(() => disposeIfOpened(wh));

  it('holds every delinquent active loan on the date, ranked by expected loss', async () => {
    const dq = (await delinquencyAsOf(wh, asOf, defaultSettings)).filter((d) => d.status === 'active' && d.dpd > 0);
    const delinquent = cases.filter((c) => c.stage !== 'watch');
    expect(delinquent.map((c) => c.loan_id).sort()).toEqual(dq.map((d) => d.loan_id).sort());
    for (let i = 1; i < cases.length; i++)
      expect(cases[i]!.expected_loss).toBeLessThanOrEqual(cases[i - 1]!.expected_loss);
    expect(cases.map((c) => c.rank)).toEqual(cases.map((_, i) => i + 1));
  });

  it('stage, probability source, grade and action follow the rules', () => {
    for (const c of cases) {
      expect(c.stage).toBe(c.dpd > 90 ? 'late' : c.dpd > 30 ? 'mid' : c.dpd > 0 ? 'early' : 'watch');
      if (c.stage === 'watch') expect(['D', 'E']).toContain(c.grade);
      expect(c.action).toBe(recommendAction(defaultStrategyTable, c.stage, c.grade));
      expect(c.expected_loss).toBeCloseTo(c.probability * c.balance, 1);
      if (c.dpd > 30) expect(c.probability_source).toBe('roll_rate_matrix');
    }
    expect(cases.some((c) => c.probability_source === 'model' && c.model === 'dpd30_3m_scorecard@1')).toBe(true);
    expect(cases.some((c) => c.last_contacts.length > 0)).toBe(true);
  });

  it('filters by region, stage and product', async () => {
    const region = cases[0]!.region;
    const some = await buildCaseList(wh, {
      asOf,
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: null,
      filters: { region: [region], stage: ['mid', 'late'] },
    });
    expect(some.length).toBeGreaterThan(0);
    for (const c of some) {
      expect(c.region).toBe(region);
      expect(['mid', 'late']).toContain(c.stage);
      expect(c.probability_source).toBe('roll_rate_matrix');
    }
    expect(
      await buildCaseList(wh, {
        asOf,
        settings: defaultSettings,
        strategy: defaultStrategyTable,
        champion: null,
        filters: { product: ["'; DROP TABLE loans --"] },
      }),
    ).toEqual([]);
  });

  it('measures an experiment afterwards: cure rate and amount collected per arm and segment, on the issued list', async () => {
    const e = parseExperiment({
      name: 'exp-1',
      arms: [
        { name: 'control', weight: 1 },
        { name: 'challenger', weight: 1 },
      ],
    });
    const assigned = assignExperiment(e, cases, defaultStrategyTable);
    await storeAssignments(wh, e, asOf, assigned);
    await storeAssignments(wh, e, asOf, assigned); // re-issuing the same date replaces, never doubles
    const until = '2024-06-30';
    const total = await experimentResults(wh, {
      experiment: 'exp-1',
      control: 'control',
      asOf,
      until,
      segment: 'all',
      settings: defaultSettings,
    });
    const byStage = await experimentResults(wh, {
      experiment: 'exp-1',
      control: 'control',
      asOf,
      until,
      segment: 'stage',
      settings: defaultSettings,
    });
    // the same numbers computed independently from DPD on the date and the raw payments
    const later = new Map((await delinquencyAsOf(wh, until, defaultSettings)).map((d) => [d.loan_id, d]));
    const paid = new Map(
      (
        await queryRows<{ loan_id: string; s: number }>(
          wh,
          `SELECT loan_id, toFloat64(sum(amount)) AS s FROM ${wh.database}.payments
      WHERE paid_date > {a:Date} AND paid_date <= {u:Date} GROUP BY loan_id`,
          { a: asOf, u: until },
        )
      ).map((r) => [r.loan_id, r.s]),
    );
    for (const arm of ['control', 'challenger']) {
      const mine = assigned.filter((c) => c.arm === arm);
      const delinquent = mine.filter((c) => c.dpd > 0);
      const cured = delinquent.filter((c) => {
        const d = later.get(c.loan_id)!;
        return d.status === 'paid_off' || (d.status === 'active' && d.dpd === 0);
      });
      const r = total.find((x) => x.arm === arm)!;
      expect(r).toMatchObject({
        segment: 'all',
        cases: mine.length,
        delinquent_cases: delinquent.length,
        cured: cured.length,
      });
      expect(r.collected).toBeCloseTo(
        mine.reduce((s, c) => s + (paid.get(c.loan_id) ?? 0), 0),
        2,
      );
      expect(r.balance).toBeCloseTo(
        mine.reduce((s, c) => s + c.balance, 0),
        1,
      );
      expect(byStage.filter((x) => x.arm === arm).reduce((s, x) => s + x.cases, 0)).toBe(mine.length);
    }
    expect(cases.length).toBeGreaterThan(0);
    const ch = total.find((x) => x.arm === 'challenger')!;
    expect(ch.cure_rate_vs_control).toBeCloseTo(ch.cure_rate! - total.find((x) => x.arm === 'control')!.cure_rate!, 12);
    expect(Number.isFinite(ch.z)).toBe(true);
    await expect(
      experimentResults(wh, {
        experiment: 'nope',
        control: 'a',
        asOf,
        until,
        segment: 'all',
        settings: defaultSettings,
      }),
    ).rejects.toThrow(/no cases were assigned/);
  });

  it('a month-end reads the fresh snapshot, with the same answer as evaluating the history; other dates and stale snapshots evaluate', async () => {
    const me = '2024-05-31';
    const q = await activeDelinquencyQuery(wh, me, defaultSettings);
    expect(q.source).toBe('snapshot');
    const fromSnapshot = await queryRows<Record<string, unknown>>(
      wh,
      `SELECT * FROM (${q.query}) ORDER BY loan_id`,
      q.query_params,
    );
    const fromHistory = (await delinquencyAsOf(wh, me, defaultSettings)).filter((d) => d.status === 'active');
    expect(fromSnapshot.length).toBeGreaterThan(100);
    expect(fromSnapshot.map((r) => ({ ...r, dpd: Number(r.dpd) }))).toEqual(fromHistory);
    expect((await activeDelinquencyQuery(wh, '2024-05-30', defaultSettings)).source).toBe('history');
    expect((await activeDelinquencyQuery(wh, me, { ...defaultSettings, bucketBounds: [15, 30, 60, 90] })).source).toBe(
      'history',
    );
    // an ingest that finished after the snapshot read its inputs makes it stale
    await wh.client.insert({
      table: `${wh.database}.ingest_receipts`,
      format: 'JSONEachRow',
      values: [
        {
          ingest_id: 'late',
          entity: 'payments',
          file: 'x',
          file_sha256: 'x',
          format: 'csv',
          rows_read: 0,
          rows_accepted: 0,
          rows_inserted: 0,
          rows_already_present: 0,
          rows_quarantined: 0,
          started_at: Date.now() + 1000,
          finished_at: Date.now() + 2000,
        },
      ],
    });
    expect((await activeDelinquencyQuery(wh, me, defaultSettings)).source).toBe('history');
  });
});
