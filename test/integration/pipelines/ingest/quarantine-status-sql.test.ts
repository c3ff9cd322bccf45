import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { deriveMissingRowKeys } from '../../../../pipelines/ingest/quarantine-backfill.ts';
import {
  quarantineStatusCounts,
  quarantineWithStatus,
  type QuarantineStatusRow,
} from '../../../../pipelines/ingest/quarantine-status.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { runQuarantine } from '../../../../bin/commands/quarantine.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const paymentsHeader = 'payment_id,loan_id,paid_date,amount';

/** the table `loanwatch quarantine` prints, as lines */
async function table(wh: Parameters<typeof runQuarantine>[0], status: 'open' | 'resolved' | 'all', limit: number) {
  let text = '';
  const out = {
    line: (l: string) => {
      text += `${l}\n`;
    },
    write: (t: string) => {
      text += t;
      return Promise.resolve();
    },
  };
  await runQuarantine(wh, out, {
    file: undefined,
    entity: undefined,
    'reason-like': undefined,
    ingest: undefined,
    status,
    limit,
    format: 'table',
  });
  return text.trimEnd().split('\n');
}

async function all<T>(rows: AsyncIterable<T>, max = Infinity): Promise<T[]> {
  const got: T[] = [];
  for await (const r of rows) {
    got.push(r);
    if (got.length >= max) break;
  }
  return got;
}

/**
 * The status of rows whose key ingest recorded is computed by the engine: a file of n payments with
 * bad rows on the first, a middle and the last line (and a keyless one), the first and last fixed by
 * a later run. Rows written before the key was recorded (row_key NULL) are derived from their text
 * and merged in order.
 */
