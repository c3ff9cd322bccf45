import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { assertKnownSources, iterateQuarantine, listQuarantine } from '../../../../pipelines/ingest/quarantine-list.ts';
import { UserError } from '../../../../lib/user-error.ts';
import { loansCsv, writeBadFile, type ExpectedBad } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

describe('listing quarantined rows', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  let first: string;
  let second: string;
  let expected: { file: string; e: ExpectedBad }[] = [];
  beforeAll(async () => {
    wh = await testWarehouse('qlist');
    dir = tmpDir('qlist');
    writeFileSync(join(dir, 'loans.csv'), `${loansCsv()}L1,C1,consumer,2023-01-01,-5.00,0.05,12\n`);
    const a = await writeBadFile({
      path: join(dir, 'payments_a.csv'),
      seed: 1,
      records: 400,
      eol: '\n',
      finalNewline: true,
      multiline: false,
      badRate: 0.1,
      idPrefix: 'a',
    });
    const b = await writeBadFile({
      path: join(dir, 'payments_b.csv'),
      seed: 2,
      records: 300,
      eol: '\r\n',
      finalNewline: false,
      multiline: true,
      badRate: 0.1,
      idPrefix: 'b',
    });
    first = (await ingest(wh, [join(dir, 'loans.csv'), join(dir, 'payments_a.csv')], { piiSecret: 's' })).ingestId;
    second = (await ingest(wh, [join(dir, 'payments_b.csv')], { piiSecret: 's' })).ingestId;
    expected = [
      ...a.expected.map((e) => ({ file: join(dir, 'payments_a.csv'), e })),
      ...b.expected.map((e) => ({ file: join(dir, 'payments_b.csv'), e })),
    ];
  });
  afterAll(() => disposeIfOpened(wh));

  it('lists every row ordered by file and line, with its reason and raw text, and the total', async () => {
    const { rows, total } = await listQuarantine(wh);
    expect(total).toBe(expected.length + 1);
    expect(rows).toHaveLength(total);
    const payments = rows.filter((r) => r.entity === 'payments');
    expect(payments.map((r) => [r.file, r.line, r.raw])).toEqual(expected.map(({ file, e }) => [file, e.line, e.raw]));
    expect(rows.map((r) => `${r.file}\u0000${String(r.line).padStart(9, '0')}`)).toEqual(
      rows.map((r) => `${r.file}\u0000${String(r.line).padStart(9, '0')}`).sort(),
    );
    expect(rows[0]).toMatchObject({
      entity: 'loans',
      file: join(dir, 'loans.csv'),
      line: 52,
      raw: 'L1,C1,consumer,2023-01-01,-5.00,0.05,12',
      ingest_id: first,
    });
    expect(rows[0]!.reason).toMatch(/negative amount|duplicate key/);
    expect(rows[0]!.quarantined_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('filters by file (path or bare name), entity, reason text and ingest run; pages with limit and offset', async () => {
    const b = join(dir, 'payments_b.csv');
    const nB = expected.filter((x) => x.file === b).length;
    expect((await listQuarantine(wh, { file: b })).total).toBe(nB);
    expect((await listQuarantine(wh, { file: 'payments_b.csv' })).total).toBe(nB);
    expect((await listQuarantine(wh, { file: 'ments_b.csv' })).total).toBe(0);
    expect((await listQuarantine(wh, { entity: 'loans' })).total).toBe(1);
    expect((await listQuarantine(wh, { ingestId: second })).total).toBe(nB);
    const dec = await listQuarantine(wh, { reasonLike: 'NOT A DECIMAL' });
    expect(dec.total).toBe(expected.filter((x) => x.e.kind === 'bad_number' || x.e.kind === 'multiline_bad').length);
    expect(dec.rows.every((r) => r.reason.includes('not a decimal number'))).toBe(true);
    expect((await listQuarantine(wh, { reasonLike: 'duplicate%line' })).total).toBe(
      expected.filter((x) => x.e.kind === 'duplicate').length,
    );
    const all = (await listQuarantine(wh, { entity: 'payments' })).rows;
    const page = await listQuarantine(wh, { entity: 'payments', limit: 7, offset: 10 });
    expect(page.total).toBe(all.length);
    expect(page.rows).toEqual(all.slice(10, 17));
    expect((await listQuarantine(wh, { entity: 'payments', offset: all.length })).rows).toEqual([]);
  });

  it('values are bound, never spliced into SQL', async () => {
    for (const evil of ["x' OR 1=1 --", "') OR ('1'='1", '\\', "payments_b.csv' OR '1'='1"]) {
      expect((await listQuarantine(wh, { file: evil, reasonLike: evil, ingestId: evil })).total).toBe(0);
    }
    expect((await listQuarantine(wh, { reasonLike: "'" })).total).toBe(0);
  });

  it('refuses an unknown entity and a bad limit or offset as user errors', async () => {
    await expect(listQuarantine(wh, { entity: 'constructor' })).rejects.toThrow(UserError);
    await expect(listQuarantine(wh, { limit: -1 })).rejects.toThrow(UserError);
    await expect(listQuarantine(wh, { offset: 1.5 })).rejects.toThrow(UserError);
  });

  it('a file or ingest run no ingest recorded is refused, not answered with no rows; one that loaded cleanly is known', async () => {
    for (const file of [join(dir, 'payments_a.csv'), 'payments_b.csv', join(dir, 'loans.csv')])
      await expect(assertKnownSources(wh, { file })).resolves.toBeUndefined();
    await expect(assertKnownSources(wh, { ingestId: second })).resolves.toBeUndefined();
    for (const file of [join(dir, 'payments_c.csv'), 'payments.csv', "x' OR 1=1 --"])
      await expect(assertKnownSources(wh, { file })).rejects.toThrow(
        new UserError(`no ingest of ${file} is recorded: give the path as given to ingest, or a bare file name`),
      );
    await expect(assertKnownSources(wh, { ingestId: `${first}x` })).rejects.toThrow(UserError);
  });

  it('iterates every matching row in batches, in the same order as the list', async () => {
    const { rows } = await listQuarantine(wh);
    const seen = [];
    for await (const r of iterateQuarantine(wh, {}, 7)) seen.push(r);
    expect(seen).toEqual(rows);
    const onlyB = [];
    for await (const r of iterateQuarantine(wh, { file: 'payments_b.csv' }, 5)) onlyB.push(r);
    expect(onlyB).toEqual(rows.filter((r) => r.file.endsWith('payments_b.csv')));
  });

  // last: it ingests a file again
  it("a run that ingests a file again lists the rows its receipt counts (they keep the first run's id)", async () => {
    const again = await ingest(wh, [join(dir, 'payments_b.csv')], { piiSecret: 's' });
    const receipt = again.receipts[0]!;
    expect(receipt.rows_quarantined).toBeGreaterThan(0);
    const listed = await listQuarantine(wh, { ingestId: again.ingestId });
    expect(listed.total).toBe(receipt.rows_quarantined);
    expect(listed.rows.every((r) => r.file === join(dir, 'payments_b.csv'))).toBe(true);
    // the first runs' lists are as before
    expect((await listQuarantine(wh, { ingestId: second })).total).toBe(receipt.rows_quarantined);
    expect(
      (await listQuarantine(wh, { ingestId: first, entity: 'payments' })).rows.every((r) =>
        r.file.endsWith('payments_a.csv'),
      ),
    ).toBe(true);
  });
});
