import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlacements } from '../../../../pipelines/cases/case-placements.ts';
import { placementHistory, type LoanEvent } from '../../../../pipelines/collections/agency/rules.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { seeded } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

type Row = LoanEvent & { loan_id: string };

/** Random placement histories: recalls before any placement, of an agency not holding the loan, same-day ties, repeats. */
function histories(seed: number, loans: number): Row[] {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const rows: Row[] = [];
  for (let l = 0; l < loans; l++) {
    const loan_id = `L${String(l).padStart(4, '0')}`;
    const n = Math.floor(rnd() * 7);
    for (let i = 0; i < n; i++)
      rows.push({
        loan_id,
        // mixed-case ids on a few days: the tie order must be the engine's, not a locale's
        event_id: `${pick(['e', 'E', 'f', 'F'])}${Math.floor(rnd() * 100)}`,
        event_date: `2024-0${1 + Math.floor(rnd() * 3)}-0${1 + Math.floor(rnd() * 3)}`,
        type: rnd() < 0.55 ? 'agency_placement' : 'agency_recall',
        note: pick(['north_agency', 'south_agency', 'east_agency']),
        amount: 0,
      });
  }
  // an event id is a loan's own key: keep one of each
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(`${r.loan_id}|${r.event_id}`) && seen.add(`${r.loan_id}|${r.event_id}`));
}

describe('open placements on a date, decided in the engine', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('case_placements');
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
  });

  it.each([1, 2, 3])('equal the placements history folded per loan (seed %i), on every date', async (seed) => {
    const rows = histories(seed, 400);
    await wh.client.command({ query: `TRUNCATE TABLE ${tableRef(wh, 'loan_events')}` });
    await wh.client.insert({
      table: tableRef(wh, 'loan_events'),
      values: rows.map(({ event_id, loan_id, event_date, type, note }) => ({
        event_id,
        loan_id,
        event_date,
        type,
        note,
        amount: 0,
      })),
      format: 'JSONEachRow',
    });
    for (const asOf of ['2023-12-31', '2024-01-02', '2024-02-01', '2024-03-03']) {
      const expected = new Map<string, string>();
      const byLoan = new Map<string, Row[]>();
      for (const r of rows.filter((e) => e.event_date <= asOf))
        byLoan.set(r.loan_id, [...(byLoan.get(r.loan_id) ?? []), r]);
      for (const [loan, events] of byLoan) {
        const open = placementHistory(events).placements.find((p) => p.recalled_date === null);
        if (open) expected.set(loan, open.agency);
      }
      const got = await openPlacements(wh, asOf);
      expect(Object.fromEntries([...got].sort()), asOf).toEqual(Object.fromEntries([...expected].sort()));
    }
  });
});