describe.each([3, 12, 40])('quarantine status in the engine (%i payments)', (n) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let fixed = '';
  const mid = Math.ceil(n / 2);
  const bad = [1, mid, n].filter((x, i, xs) => xs.indexOf(x) === i);
  const file = () => join(dir, 'd1', 'payments.csv');
  const view = (rows: QuarantineStatusRow[]) => rows.map((r) => [r.line, r.status, r.resolved_by]);
  beforeAll(async () => {
    wh = await testWarehouse(`qstatus_sql_${n}`);
    dir = tmpDir(`qstatus-sql-${n}`);
    mkdirSync(join(dir, 'd1'));
    mkdirSync(join(dir, 'd2'));
    writeFileSync(join(dir, 'd1', 'customers.csv'), 'customer_id\nC1\n');
    writeFileSync(
      join(dir, 'd1', 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,cash,2024-01-10,1200.00,0.12,12\n',
    );
    const rows = Array.from({ length: n }, (_, i) => `P${i + 1},L1,2024-02-01,${bad.includes(i + 1) ? 'x' : '1.00'}`);
    writeFileSync(file(), `${paymentsHeader}\n${rows.join('\n')}\n,L1,2024-02-01,1.00\n`);
    await ingest(wh, [join(dir, 'd1')], { piiSecret: 's' });
    writeFileSync(
      join(dir, 'd2', 'payments.csv'),
      `${paymentsHeader}\nP1,L1,2024-02-01,1.00\nP${n},L1,2024-02-01,1.00\n`,
    );
    fixed = (await ingest(wh, [join(dir, 'd2')], { piiSecret: 's' })).ingestId;
  });
  afterAll(() => disposeIfOpened(wh));

  // lines: a payment Pk is on line k + 1; the keyless row on line n + 2
  const expected = () =>
    [
      ...bad.map((k) => [k + 1, k === 1 || k === n ? 'resolved' : 'open', k === 1 || k === n ? fixed : '']),
      [n + 2, 'open', ''],
    ] as const;

  it('open, resolved and all, in file and line order, with the counts', async () => {
    expect(view(await all(quarantineWithStatus(wh, {}, 'all')))).toEqual(expected());
    expect(view(await all(quarantineWithStatus(wh, {}, 'open')))).toEqual(expected().filter(([, s]) => s === 'open'));
    expect(view(await all(quarantineWithStatus(wh, {}, 'resolved')))).toEqual(
      expected().filter(([, s]) => s === 'resolved'),
    );
    const counts = await quarantineStatusCounts(wh, {});
    expect(counts).toEqual({
      open: expected().filter(([, s]) => s === 'open').length,
      resolved: expected().filter(([, s]) => s === 'resolved').length,
      unknown: 0,
    });
    // the filters still apply
    expect(await quarantineStatusCounts(wh, { file: join(dir, 'd2', 'payments.csv') })).toEqual({
      open: 0,
      resolved: 0,
      unknown: 0,
    });
  });

  it('a page of one status reads only that page: the status is filtered in the query, before its LIMIT', async () => {
    const returned: { query: string; rows: number }[] = [];
    const query = wh.client.query.bind(wh.client);
    const spy = vi.spyOn(wh.client, 'query').mockImplementation(async (params) => {
      const rs = await query(params);
      const json = rs.json.bind(rs);
      return Object.assign(rs, {
        json: async <T>() => {
          const rows = await json<T>();
          returned.push({ query: params.query, rows: Array.isArray(rows) ? rows.length : 1 });
          return rows;
        },
      });
    });
    try {
      const page = await all(quarantineWithStatus(wh, {}, 'resolved', 1), 1);
      expect(view(page)).toEqual([[2, 'resolved', fixed]]);
    } finally {
      spy.mockRestore();
    }
    // no query handed over more than the page (the open rows were never read out)
    expect(Math.max(...returned.map((r) => r.rows))).toBeLessThanOrEqual(1);
    expect(
      returned.some(
        (r) => r.query.includes('WHERE status = {status:String})') && r.query.includes('LIMIT {batch:UInt64}'),
      ),
    ).toBe(true);
  });

  it('every status in batches (csv/json output): each query hands over a batch, the rows joined are the batch', async () => {
    const returned: { query: string; rows: number }[] = [];
    const query = wh.client.query.bind(wh.client);
    const spy = vi.spyOn(wh.client, 'query').mockImplementation(async (params) => {
      const rs = await query(params);
      const json = rs.json.bind(rs);
      return Object.assign(rs, {
        json: async <T>() => {
          const rows = await json<T>();
          returned.push({ query: params.query, rows: Array.isArray(rows) ? rows.length : 1 });
          return rows;
        },
      });
    });
    const got = await all(quarantineWithStatus(wh, {}, 'all', 2)).finally(() => {
      spy.mockRestore();
    });
    expect(view(got)).toEqual(expected());
    expect(Math.max(...returned.map((r) => r.rows))).toBeLessThanOrEqual(2);
    // the quarantine's rows are cut to the batch before the join (twice: the rows and their keys)
    const pages = returned.filter((r) =>
      r.query.includes('ORDER BY file, line, file_sha256, ingest_id LIMIT {batch:UInt64}'),
    );
    // full batches, then the one that is not (empty when the rows fill the last)
    expect(pages.length).toBe(Math.floor(expected().length / 2) + 1);
  });

  let tableBefore: string[] = [];
  it('the table: a page of the status, the rows of the other status counted', async () => {
    tableBefore = await table(wh, 'resolved', 1);
    const open = expected().filter(([, st]) => st === 'open').length;
    expect(tableBefore.at(-1)).toBe(`${open} open row${open === 1 ? '' : 's'} not shown: --status all`);
    expect(tableBefore.join('\n')).toContain('showing 1 of 2');
  });

  it('rows written before the key was recorded: unknown until derived, then read alike; their file removed first: unknown', async () => {
    const quarantine = tableRef(wh, 'quarantine');
    // the first (resolved), middle and keyless rows as a warehouse migrated from before 38 holds them
    const forget = () =>
      exec(
        wh,
        `ALTER TABLE ${quarantine} UPDATE row_key = NULL WHERE line IN ({lines:Array(UInt64)})`,
        { lines: [2, mid + 1, n + 2] },
        { mutations_sync: 2 },
      );
    await forget();
    // not derived yet: unknown, never resolved
    expect(view(await all(quarantineWithStatus(wh, {}, 'all')))).toEqual(
      expected().map((r) => ([2, mid + 1, n + 2].includes(Number(r[0])) ? [r[0], 'unknown', ''] : r)),
    );
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 3, unknown: 0 });
    // the table's counts and every listing as before the keys were forgotten
    expect(await table(wh, 'resolved', 1)).toEqual(tableBefore);
    expect(view(await all(quarantineWithStatus(wh, {}, 'all')))).toEqual(expected());
    expect(view(await all(quarantineWithStatus(wh, {}, 'open', 1), 1))).toEqual([
      expected().find(([, s]) => s === 'open'),
    ]);
    // the file removed before its rows' keys were derived: a CSV row is not read without its header
    // (unknown, the keyless one too: its key is blank, not its record broken); the recorded last row
    // stays resolved
    await forget();
    rmSync(file());
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 0, unknown: 3 });
    expect(view(await all(quarantineWithStatus(wh, {}, 'all')))).toEqual(
      expected().map((r) => ([2, mid + 1, n + 2].includes(Number(r[0])) ? [r[0], 'unknown', ''] : r)),
    );
    expect((await table(wh, 'open', 50)).at(-1)).toBe('3 unknown rows not shown: --status all');
  });
});
