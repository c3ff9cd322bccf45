import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { defaultSnapshotSettings, type SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { referenceSnapshot, type RefRow } from '../../../reference/snapshot-reference.ts';
import { referenceInput, refSettings } from '../../../helpers/reference-input.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const base = {
  graceDays: 0,
  dpdConvention: 'due_date',
  restructureObservationMonths: 12,
  contagionShare: 0.1,
} as const;
const cases: { seed: number; settings: SnapshotSettings }[] = [
  { seed: 101, settings: defaultSnapshotSettings(base) },
  { seed: 202, settings: defaultSnapshotSettings({ ...base, graceDays: 5 }) },
  {
    seed: 303,
    settings: defaultSnapshotSettings({
      ...base,
      graceDays: 3,
      dpdConvention: 'grace_end',
      restructureObservationMonths: 6,
      contagionShare: 0.05,
    }),
  },
];

const fields: (keyof RefRow)[] = [
  'mob',
  'dpd',
  'bucket',
  'principal_balance',
  'overdue_principal',
  'overdue_interest',
  'paid_in_month',
  'status',
  'five_class',
  'five_class_rule',
  'ifrs9_stage',
  'default_flag',
  'prev_bucket',
  'prev_balance',
  'ever_bits',
  'new_ever_bits',
  'next_month_end',
];

describe.each(cases)('SQL snapshot equals the TypeScript reference (seed $seed)', ({ seed, settings }) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let sqlRows: Map<string, RefRow>;
  let refRows: RefRow[];
  beforeAll(async () => {
    wh = await testWarehouse(`prop_${seed}`);
    const dir = join(tmpDir(`book${seed}`), 'book');
    await generateBook({ loans: 400, months: 30, asOf: '2024-06-30', seed, badRows: 0.01, outDir: dir, format: 'csv' });
    await ingest(wh, [dir], { piiSecret: 's' });
    // overrides on recent loans (still open at the as-of date), effective from their origination
    const some = await queryRows<{ loan_id: string; d: string }>(
      wh,
      `SELECT loan_id, toString(origination_date) AS d FROM ${wh.database}.loans WHERE origination_date < '2024-04-01' ORDER BY origination_date DESC, loan_id LIMIT 3`,
    );
    for (const [i, r] of some.entries()) {
      await exec(
        wh,
        `INSERT INTO ${wh.database}.classification_overrides VALUES ({l:String}, {d:Date}, {c:String}, 'test', 'tester', {at:DateTime})`,
        { l: r.loan_id, d: r.d, c: ['doubtful', 'normal', 'loss'][i], at: '2024-01-01 00:00:00' },
      );
    }
    // two main passes; the contagion pre-pass in passes of at most 20 non-retail loans (another count)
    await buildMonthEndSnapshots(wh, { asOf: '2024-06-30', settings, buckets: 2, loansPerPass: 20 });
    const rows = await queryRows<RefRow>(
      wh,
      `SELECT loan_id, toString(month_end) AS month_end, ${fields.map((f) => (f === 'next_month_end' ? 'toString(next_month_end) AS next_month_end' : f)).join(', ')} FROM ${wh.database}.loan_month WHERE source = 'schedule'`,
    );
    sqlRows = new Map(rows.map((r) => [`${r.loan_id}|${r.month_end}`, r]));
    refRows = referenceSnapshot(await referenceInput(wh, '2024-06-30'), refSettings(settings));
  });
  afterAll(() => disposeIfOpened(wh));

  it('has the same loan-months', () => {
    expect(sqlRows.size).toBe(refRows.length);
    expect(refRows.length).toBeGreaterThan(4000);
  });

  it('agrees on every field of every loan-month', () => {
    const mismatches: string[] = [];
    for (const r of refRows) {
      const s = sqlRows.get(`${r.loan_id}|${r.month_end}`);
      if (!s) {
        mismatches.push(`${r.loan_id} ${r.month_end}: missing in SQL`);
        continue;
      }
      for (const f of fields)
        if (s[f] !== r[f]) mismatches.push(`${r.loan_id} ${r.month_end} ${f}: sql=${s[f]} ref=${r[f]}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('exercises the interesting paths', () => {
    const statuses = new Set(refRows.map((r) => r.status));
    const rules = new Set(refRows.map((r) => r.five_class_rule));
    expect([...statuses].sort()).toEqual(['active', 'charged_off', 'paid_off']);
    for (const rule of [
      'dpd_floor',
      'credit_card_dpd_floor',
      'charged_off',
      'restructure_observation',
      'manual_override',
    ])
      expect(rules).toContain(rule);
    expect(refRows.some((r) => r.dpd > 180)).toBe(true);
  });
});
