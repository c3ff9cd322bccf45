import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';

interface IngestOut {
  load_gap?: { data_ended: string; load_reaches: string; days_without_rows: string[] };
}

/**
 * A daily run that skips days is told (review 2026-12-06: day 07-03 loaded straight after 06-27 closed
 * the June month-end at 7.5 % overdue instead of 2.5 %, without a word): the load's rows start more
 * than three days after the data ended. The next day's files, a day's late files and a first load
 * say nothing.
 */
describe('ingest tells a load that starts days after the data ended', () => {
  const { dir, out, err, run } = cliHarness('ingest_gap');
  const daily = join(dir, 'daily');
  const day = (d: string) => join(daily, `day-${d}`);
  const ingested = async (path: string) => {
    expect(await run('ingest', path)).toBe(0);
    return JSON.parse(out.join('\n')) as IngestOut;
  };

  it('warns on the gap, with its days, in the log and the JSON; not on consecutive or late days', async () => {
    expect(
      await run(
        'generate',
        '--out',
        daily,
        '--loans',
        '300',
        '--daily-from',
        '2024-06-20',
        '--days',
        '14',
        '--workers',
        '1',
      ),
    ).toBe(0);
    expect((await ingested(join(daily, 'base'))).load_gap).toBeUndefined();
    expect(err.join('\n')).not.toMatch(/warning/u);
    expect((await ingested(day('2024-06-21'))).load_gap).toBeUndefined();
    // its late payments (two days back) do not hide the days without any row
    const skipped = await ingested(day('2024-06-27'));
    expect(skipped.load_gap).toMatchObject({ data_ended: '2024-06-21', load_reaches: '2024-06-27' });
    const empty = skipped.load_gap!.days_without_rows;
    expect(empty.length).toBeGreaterThan(3);
    expect(empty.every((d) => d > '2024-06-21' && d < '2024-06-27')).toBe(true);
    expect(err.join('\n')).toContain(
      `ingest: warning: the data ended on 2024-06-21 and this load reaches 2024-06-27: ${empty.length} days between have no payment, action or event`,
    );
    // the missing days arriving late, then the next day: nothing to tell
    for (const d of ['2024-06-22', '2024-06-23', '2024-06-24', '2024-06-25', '2024-06-26', '2024-06-28'])
      expect((await ingested(day(d))).load_gap, d).toBeUndefined();
  });

  it('a late payment of the load dated inside the gap does not fill its day: four days skipped, four told', async () => {
    // the data ends 06-28; 07-03's files with a payment of 07-01 delivered late beside them (as payments-late.csv)
    const folder = join(dir, 'day-0703-late');
    cpSync(day('2024-07-03'), folder, { recursive: true });
    const [header, first] = readFileSync(join(day('2024-07-01'), 'payments.csv'), 'utf8').split('\n');
    expect(first).toContain(',2024-07-01,');
    writeFileSync(join(folder, 'payments-late.csv'), `${header}\n${first}\n`);
    const skipped = await ingested(folder);
    expect(skipped.load_gap).toMatchObject({
      data_ended: '2024-06-28',
      load_reaches: '2024-07-03',
      days_without_rows: ['2024-06-29', '2024-06-30', '2024-07-01', '2024-07-02'],
    });
  });
});
