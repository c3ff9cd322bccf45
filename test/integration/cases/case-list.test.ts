import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultTarget } from '../../../models/features/feature-catalogue.ts';
import { promote } from '../../../models/registry/registry.ts';
import { scoreMonthInDb } from '../../../models/score.ts';
import { trainBookModels } from '../../../models/workflows.ts';
import { buildCaseList, type Case } from '../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable, recommendAction } from '../../../pipelines/cases/strategy.ts';
import { delinquencyAsOf } from '../../../pipelines/snapshot/delinquency-as-of.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';

describe('case list', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let cases: Case[] = [];
  const asOf = '2024-06-15';
  beforeAll(async () => {
    wh = await warehouseWithBook('cases', { loans: 2000, months: 24, seed: 12 });
    const [m] = await trainBookModels(wh, { kinds: ['scorecard'], seed: 1, target: defaultTarget, ootMonths: 4, loanShare: 1, rebuildFeatures: true, actor: 'test', outDir: join(wh.dir, 'cards') });
    await promote(wh, { name: m!.model.model_name, version: 1, actor: 'test', reason: 'first', gate: { aucMargin: 0, maxPsi: 1 } });
    await scoreMonthInDb(wh, m!.model, '2024-05-31');
    cases = await buildCaseList(wh, { asOf, settings: defaultSettings, strategy: defaultStrategyTable, champion: { name: m!.model.model_name, version: 1 } });
  });
  afterAll(async () => wh?.dispose());

  it('holds every delinquent active loan on the date, ranked by expected loss', async () => {
    const dq = (await delinquencyAsOf(wh, asOf, defaultSettings)).filter((d) => d.status === 'active' && d.dpd > 0);
    const delinquent = cases.filter((c) => c.stage !== 'watch');
    expect(delinquent.map((c) => c.loan_id).sort()).toEqual(dq.map((d) => d.loan_id).sort());
    for (let i = 1; i < cases.length; i++) expect(cases[i]!.expected_loss).toBeLessThanOrEqual(cases[i - 1]!.expected_loss);
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
    const some = await buildCaseList(wh, { asOf, settings: defaultSettings, strategy: defaultStrategyTable, champion: null, filters: { region: [region], stage: ['mid', 'late'] } });
    expect(some.length).toBeGreaterThan(0);
    for (const c of some) { expect(c.region).toBe(region); expect(['mid', 'late']).toContain(c.stage); expect(c.probability_source).toBe('roll_rate_matrix'); }
    expect(await buildCaseList(wh, { asOf, settings: defaultSettings, strategy: defaultStrategyTable, champion: null, filters: { product: ["'; DROP TABLE loans --"] } })).toEqual([]);
  });
});
