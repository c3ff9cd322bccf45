import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../warehouse/connection.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { buildSummary } from '../../../../reports/summary/index.ts';
import type { ReportPeriod } from '../../../../reports/template.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

const monthEnd = '2024-06-30';
const period: ReportPeriod = { period: '2024-06', monthEnd, from: '2023-07-31', segment: {} };

/**
 * The pack's "Warnings fired": 0 for a month-end the rules ran for and fired nothing, no value for
 * one they never ran for (or whose latest run has not finished) — not "—" for both, which a board
 * reader would take for a calm month either way.
 */
describe('warnings fired in the pack: a quiet month-end is 0, a month-end never computed has no value', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('warnings_computed');
  });
  afterAll(() => disposeIfOpened(wh));

  const run = async (asOf: string, id: string, events: { event: string; at: string; fired?: number }[]) => {
    for (const e of events)
      await exec(
        wh,
        `INSERT INTO ${wh.database}.warning_runs (as_of, run_id, event, at, fired)
         VALUES ('${asOf}', '${id}', '${e.event}', '${e.at}', ${e.fired ?? 0})`,
      );
  };
  const warning = (asOf: string, id: string) =>
    exec(
      wh,
      `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id)
       VALUES ('${asOf}', 'dpd_jump', 'loan', 'high', '${id}')`,
    );
  const summary = async (lang: 'en' | 'zh-CN' = 'en') => {
    const s = await buildSummary(wh, { pack: 'management', period, lang });
    return { total: s.figures.find((f) => f.id === 'warnings_total')!, commentary: s.commentary };
  };
  const days = async () =>
    (
      await runMetric(wh, 'warning_days', {
        from: '2024-01-31',
        to: monthEnd,
        as_of: monthEnd,
        group_by: ['month_end'],
      })
    ).rows;

  it('never run: no value, and the commentary says the rules were not run', async () => {
    await wh.reset();
    const { total, commentary } = await summary();
    expect(total.value).toBeNull();
    expect(commentary.join(' ')).toContain('The early-warning rules were not run for the month-end');
    expect((await summary('zh-CN')).commentary.join('')).toContain('本月末未运行预警规则');
    expect(await days()).toEqual([]);
  });

  it('a finished run that fired nothing: 0, and "ran … fired none"', async () => {
    await wh.reset();
    await run(monthEnd, 'r1', [
      { event: 'started', at: '2024-07-01 08:00:00' },
      { event: 'finished', at: '2024-07-01 08:01:00' },
    ]);
    const { total, commentary } = await summary();
    expect(total.value).toBe(0);
    expect(commentary.join(' ')).toContain('The early-warning rules ran for the month-end and fired none.');
    expect(commentary.join(' ')).not.toContain('not run');
    expect(await days()).toEqual([{ month_end: monthEnd, days: 1, fired: 0 }]);
  });

  it('the latest run not finished: no value, whatever part of the day it left stored, as GET /v1/warnings refuses it', async () => {
    await wh.reset();
    await run(monthEnd, 'r1', [
      { event: 'started', at: '2024-07-01 08:00:00' },
      { event: 'finished', at: '2024-07-01 08:01:00', fired: 3 },
    ]);
    await run(monthEnd, 'r2', [{ event: 'started', at: '2024-07-02 08:00:00' }]);
    // what the stopped re-run had stored before it stopped
    await warning(monthEnd, 'w1');
    expect((await summary()).total.value).toBeNull();
    expect(await days()).toEqual([]);
  });

  it("a segment's pack: the rules ran for the book and fired none in the segment", async () => {
    await wh.reset();
    await run(monthEnd, 'r1', [
      { event: 'started', at: '2024-07-01 08:00:00' },
      { event: 'finished', at: '2024-07-01 08:01:00' },
    ]);
    const s = await buildSummary(wh, {
      pack: 'management',
      period: { ...period, segment: { region: ['east'] } },
      lang: 'en',
    });
    expect(s.figures.find((f) => f.id === 'warnings_total')!.value).toBe(0);
    expect(s.commentary.join(' ')).toContain('fired none in this segment.');
  });

  it('fired before runs were recorded (warnings, no run rows): computed, with what is stored', async () => {
    await wh.reset();
    await warning(monthEnd, 'w1');
    await warning(monthEnd, 'w2');
    // a month-end of the comparison (the previous month) that ran quiet beside it
    await run('2024-05-31', 'r0', [
      { event: 'started', at: '2024-06-01 08:00:00' },
      { event: 'finished', at: '2024-06-01 08:01:00' },
    ]);
    const s = await buildSummary(wh, { pack: 'management', period, lang: 'en' });
    const total = s.figures.find((f) => f.id === 'warnings_total')!;
    expect(total.value).toBe(2);
    expect(total.previous_month).toBe(0);
    expect(await days()).toEqual([
      { month_end: '2024-05-31', days: 1, fired: 0 },
      { month_end: monthEnd, days: 1, fired: 2 },
    ]);
  });
});
