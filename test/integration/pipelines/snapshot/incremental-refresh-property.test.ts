import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../../lib/random.ts';
import { addDays } from '../../../../lib/dates.ts';
import { generateDailyDeltas } from '../../../../pipelines/generate/daily-deltas.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { ingestDays } from '../../../helpers/ingest-days.ts';
import { refreshSnapshots, type RefreshResult } from '../../../../pipelines/snapshot/refresh-snapshots.ts';
import { snapshotChecksums } from '../../../../pipelines/snapshot/snapshot-checksums.ts';
import { queryRows, type Warehouse } from '../../../../warehouse/connection.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * The property the refresh promises, over generated books of other seeds, starts and day counts
 * (within a month, and across a month-end): each day's files, with a few rows of the kinds that
 * decide what is recomputed (writeExtraRows), ingested and refreshed one day after another, end equal to the full rebuild of the same data, table by table. Mid-month, most touched
 * loans keep their loan-months (their rows are dated after the month-end), so this checks that
 * choice as much as the recomputation.
 */
const cases = [
  { seed: 3, from: '2024-03-12', days: 2 },
  { seed: 29, from: '2024-04-28', days: 4 },
  { seed: 47, from: '2024-05-16', days: 2 },
];

/**
 * Besides the generated rows, each day a few of the kinds whose date or content decides whether a
 * loan's loan-months must be recomputed, on loans drawn at random: a payment dated before the last
 * month-end, one with an explicit principal split, a restructure and a charge-off dated the day.
 */
async function writeExtraRows(wh: Warehouse, rng: Rng, day: { date: string; dir: string }) {
  const loans = await queryRows<{ loan_id: string; me: string }>(
    wh,
    `SELECT loan_id, toString(month_end) AS me FROM ${wh.database}.loan_month
     WHERE month_end = (SELECT max(month_end) FROM ${wh.database}.loan_month) AND status = 'active' AND source = 'schedule'
     ORDER BY loan_id`,
  );
  if (loans.length === 0) return;
  const [a, b, c, d] = [rng.pick(loans), rng.pick(loans), rng.pick(loans), rng.pick(loans)];
  const tag = day.date.replaceAll('-', '');
  writeFileSync(
    join(day.dir, 'payments-extra.csv'),
    [
      'payment_id,loan_id,paid_date,amount,principal_paid,interest_paid',
      `XB${tag},${a.loan_id},${addDays(a.me, -rng.int(0, 5))},${rng.int(50, 400)}.00,,`,
      `XS${tag},${b.loan_id},${day.date},200.00,150.00,50.00`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(day.dir, 'loan_events-extra.csv'),
    [
      'event_id,loan_id,event_date,type,amount,note',
      `XR${tag},${c.loan_id},${day.date},restructure,${rng.int(100, 500)}.00,`,
      `XC${tag},${d.loan_id},${day.date},charge_off,0.00,`,
      '',
    ].join('\n'),
  );
}

describe('incremental refresh over generated days: the full rebuild’s result', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>> | undefined;
  afterEach(() => disposeIfOpened(wh));

  it.each(cases)(
    'seed $seed, $days days after $from',
    async ({ seed, from, days }) => {
      wh = await testWarehouse(`incr-p${seed}`);
      const m = await generateDailyDeltas({
        loans: 120,
        months: 15,
        seed,
        from,
        days,
        outDir: tmpDir(`incr-p${seed}`),
        lateShare: 0.2,
        correctionShare: 0.3,
      });
      await ingest(wh, [m.base], { piiSecret: 's' });
      const results: RefreshResult[] = [await refreshSnapshots(wh, { asOf: from, settings: defaultSettings })];
      const rng = new Rng(seed);
      for (const day of m.days) {
        await writeExtraRows(wh, rng, day);
        await ingestDays(wh, [day]);
        results.push(await refreshSnapshots(wh, { asOf: day.date, settings: defaultSettings }));
      }
      const incremental = await snapshotChecksums(wh);
      await refreshSnapshots(wh, { asOf: m.days.at(-1)!.date, settings: defaultSettings, full: true });
      expect(incremental).toEqual(await snapshotChecksums(wh));
      expect(results.slice(1).map((r) => r.mode)).toEqual(m.days.map(() => 'refresh'));
      // some day kept the loan-months of loans it touched
      expect(results.slice(1).some((r) => r.loansRecomputed < r.loansRefreshed)).toBe(true);
    },
    300_000,
  );
});
