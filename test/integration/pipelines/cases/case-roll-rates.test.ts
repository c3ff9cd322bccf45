import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseList, type Case } from '../../../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../../../pipelines/cases/strategy.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { bucketOrder, runMetric } from '../../../../warehouse/metrics/run.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * A case no model scores takes the roll-forward rate of its bucket: the roll-rate matrix's share of
 * the bucket at the month-end found in a worse bucket at the next, read here from the metric itself.
 * The list keeps those rates per snapshot run (pipelines/cases/case-list.ts); a new run that moves
 * loans between buckets must show in the next list, not the rates kept from the run before.
 */
describe('case list roll-rate fallback', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  const me = '2024-05-31';
  beforeAll(async () => {
    wh = await warehouseWithBook('case_roll', { loans: 600, months: 18, seed: 5 });
  });
  afterAll(() => disposeIfOpened(wh));

  /** Roll-forward rate by bucket from the metric (the balance share in a worse bucket at the next month-end). */
  async function rollForwardRates() {
    const r = await runMetric(wh, 'roll_rate', { to: me });
    const out = new Map<string, number>();
    for (const row of r.rows) {
      const from = String(row.from_bucket);
      if (bucketOrder.indexOf(String(row.to_bucket)) > bucketOrder.indexOf(from))
        out.set(from, (out.get(from) ?? 0) + Number(row.flow_share));
    }
    return out;
  }
  const list = (settings: SnapshotSettings, asOf = me) =>
    buildCaseList(wh, { asOf, settings, strategy: defaultStrategyTable, champion: null });
  const expectRates = (cases: Case[], rates: Map<string, number>) => {
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      expect(c.probability_source).toBe('roll_rate_matrix');
      expect(c.probability).toBe(rates.get(c.bucket) ?? 0);
    }
  };

  it('takes its bucket’s rate; a list after a new snapshot run takes that run’s rates, not the ones kept before', async () => {
    const before = await rollForwardRates();
    expectRates(await list(defaultSettings), before);
    // read again under the same run: the same rates (and a mid-month list of the month uses them too)
    expectRates(await list(defaultSettings), before);
    expectRates(await list(defaultSettings, '2024-06-10'), before);

    // a run with a grace period moves loans between buckets: other rates
    const graced = { ...defaultSettings, graceDays: 10 };
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings: graced });
    const after = await rollForwardRates();
    expect([...after.entries()]).not.toEqual([...before.entries()]);
    expectRates(await list(graced), after);
  });
});
