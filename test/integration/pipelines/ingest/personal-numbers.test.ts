import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { maskPersonalNumbers } from '../../../../warehouse/personal-numbers.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/** Phone and ID numbers in free text are masked wherever they stand in it; other numbers are left alone. */
describe('maskPersonalNumbers', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('personal_numbers');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const numbers = [
    ['13812345678', '138****5678'],
    ['+86 13812345678', '+86 138****5678'],
    ['8613812345678', '86138****5678'],
    ['138-1234-5678', '138****5678'],
    ['010-12345678', '010-****5678'],
    ['0755 1234567', '0755 ****4567'],
    ['(021)87654321', '(021)****4321'],
    ['02187654321', '021****4321'],
    ['11010519491231002X', '110***********002X'],
    ['110105194912310021', '110***********0021'],
  ] as const;

  it.each(numbers)('%s: alone, at the start, in the middle and at the end of a note', async (number, masked) => {
    for (const [before, after] of [
      ['', ''],
      ['', ' 已接通，约周五还款'],
      ['客户说换号了，新号', '，周五再打'],
      ['new number: ', ''],
      ['联系人', '。'],
    ])
      expect(await maskPersonalNumbers(wh, `${before}${number}${after}`)).toBe(`${before}${masked}${after}`);
  });

  it('several numbers in one note, one character apart or together, each masked', async () => {
    expect(await maskPersonalNumbers(wh, '13812345678,13987654321/13700001111')).toBe(
      '138****5678,139****4321/137****1111',
    );
    expect(await maskPersonalNumbers(wh, '身份证110105194912310021 手机13812345678 座机010-12345678')).toBe(
      '身份证110***********0021 手机138****5678 座机010-****5678',
    );
  });

  it('leaves alone what is no phone or ID number: longer or shorter digit runs, dates, amounts, ids', async () => {
    for (const text of [
      'promised 1500.00 on 2024-07-05',
      '承诺2024年7月5日还款3000元',
      'card 6222021234567890123',
      'loan L000012345 action A-2024-06-28-001',
      '12345678',
      '1381234567',
      '138123456789',
      'ticket 12812345678',
      '',
    ])
      expect(await maskPersonalNumbers(wh, text)).toBe(text);
  });

  it("a file's event note is stored masked, and the same file loaded again is already present", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'note-masking-'));
    const loans = join(dir, 'loans.csv');
    writeFileSync(
      loans,
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,c1,consumer,2023-12-15,600.00,0.2,6\n',
    );
    const events = join(dir, 'loan_events.csv');
    writeFileSync(
      events,
      'event_id,loan_id,event_date,type,amount,note\nE1,L1,2024-01-02,complaint,0,"投诉人电话13812345678，身份证110105194912310021"\n',
    );
    const first = await ingest(wh, [loans, events], { piiSecret: 's' });
    expect(first.receipts[1]).toMatchObject({ entity: 'loan_events', rows_inserted: 1, rows_quarantined: 0 });
    const [e] = await queryRows<{ note: string }>(wh, `SELECT note FROM ${wh.database}.loan_events`);
    expect(e!.note).toBe('投诉人电话138****5678，身份证110***********0021');
    const again = await ingest(wh, [events], { piiSecret: 's' });
    expect(again.receipts[0]).toMatchObject({ rows_inserted: 0, rows_already_present: 1, rows_quarantined: 0 });
  });

  it.each(['engine', 'stream'] as const)(
    "a quarantined row's numbers typed in free text are masked as a loaded note's, at any column (%s loader)",
    async (loader) => {
      const dir = mkdtempSync(join(tmpdir(), 'quarantine-masking-'));
      const events = join(dir, 'loan_events.csv');
      // a bad amount: the row is quarantined with its note; the next loads, its note masked
      writeFileSync(
        events,
        [
          'event_id,loan_id,event_date,type,amount,note',
          `Q1-${loader},L1,2024-01-03,waiver,abc,new number 13812345678 id 11010119800101002X`,
          `Q2-${loader},L1,2024-01-03,complaint,0,call 13912345678`,
          `Q3-${loader},L1,2024-01-03,complaint,x,"13712345678, 021-62345678"`,
          '',
        ].join('\n'),
      );
      const r = await ingest(wh, [events], { piiSecret: 's', loader });
      expect(r.receipts[0]).toMatchObject({ rows_inserted: 1, rows_quarantined: 2 });
      const raw = await queryRows<{ raw: string }>(
        wh,
        `SELECT raw FROM ${wh.database}.quarantine WHERE file = {f:String} ORDER BY line`,
        { f: events },
      );
      expect(raw.map((x) => x.raw)).toEqual([
        `Q1-${loader},L1,2024-01-03,waiver,abc,new number 138****5678 id 110***********002X`,
        `Q3-${loader},L1,2024-01-03,complaint,x,"137****5678, 021-****5678"`,
      ]);
    },
  );
});
