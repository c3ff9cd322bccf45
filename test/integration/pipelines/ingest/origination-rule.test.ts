import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityFileText, type EntityFileFormat } from '../../../helpers/entity-file-text.ts';
import { ingestFiles } from '../../../helpers/ingest-files.ts';
import { count, disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * The rule the ingest and the API's recorded actions share (pipelines/ingest/origination-rule.ts): a
 * payment, collection action or event dated before its loan's origination is quarantined with the
 * dates, the rest of the file loaded. The bad row at the first, a middle and the last row of files
 * of several sizes, CSV and JSONL; every receipt balances.
 */
type Wh = Awaited<ReturnType<typeof testWarehouse>>;

const ext = (f: EntityFileFormat) => (f === 'csv' ? 'csv' : 'jsonl');
const lineOf = (f: EntityFileFormat, i: number) => (f === 'csv' ? i + 2 : i + 1);

/** each entity's header, a row of it for loan L1 on `date` (key `id`), and its table */
const entities = {
  payments: {
    header: ['payment_id', 'loan_id', 'paid_date', 'amount'],
    row: (id: string, date: string) => [id, 'L1', date, '10.00'],
    col: 'paid_date',
  },
  collection_actions: {
    header: ['action_id', 'loan_id', 'action_date', 'channel', 'outcome'],
    row: (id: string, date: string) => [id, 'L1', date, 'phone', 'contacted'],
    col: 'action_date',
  },
  loan_events: {
    header: ['event_id', 'loan_id', 'event_date', 'type', 'amount'],
    row: (id: string, date: string) => [id, 'L1', date, 'complaint', '0'],
    col: 'event_date',
  },
} as const;

describe.each(['csv', 'jsonl'] as const)("rows dated before the loan's origination (%s)", (format) => {
  let wh: Wh;
  beforeAll(async () => {
    wh = await testWarehouse(`origrule_${format}`);
    const r = await ingestFiles(wh, {
      'customers.csv': 'customer_id\nC1\n',
      'loans.csv':
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-03-05,600.00,0.1,6\n',
    });
    expect(r.quarantined.size).toBe(0);
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(Object.keys(entities) as (keyof typeof entities)[])('%s', async (entity) => {
    const e = entities[entity];
    for (const n of [1, 3, 12]) {
      for (const at of n === 1 ? [0] : [0, Math.floor(n / 2), n - 1]) {
        const tag = `${n}x${at}`;
        // the day before the origination is the edge; the origination day itself loads
        const rows = Array.from({ length: n }, (_, i) =>
          e.row(`${tag}-${i}`, i === at ? '2024-03-04' : i % 2 ? '2024-03-05' : '2024-04-01'),
        );
        const before = await count(wh, entity);
        const r = await ingestFiles(wh, { [`${entity}.${ext(format)}`]: entityFileText(format, e.header, rows) });
        expect(r.receipts[0]).toMatchObject({ rows_read: n, rows_accepted: n - 1, rows_quarantined: 1 });
        expect([...r.quarantined.entries()]).toEqual([
          [lineOf(format, at), `${e.col}: 2024-03-04 is before the loan's origination 2024-03-05`],
        ]);
        expect(await count(wh, entity)).toBe(before + n - 1);
      }
    }
  });
});
