import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { deriveMissingRowKeys } from '../../../../pipelines/ingest/quarantine-backfill.ts';
import { exec, queryRows, type Warehouse } from '../../../../warehouse/connection.ts';
import { tableRef } from '../../../../warehouse/ddl.ts';
import type { RawEntity } from '../../../../warehouse/tables.ts';
import { entityFileText, type EntityFileFormat } from '../../../helpers/entity-file-text.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';
import { runKillableChild } from '../../../helpers/killable-child.ts';
import { copyChdbDir } from '../../../helpers/chdb-copy.ts';

/** Per entity: a header, a valid row i (its key unique to i), the row with a field other than the key broken, and with the key broken. */
interface EntityRows {
  header: string[];
  valid(i: number, p: string): string[];
  badField(i: number, p: string): string[];
  badKey(i: number, p: string): string[];
  /** a row of a loan not loaded (entities that name one) */
  orphan?(i: number, p: string): string[];
}

const month = (i: number) => `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

const entities: Record<RawEntity, EntityRows> = {
  customers: {
    // id_number and phone are personal data: the quarantine's raw row is the row formatted back, masked
    header: ['customer_id', 'birth_year', 'gender', 'id_number', 'phone'],
    valid: (i, p) => [`${p}C${i}`, '1980', 'M', '110101198001011234', '13800138000'],
    badField: (i, p) => [`${p}C${i}`, '1980', 'X', '110101198001011234', '13800138000'],
    badKey: () => ['', '1980', 'M', '110101198001011234', '13800138000'],
  },
  loans: {
    header: ['loan_id', 'customer_id', 'product', 'origination_date', 'principal', 'annual_rate', 'term_months'],
    valid: (i, p) => [`${p}L${i}`, 'C1', 'cash', '2024-01-10', '1000.00', '0.12', '12'],
    badField: (i, p) => [` ${p}L${i} `, 'C1', 'cash', '2024-01-10', '-1', '0.12', '12'],
    badKey: () => ['X'.repeat(129), 'C1', 'cash', '2024-01-10', '1000.00', '0.12', '12'],
  },
  schedule: {
    header: ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'],
    valid: (i) => ['L1', String(i), '2024-02-10', '100.00', '10.00'],
    // a leading zero: the installment's key is its number
    badField: (i) => ['L1', `0${i}`, '2024-02-10', 'abc', '10.00'],
    badKey: () => ['L1', '0', '2024-02-10', '100.00', '10.00'],
    orphan: (i) => ['L9', String(i), '2024-02-10', '100.00', '10.00'],
  },
  payments: {
    header: ['payment_id', 'loan_id', 'paid_date', 'amount'],
    valid: (i, p) => [`${p}P${i}`, 'L1', '2024-02-01', '1.00'],
    badField: (i, p) => [`${p}P${i}`, 'L1', '2024-02-31', 'x'],
    badKey: () => ['', 'L1', '2024-02-01', '1.00'],
    orphan: (i, p) => [`${p}P${i}`, 'L9', '2024-02-01', '1.00'],
  },
  performance: {
    header: ['loan_id', 'as_of_month', 'dpd', 'principal_balance'],
    // a month is keyed as its first day
    valid: (i) => ['L1', month(i), '0', '100.00'],
    badField: (i) => ['L1', month(i), 'x', '100.00'],
    badKey: () => ['L1', '2024-13', '0', '100.00'],
    orphan: (i) => ['L9', month(i), '0', '100.00'],
  },
  collection_actions: {
    header: ['action_id', 'loan_id', 'action_date', 'channel', 'outcome'],
    valid: (i, p) => [`${p}A${i}`, 'L1', '2024-03-01', 'phone', 'contacted'],
    badField: (i, p) => [`${p}A${i}`, 'L1', '2024-03-01', 'pigeon', 'contacted'],
    badKey: (i, p) => [`${p}A\u0001${i}`, 'L1', '2024-03-01', 'phone', 'contacted'],
    orphan: (i, p) => [`${p}A${i}`, 'L9', '2024-03-01', 'phone', 'contacted'],
  },
  loan_events: {
    header: ['event_id', 'loan_id', 'event_date', 'type', 'amount'],
    valid: (i, p) => [`${p}E${i}`, 'L1', '2024-03-01', 'restructure', '10.00'],
    badField: (i, p) => [`${p}E${i}`, 'L1', '2024-03-01', 'nope', '10.00'],
    badKey: () => ['', 'L1', '2024-03-01', 'restructure', '10.00'],
    orphan: (i, p) => [`${p}E${i}`, 'L9', '2024-03-01', 'restructure', '10.00'],
  },
};

/**
 * n rows with bad ones on the first, a middle and the last line (a broken field, a broken key, a
 * record broken as a whole — rotated by `turn`, so each kind stands at each place over the sizes),
 * a repeat of row 2's key with other content just before the last (quarantined after the stage, with
 * its key), and a row of a loan not loaded in place of the first broken field where the entity names one.
 */
function fileText(format: EntityFileFormat, e: EntityRows, n: number, turn: number, p: string): string {
  const bad = [1, Math.floor(n / 2) + 1, n];
  const kinds = ['field', 'key', 'whole'].map((_, i, xs) => xs[(i + turn) % xs.length]!);
  const rows: string[][] = [];
  const wholeAt: number[] = [];
  for (let i = 1; i <= n; i++) {
    const at = bad.indexOf(i);
    const kind = at < 0 ? (i === n - 1 ? 'dup' : 'valid') : kinds[at]!;
    if (kind === 'valid') rows.push(e.valid(i, p));
    else if (kind === 'dup') rows.push(e.valid(2, p).map((v, k) => (k === e.header.length - 1 ? `${v}9` : v)));
    else if (kind === 'field') rows.push(e.orphan && i === 1 ? e.orphan(i, p) : e.badField(i, p));
    else if (kind === 'key') rows.push(e.badKey(i, p));
    else {
      rows.push(e.valid(i, p));
      wholeAt.push(i);
    }
  }
  const text = entityFileText(format, e.header, rows).split('\n');
  // broken as a whole: a CSV record short of its last field, a JSON line cut off
  const first = format === 'csv' ? 1 : 0;
  for (const i of wholeAt) {
    const line = text[first + i - 1]!;
    text[first + i - 1] = format === 'csv' ? line.slice(0, line.lastIndexOf(',')) : line.slice(0, 20);
  }
  return text.join('\n');
}

interface Stored {
  entity: string;
  file: string;
  line: number;
  reason: string;
  row_key: string | null;
  unknown: number;
}

async function stored(wh: Warehouse): Promise<Stored[]> {
  return (
    await queryRows<Omit<Stored, 'line'> & { line: string }>(
      wh,
      `SELECT toString(entity) AS entity, file, line, reason, row_key, row_key_unknown AS unknown FROM ${tableRef(wh, 'quarantine')}
      ORDER BY entity, file, line`,
    )
  ).map((r) => ({ ...r, line: Number(r.line) }));
}

/** Rows as a warehouse migrated from before 38 holds them: no key recorded. */
async function forgetKeys(wh: Warehouse, where = '1') {
  await exec(
    wh,
    `ALTER TABLE ${tableRef(wh, 'quarantine')} UPDATE row_key = NULL WHERE ${where}`,
    {},
    { mutations_sync: 2 },
  );
}

const sizes = [5, 8, 11];

/**
 * The keys derived once for rows quarantined before ingest stored them equal the keys ingest stores:
 * every entity, CSV and JSONL, bad rows on the first, a middle and the last line, several sizes.
 */
describe('deriveMissingRowKeys: the keys ingest would have stored', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let before: Stored[] = [];
  beforeAll(async () => {
    wh = await testWarehouse('qbackfill');
    dir = tmpDir('qbackfill');
    mkdirSync(join(dir, 'base'));
    writeFileSync(join(dir, 'base', 'customers.csv'), 'customer_id\nC1\n');
    writeFileSync(
      join(dir, 'base', 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,cash,2020-01-10,1200.00,0.12,12\n',
    );
    await ingest(wh, [join(dir, 'base')], { piiSecret: 's' });
    for (const [turn, n] of sizes.entries())
      for (const format of ['csv', 'jsonl'] as const) {
        const run = join(dir, `${format}${n}`);
        mkdirSync(run);
        // performance and schedule keys repeat across runs: each run its own loan would need its own
        // loans; they are written once per format and size under other installment and month ranges
        const offset = turn * 100 + (format === 'csv' ? 0 : 50);
        for (const [entity, e] of Object.entries(entities)) {
          const shifted: EntityRows =
            entity === 'schedule' || entity === 'performance'
              ? {
                  ...e,
                  valid: (i, p) => e.valid(i + offset, p),
                  badField: (i, p) => e.badField(i + offset, p),
                  badKey: (i, p) => e.badKey(i + offset, p),
                  orphan: (i, p) => e.orphan!(i + offset, p),
                }
              : e;
          writeFileSync(join(run, `${entity}.${format}`), fileText(format, shifted, n, turn, `${format}${n}`));
        }
        await ingest(wh, [run], { piiSecret: 's' });
      }
    before = await stored(wh);
  });
  afterAll(() => disposeIfOpened(wh));

  it('ingest quarantined rows of every entity and format on the first, a middle and the last line, keyed and keyless', () => {
    for (const entity of Object.keys(entities))
      for (const format of ['csv', 'jsonl'])
        for (const n of sizes) {
          const rows = before.filter(
            (r) => r.entity === entity && r.file.endsWith(`${format}${n}/${entity}.${format}`),
          );
          const line = (i: number) => (format === 'csv' ? i + 1 : i);
          const what = `${entity} ${format} ${n}`;
          for (const i of [1, Math.floor(n / 2) + 1, n - 1, n])
            expect(
              rows.map((r) => r.line),
              what,
            ).toContain(line(i));
          expect(rows.filter((r) => r.row_key === '').length, what).toBeGreaterThanOrEqual(2);
          expect(rows.filter((r) => r.row_key !== '').length, what).toBeGreaterThanOrEqual(2);
        }
  });

  it('keys forgotten and derived again: the same keys, no row unknown, no row more or less', async () => {
    await forgetKeys(wh);
    expect((await stored(wh)).every((r) => r.row_key === null)).toBe(true);
    const got = await deriveMissingRowKeys(wh, { batchSize: 3 });
    expect(got).toEqual({ derived: before.length, unknown: 0 });
    expect(await stored(wh)).toEqual(before);
    // nothing left to do: a second run reads one row
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 0, unknown: 0 });
    expect(await stored(wh)).toEqual(before);
  });

  it('killed after any file and run again: the rows and keys of one run', async () => {
    const files = new Set(before.map((r) => `${r.entity} ${r.file}`)).size;
    for (const killAt of [1, files]) {
      await forgetKeys(wh);
      let n = 0;
      await expect(
        deriveMissingRowKeys(wh, {
          onStep: (step) =>
            step === 'copied' && ++n === killAt ? Promise.reject(new Error('killed')) : Promise.resolve(),
        }),
      ).rejects.toThrow('killed');
      // the rows of the files done are there twice (with and without their key) until the run ends
      expect((await stored(wh)).length).toBe(
        before.length +
          before.filter((r, i, xs) => {
            const files = [...new Set(xs.map((x) => `${x.entity} ${x.file}`))];
            return files.indexOf(`${r.entity} ${r.file}`) < killAt;
          }).length,
      );
      await deriveMissingRowKeys(wh);
      expect(await stored(wh), `killed after file ${killAt}`).toEqual(before);
    }
  });

  it('a CSV file gone or changed since (its header may have changed): its rows unknown but those broken as a whole; JSON lines need no file', async () => {
    const of = (run: string, name: string) => (r: Stored) => r.file === join(dir, run, name);
    const unknownFiles = [of('csv5', 'payments.csv'), of('csv8', 'payments.csv'), of('csv11', 'loans.csv')];
    // gone
    rmSync(join(dir, 'csv5', 'payments.csv'));
    // the same header, other rows (a file fixed in place)
    writeFileSync(join(dir, 'csv8', 'payments.csv'), 'payment_id,loan_id,paid_date,amount\nX1,L1,2024-02-01,1.00\n');
    // two columns of one kind swapped: the rules find nothing new, the key would be another column's
    writeFileSync(
      join(dir, 'csv11', 'loans.csv'),
      'customer_id,loan_id,product,origination_date,principal,annual_rate,term_months\nC1,L1,cash,2020-01-10,1200.00,0.12,12\n',
    );
    rmSync(join(dir, 'jsonl5', 'payments.jsonl'));
    await forgetKeys(wh);
    const got = await deriveMissingRowKeys(wh);
    const wholeBroken = /^(row has|malformed JSON line)/u;
    const expected = before.map((r) =>
      unknownFiles.some((f) => f(r)) && !wholeBroken.test(r.reason) ? { ...r, row_key: null, unknown: 1 } : r,
    );
    expect(await stored(wh)).toEqual(expected);
    expect(got.unknown).toBe(expected.filter((r) => r.unknown === 1).length);
    expect(new Set(expected.filter((r) => r.unknown === 1).map((r) => r.file)).size).toBe(3);
    // settled: not tried again
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 0, unknown: 0 });
  });
});

describe('deriveMissingRowKeys: a line of ingest --retract', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  afterAll(() => disposeIfOpened(wh));

  it('is not derived (--retract reads keys by rules of its own): unknown, beside a load row derived', async () => {
    wh = await testWarehouse('qbackfill_retract');
    const dir = tmpDir('qbackfill-retract');
    writeFileSync(join(dir, 'customers.csv'), 'customer_id\nC1\nC2\n\u0001\n');
    await ingest(wh, [join(dir, 'customers.csv')], { piiSecret: 's' });
    const keys = join(dir, 'customers-retract.csv');
    writeFileSync(keys, 'customer_id\nC9\n');
    await retract(wh, [keys], { entity: 'customers' });
    const before = await stored(wh);
    expect(before.map((r) => [r.file, r.row_key])).toEqual([
      [join(dir, 'customers-retract.csv'), 'C9'],
      [join(dir, 'customers.csv'), ''],
    ]);
    await forgetKeys(wh);
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 1, unknown: 1 });
    expect(await stored(wh)).toEqual([{ ...before[0]!, row_key: null, unknown: 1 }, before[1]]);
  });
});

/** Runs the derivation child; when killOn matches its output, SIGKILLs it. */
const runChild = (args: string[], killOn?: RegExp) => runKillableChild('test/helpers/backfill-child.ts', args, killOn);

const rowsOf = (out: string, tag: 'ROWS' | 'KEYS') => JSON.parse(new RegExp(`${tag} (.*)`).exec(out)![1]!) as unknown[];

/** A derivation killed with SIGKILL after a file's copy or before the deletion, run again: one run's rows. */
describe('deriveMissingRowKeys killed (SIGKILL) and run again', () => {
  // the book loaded and its keys blanked once, by a child of its own; each case derives on a copy of that data dir
  const dir = tmpDir('qbackfill-kill');
  const seeded = join(dir, 'seeded');
  let keys: { row_key: string }[] = [];
  beforeAll(async () => {
    const book = join(dir, 'book');
    mkdirSync(book);
    writeFileSync(join(book, 'customers.csv'), 'customer_id\nC1\n');
    writeFileSync(
      join(book, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL0,C1,cash,2020-01-10,x,0.12,12\nL1,C1,cash,2020-01-10,1200.00,0.12,12\n,C1,cash,2020-01-10,1.00,0.12,12\n',
    );
    writeFileSync(
      join(book, 'payments.csv'),
      entityFileText(
        'csv',
        entities.payments.header,
        [1, 2, 3, 4, 5].map((i) => (i % 2 ? entities.payments.badField(i, 'k') : entities.payments.badKey(i, 'k'))),
      ),
    );
    writeFileSync(
      join(book, 'collection_actions.jsonl'),
      entityFileText(
        'jsonl',
        entities.collection_actions.header,
        [1, 2, 3].map((i) => entities.collection_actions.badField(i, 'k')),
      ),
    );
    const setup = await runChild(['setup', seeded, book]);
    keys = rowsOf(setup.out, 'KEYS') as { row_key: string }[];
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the book loaded: ten quarantined rows, their keys blanked', () => {
    expect(keys.length).toBe(10);
  });

  it.each([
    ['after the first file is copied', /STEP copied/u],
    ['after the second file is copied', /STEP copied[^]*STEP copied/u],
    ['before the originals are deleted', /STEP deleting/u],
  ])('%s', async (_when, killOn) => {
    const data = tmpDir('qbackfill-kill-case');
    copyChdbDir(join(seeded, 'chdb'), data);
    const killed = await runChild(['derive', data], killOn);
    expect(killed.killed, killed.out).toBe(true);
    const again = await runChild(['derive', data]);
    const rows = rowsOf(again.out, 'ROWS') as { row_key: string | null; row_key_unknown: number }[];
    // the keys ingest stored, each row once, none unknown
    expect(rows.map((r) => r.row_key)).toEqual(keys.map((k) => k.row_key));
    expect(rows.every((r) => r.row_key_unknown === 0)).toBe(true);
    rmSync(data, { recursive: true, force: true });
  });
});

describe('deriveMissingRowKeys: a GB18030 CSV under Chinese headers', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  afterAll(() => disposeIfOpened(wh));

  it('its header is read in its encoding, by alias: the keys ingest stored', async () => {
    wh = await testWarehouse('qbackfill_gbk');
    const dir = tmpDir('qbackfill-gbk');
    writeFileSync(join(dir, 'customers.csv'), 'customer_id\nC1\n');
    writeFileSync(
      join(dir, '贷款.csv'),
      iconv.encode(
        '借据号,客户编号,产品,放款日期,本金,年利率,期限\n贷L1,C1,现金,2024-01-10,-1,0.12,12\nL2,C1,现金,2024-01-10,1200.00,0.12,12\n,C1,现金,2024-01-10,1.00,0.12,12\n贷L3,C1,现金,2024-01-10,x,0.12,12\n',
        'gb18030',
      ),
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    const before = await stored(wh);
    expect(before.map((r) => r.row_key)).toEqual(['贷L1', '', '贷L3']);
    await forgetKeys(wh);
    expect(await deriveMissingRowKeys(wh)).toEqual({ derived: 3, unknown: 0 });
    expect(await stored(wh)).toEqual(before);
  });
});
