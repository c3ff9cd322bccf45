import { markSnapshotStale } from '../../../../helpers/stale-snapshot.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementStates } from '../../../../../pipelines/collections/agency/placement-state.ts';
import { proposePlacements, recallReason } from '../../../../../pipelines/collections/agency/rules.ts';
import { delinquencyAsOf } from '../../../../../pipelines/snapshot/delinquency-as-of.ts';
import { defaultAgencyTerms } from '../../../../../warehouse/workout/agency-terms.ts';
import { warehouseWithBook } from '../../../../helpers/book.ts';
import { disposeIfOpened } from '../../../../helpers/warehouse.ts';
import { defaultSettings } from '../../../../helpers/settings.ts';

/*
 * A load the snapshot has not seen sends the rules to each loan's whole history, which also
 * returns closed loans: the proposals must not change with it (a charged-off loan is never placed).
 */
describe('placements after a load the snapshot has not seen', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  const asOf = '2024-06-28';
  const propose = async () =>
    proposePlacements(await placementStates(wh, asOf, defaultSettings), asOf, defaultAgencyTerms);

  beforeAll(async () => {
    wh = await warehouseWithBook('placestale', { loans: 1500, months: 24, seed: 7 });
  });
  afterAll(() => disposeIfOpened(wh));

  it('proposes the same placements as with a fresh snapshot, and no closed loan', async () => {
    const fresh = await propose();
    expect(fresh.filter((p) => p.action === 'place').length).toBeGreaterThan(0);
    await markSnapshotStale(wh, 'collection_actions');
    const stale = await propose();
    expect(stale).toEqual(fresh);
    const closed = new Set(
      (await delinquencyAsOf(wh, asOf, defaultSettings)).filter((d) => d.status !== 'active').map((d) => d.loan_id),
    );
    expect(closed.size).toBeGreaterThan(0);
    expect(stale.filter((p) => p.action === 'place' && closed.has(p.loan_id))).toEqual([]);
  });

  it('a placed loan since charged off shows its DPD since the charge-off and the balance written off, not a cure', async () => {
    const closed = (await placementStates(wh, asOf, defaultSettings)).filter((l) => l.status === 'charged_off');
    expect(closed.length).toBeGreaterThan(0);
    for (const l of closed) {
      expect(l.dpd, l.loan_id).toBeGreaterThan(0);
      expect(l.balance, l.loan_id).toBeGreaterThan(0);
    }
  });
});

/*
 * With the snapshot fresh (no load since it), the day's delinquency reads only the loans active at
 * the last month-end: a loan charged off since then has no row there and read active, DPD 0, 0.00.
 */
describe('placements on a fresh snapshot', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  beforeAll(async () => {
    wh = await warehouseWithBook('placefresh', { loans: 1500, months: 24, seed: 7 });
  });
  afterAll(() => disposeIfOpened(wh));

  it('a placed loan charged off since its last month-end is charged off on the date, not recalled as a cure', async () => {
    const date = '2024-06-20';
    const placed = (await placementStates(wh, date, defaultSettings)).filter(
      (l) => l.status === 'active' && l.placements.some((p) => p.recalled_date === null),
    );
    expect(placed.length).toBeGreaterThan(0);
    const loan = placed[0]!;
    await wh.client.insert({
      table: `${wh.database}.loan_events`,
      format: 'JSONEachRow',
      values: [
        {
          event_id: 'CO-MID',
          loan_id: loan.loan_id,
          event_date: '2024-06-10',
          type: 'charge_off',
          note: '',
          amount: 0,
        },
      ],
    });
    const after = (await placementStates(wh, date, defaultSettings)).find((l) => l.loan_id === loan.loan_id)!;
    expect(after.status).toBe('charged_off');
    expect(after.dpd).toBeGreaterThanOrEqual(loan.dpd);
    expect(after.balance).toBeGreaterThan(0);
    expect(recallReason(after, date, { ...defaultAgencyTerms, placement_days: 10_000 })).toBeNull();
  });
});
