import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { defaultDisposalTerms } from '../../../warehouse/workout/disposal-terms.ts';
import { disposalList } from '../../../pipelines/collections/disposal/disposal-list.ts';
import { warehouseWithFiles } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/*
 * Twelve installments of 100.00 + 10.00 due on the 15th from 2023-01-15 (C2: 24), as of 2024-06-30:
 *   D1 (east) never pays: active, DPD 532; D2 (west) never pays, collateral 800.00;
 *   D3 (east) charged off 2023-09-30, 100.00 recovered since: open workout, owes EAD − 100;
 *   D4 (east) charged off and settled: closed, no options; D5 (east) pays 11 of 12: DPD 198;
 *   C1 pays everything (paid off); C2 (24 installments) misses June only: DPD 15, below the stage;
 *   N1, originated 2024-06-25, first due in July: the files reach 2024-06-25, so as_of 2024-06-30 is within
 *   the week data-horizon.ts allows past the data's last day.
 */
const due = (n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.UTC(2023, i, 15)).toISOString().slice(0, 10));
const book = [
  { id: 'D1', region: 'east', n: 12, paid: 0, collateral: '' },
  { id: 'D2', region: 'west', n: 12, paid: 0, collateral: '800.00' },
  { id: 'D3', region: 'east', n: 12, paid: 2, collateral: '' },
  { id: 'D4', region: 'east', n: 12, paid: 2, collateral: '' },
  { id: 'D5', region: 'east', n: 12, paid: 11, collateral: '' },
  { id: 'C1', region: 'east', n: 12, paid: 12, collateral: '' },
  { id: 'C2', region: 'west', n: 24, paid: 17, collateral: '' },
];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch,collateral_value',
    ...book.map(
      (l) => `${l.id},c${l.id},consumer,2022-12-15,${100 * l.n}.00,0.2,${l.n},${l.region},b1,${l.collateral}`,
    ),
    'N1,cN1,consumer,2024-06-25,100.00,0.2,1,west,b1,',
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...book.flatMap((l) => due(l.n).map((d, i) => `${l.id},${i + 1},${d},100.00,10.00`)),
    'N1,1,2024-07-20,100.00,1.67',
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...book.flatMap((l) =>
      due(l.n)
        .slice(0, l.paid)
        .map((d, i) => `${l.id}p${i},${l.id},${d},110.00`),
    ),
  ],
  'loan_events.csv': [
    'event_id,loan_id,event_date,type,amount,note',
    'e1,D3,2023-09-30,charge_off,0,',
    'e2,D3,2024-01-10,recovery,100.00,collections',
    'e3,D4,2023-09-30,charge_off,0,',
    'e4,D4,2024-02-01,settlement,300.00,one-off',
  ],
};
const asOf = '2024-06-30';

describe('GET /v1/disposal and the disposal_options metric on hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};
  const get = (path: string, key: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    wh = await warehouseWithFiles('disposalapi', files, asOf);
    app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 100_000,
      anonRateLimitPerMinute: 100_000,
      keyCacheMs: 5_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
    for (const role of ['admin', 'executive', 'auditor', 'modeler'] as const)
      keys[role] = (await createApiKey(wh, { role, label: role })).key;
    keys.collector = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'east' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  it('lists the loans past the stage with open workouts, each option valued, its sources said', async () => {
    const { monthEnd, loans } = await disposalList(wh, '2024-07-10', defaultDisposalTerms);
    expect(monthEnd).toBe(asOf);
    expect(loans.map((l) => [l.loan.loan_id, l.loan.status]).sort()).toEqual([
      ['D1', 'active'],
      ['D2', 'active'],
      ['D3', 'charged_off'],
      ['D5', 'active'],
    ]);
    const d3 = loans.find((l) => l.loan.loan_id === 'D3')!;
    const d1 = loans.find((l) => l.loan.loan_id === 'D1')!;
    // a charged-off loan owes its EAD less the cash since default
    const ead = Number(
      (await runMetric(wh, 'disposal_candidates', { as_of: asOf, group_by: ['loan_id'] })).rows.find(
        (r) => r.loan_id === 'D3',
      )!.balance,
    );
    expect(d3.loan.balance).toBe(ead);
    expect(d1.loan.balance).toBe(1200);
    expect(d1.loan.dpd).toBe(532);
    // only D2 has collateral; no sales or restructures in the book: those estimates are the fallbacks
    expect(
      loans.filter((l) => l.options.find((o) => o.option === 'collateral_sale')!.available).map((l) => l.loan.loan_id),
    ).toEqual(['D2']);
    for (const l of loans) {
      const basis = Object.fromEntries(l.options.map((o) => [o.option, o.basis]));
      expect(basis.debt_sale).toContain('config fallback: 0 debt sales');
      expect(basis.restructure).toContain('config fallback: 0 restructures');
      const best = l.options.find((o) => o.option === l.recommended)!;
      expect(l.options.filter((o) => o.available).every((o) => o.value <= best.value)).toBe(true);
    }
    expect(d3.options.find((o) => o.option === 'collateral_sale')!.basis).toBe('no collateral');
  });

  it('the metric groups the same valuation by recommended option', async () => {
    const { loans } = await disposalList(wh, asOf, defaultDisposalTerms);
    const r = await runMetric(wh, 'disposal_options', { as_of: asOf });
    for (const row of r.rows) {
      const mine = loans.filter((l) => l.recommended === row.recommended);
      expect(row.loans).toBe(mine.length);
      expect(row.balance).toBeCloseTo(
        mine.reduce((s, l) => s + l.loan.balance, 0),
        2,
      );
    }
    expect(r.rows.reduce((s, x) => s + Number(x.loans), 0)).toBe(loans.length);
    await expect(runMetric(wh, 'disposal_options', { as_of: asOf, group_by: ['branch'] })).rejects.toThrow(
      /cannot be grouped by branch/u,
    );
  });

  it('answers admin, executive and auditor with every region, a collector with his own, a modeler 403', async () => {
    const ids = async (key: string, q = '') => {
      const res = await get(`/v1/disposal?as_of=${asOf}${q}`, key);
      expect(res.status).toBe(200);
      return ((await res.json()) as { loans: { loan_id: string }[] }).loans.map((l) => l.loan_id).sort();
    };
    for (const role of ['admin', 'executive', 'auditor'])
      expect(await ids(keys[role]!)).toEqual(['D1', 'D2', 'D3', 'D5']);
    expect(await ids(keys.collector!)).toEqual(['D1', 'D3', 'D5']);
    // what a collector asks for another region is replaced by his own
    expect(await ids(keys.collector!, '&region=west')).toEqual(['D1', 'D3', 'D5']);
    expect(await ids(keys.admin!, '&region=west')).toEqual(['D2']);
    expect((await get(`/v1/disposal?as_of=${asOf}`, keys.modeler!)).status).toBe(403);
    // pages and the option filter
    const first = (await (await get(`/v1/disposal?as_of=${asOf}&limit=2`, keys.admin!)).json()) as {
      loans: { recommended: string }[];
      next_cursor: string;
    };
    const rec0 = first.loans[0]!.recommended;
    expect(first.loans).toHaveLength(2);
    const rest = (await (
      await get(`/v1/disposal?as_of=${asOf}&limit=2&cursor=${first.next_cursor}`, keys.admin!)
    ).json()) as { loans: unknown[]; next_cursor: null };
    expect(rest.loans).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();
    // the cursor names its question: another filter's, an old bare offset, a made-up one are 400s
    const refusedCursor = async (query: string, message: RegExp) => {
      const r = await get(`/v1/disposal?as_of=${asOf}&limit=2&${query}`, keys.admin!);
      expect(r.status, query).toBe(400);
      const body = (await r.json()) as { error: { message: string; details: { fields: { field: string }[] } } };
      expect(body.error.message).toMatch(message);
      expect(body.error.details.fields.map((f) => f.field)).toEqual(['cursor']);
    };
    await refusedCursor(`region=east&cursor=${first.next_cursor}`, /^this cursor belongs to another query/u);
    await refusedCursor(`recommended=${rec0}&cursor=${first.next_cursor}`, /^this cursor belongs to another query/u);
    for (const made of ['49', '99999', '{"q":"x","b":1,"id":"D1"}', '{"q":"x","k":{"b":1,"id":"D1"}}'])
      await refusedCursor(
        `cursor=${Buffer.from(made).toString('base64url')}`,
        made.includes('"k"') ? /^this cursor belongs to another query/u : /^invalid cursor/u,
      );
    const all = (await (await get(`/v1/disposal?as_of=${asOf}`, keys.admin!)).json()) as {
      loans: { recommended: string }[];
    };
    const rec = all.loans[0]!.recommended;
    const only = (await (await get(`/v1/disposal?as_of=${asOf}&recommended=${rec}`, keys.admin!)).json()) as {
      loans: { recommended: string }[];
    };
    expect(only.loans.every((l) => l.recommended === rec)).toBe(true);
    expect(only.loans.length).toBe(all.loans.filter((l) => l.recommended === rec).length);
  });

  it('refuses bad input with 400', async () => {
    for (const q of [
      'as_of=2024-02-31',
      'as_of=2025-06-30',
      `as_of=${asOf}&recommended=sell_it`,
      `as_of=${asOf}&region=nowhere`,
      `as_of=${asOf}&x=1`,
      // a day of the data's first month is valued at the month-end before the snapshot's first
      'as_of=2022-12-20',
    ])
      expect((await get(`/v1/disposal?${q}`, keys.admin!)).status, q).toBe(400);
    await expect(disposalList(wh, '2022-12-20', defaultDisposalTerms)).rejects.toThrow(
      "disposal options as of 2022-12-20 are valued at the 2022-11-30 month-end, before the snapshot's first 2022-12-31",
    );
  });
});
