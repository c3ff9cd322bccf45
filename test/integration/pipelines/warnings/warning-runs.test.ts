import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../../warehouse/connection.ts';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import {
  finishWarningRun,
  latestComputedDay,
  notComputedMessage,
  recordRunStopped,
  refuseBesideOtherRun,
  startWarningRun,
  stopRunsBefore,
  WarningRunBusyError,
  warningDay,
  type WarningRunStart,
} from '../../../../pipelines/warnings/warning-runs.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * A day's warnings are computed once a run of the rules for it finished: before warning_runs a day
 * never run and a day that fired nothing were both no rows, and GET /v1/warnings answered both with
 * an empty 200. A run started but not finished (stopped after replacing part of the day) is not
 * computed; a day fired before migration 43 (warnings, no run rows) is, as it listed before.
 */
describe('warning_runs: never run, unfinished, computed, fired before the run records', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('warning_runs');
  }, 120_000);
  beforeEach(() => wh.reset());
  afterAll(() => disposeIfOpened(wh));

  const storeWarning = (asOf: string, firedAt: string) =>
    exec(
      wh,
      `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, fired_at)
      VALUES ({d:Date}, 'broken_promise', 'broken_promise', 'warning', 'L1', '', 1, 1, '{}', 'east', 'consumer', 'east-01', '', {t:DateTime})`,
      { d: asOf, t: firedAt },
    );

  it('a day no run touched is never computed, and the message names the command', async () => {
    const day = await warningDay(wh, '2024-06-30');
    expect(day).toEqual({ state: 'never' });
    if (day.state !== 'never') return;
    expect(await notComputedMessage(wh, '2024-06-30', day)).toBe(
      'warnings not computed for 2024-06-30: the rules never ran for it — run loanwatch warnings --as-of 2024-06-30',
    );
    expect(await latestComputedDay(wh)).toBeNull();
  });

  it('a finished run that stored nothing is a computed quiet day, at its end', async () => {
    const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    expect((await warningDay(wh, '2024-06-30')).state).toBe('unfinished');
    await finishWarningRun(wh, run, { skipped: ['high_score', 'score_jump', 'model_drift'], fired: 0 });
    const day = await warningDay(wh, '2024-06-30');
    expect(day).toMatchObject({
      state: 'computed',
      stored: 0,
      skipped: ['high_score', 'score_jump', 'model_drift'],
      rule_ids: defaultWarningRules.rules.map((r) => r.id),
      rule_kinds: defaultWarningRules.rules.map((r) => r.kind),
    });
    expect(day.state === 'computed' && day.computed_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/u);
    expect((await warningDay(wh, '2024-06-29')).state).toBe('never');
    expect(await latestComputedDay(wh)).toBe('2024-06-30');
    const other = await warningDay(wh, '2024-06-29');
    if (other.state === 'computed') throw new Error('2024-06-29 never ran');
    expect(await notComputedMessage(wh, '2024-06-29', other)).toBe(
      'warnings not computed for 2024-06-29: the rules never ran for it — run loanwatch warnings --as-of 2024-06-29 (the latest day computed is 2024-06-30)',
    );
  });

  it('a run started after a finished one and never finished makes the day unfinished: part of it may be replaced', async () => {
    const first = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    await finishWarningRun(wh, first, { skipped: [], fired: 1 });
    await storeWarning('2024-06-30', '2024-07-01 06:00:00');
    await new Promise((r) => setTimeout(r, 5));
    await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    const day = await warningDay(wh, '2024-06-30');
    expect(day.state).toBe('unfinished');
    if (day.state !== 'unfinished') return;
    expect(await notComputedMessage(wh, '2024-06-30', day)).toMatch(
      /^warnings not computed for 2024-06-30: a run started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d has not finished: it may still be running \(wait for it\), or it stopped — then run loanwatch warnings --as-of 2024-06-30 again$/u,
    );
  });

  it('a day with warnings but no run rows (fired before migration 43) is computed when its latest warning was stored', async () => {
    await storeWarning('2024-05-31', '2024-06-01 06:00:00');
    await storeWarning('2024-05-31', '2024-06-01 06:00:07');
    expect(await warningDay(wh, '2024-05-31')).toEqual({
      state: 'computed',
      computed_at: '2024-06-01 06:00:07',
      stored: 2,
      skipped: [],
      rule_ids: null,
      rule_kinds: null,
      champion: '',
    });
    expect(await latestComputedDay(wh)).toBe('2024-05-31');
  });

  it("the latest day computed on or before a date (the console loan page's line): a finished run or, before migration 43, stored warnings", async () => {
    const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    await finishWarningRun(wh, run, { skipped: [], fired: 0 });
    await storeWarning('2024-05-31', '2024-06-01 06:00:00');
    expect(await latestComputedDay(wh, '2024-07-15')).toBe('2024-06-30');
    expect(await latestComputedDay(wh, '2024-06-30')).toBe('2024-06-30');
    expect(await latestComputedDay(wh, '2024-06-29')).toBe('2024-05-31');
    expect(await latestComputedDay(wh, '2024-05-30')).toBeNull();
  });

  it('the latest day computed skips a day whose latest run has not finished, though an earlier one did: that day is refused', async () => {
    const earlier = await startWarningRun(wh, { asOf: '2024-06-29', rules: defaultWarningRules, champion: '' });
    await finishWarningRun(wh, earlier, { skipped: [], fired: 0 });
    const first = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    await finishWarningRun(wh, first, { skipped: [], fired: 1 });
    await storeWarning('2024-06-30', '2024-07-01 06:00:00');
    await new Promise((r) => setTimeout(r, 5));
    await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    expect(await latestComputedDay(wh)).toBe('2024-06-29');
    expect(await latestComputedDay(wh, '2024-07-15')).toBe('2024-06-29');
    const never = await warningDay(wh, '2024-06-28');
    if (never.state === 'computed') throw new Error('2024-06-28 never ran');
    expect(await notComputedMessage(wh, '2024-06-28', never)).toMatch(/\(the latest day computed is 2024-06-29\)$/u);
  });

  it('computed_at is UTC from a run and from stored warnings alike, whatever the server time zone', async () => {
    await exec(wh, "SET session_timezone = 'Asia/Shanghai'");
    try {
      // 2024-07-01 06:00:07 UTC, 14:00:07 in Shanghai
      await exec(
        wh,
        `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, fired_at)
        VALUES ('2024-05-31', 'broken_promise', 'broken_promise', 'warning', 'L1', '', 1, 1, '{}', '', '', '', '', toDateTime(1719813607))`,
      );
      expect(await warningDay(wh, '2024-05-31')).toMatchObject({ computed_at: '2024-07-01 06:00:07' });
      const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
      const end = await finishWarningRun(wh, run, { skipped: [], fired: 0 });
      expect(await warningDay(wh, '2024-06-30')).toMatchObject({ computed_at: end });
      expect(end).toBe(new Date().toISOString().slice(0, 13).replace('T', ' ') + end.slice(13));
    } finally {
      await exec(wh, "SET session_timezone = ''");
    }
  });

  // two runs of one day at once would both replace the day and both insert: a run beside another stops
  describe('two runs of one day: a run that sees another unfinished one stops before replacing anything', () => {
    // a run as another client would have written it: its start at that client's clock
    const at = (asOf: string, runId: string, startedAt: string): WarningRunStart & { startedAt: string } => ({
      asOf,
      runId,
      rules: defaultWarningRules,
      champion: '',
      startedAt,
    });
    const started = (r: WarningRunStart & { startedAt: string }) =>
      exec(
        wh,
        `INSERT INTO ${wh.database}.warning_runs (as_of, run_id, event, at) VALUES ({d:Date}, {r:String}, 'started', {t:DateTime64(3)})`,
        { d: r.asOf, r: r.runId, t: r.startedAt },
      );
    // as on a server, where another process may be running the rules on the same warehouse
    const onServer = true;

    it('refused in one line naming the other run, recorded abandoned; the day reads as the other run', async () => {
      const earlier = at('2024-06-30', 'run-a', '2024-07-01 06:00:00.000');
      const later = at('2024-06-30', 'run-b', '2024-07-01 06:00:05.000');
      await started(earlier);
      await started(later);
      const refused = refuseBesideOtherRun(wh, later, onServer);
      await expect(refused).rejects.toBeInstanceOf(WarningRunBusyError);
      await expect(refused).rejects.toThrow(
        'warnings for 2024-06-30: another run started at 2024-07-01 06:00:00 (UTC) has not finished — it may still be running: wait for it; if it stopped, run again with --force',
      );
      // the abandoned run holds nothing back
      await expect(refuseBesideOtherRun(wh, earlier, onServer)).resolves.toBeUndefined();
      expect(await warningDay(wh, '2024-06-30')).toEqual({ state: 'unfinished', started_at: '2024-07-01 06:00:00' });
      await finishWarningRun(wh, earlier, { skipped: [], fired: 0 });
      expect(await warningDay(wh, '2024-06-30')).toMatchObject({ state: 'computed', stored: 0 });
      expect(await latestComputedDay(wh)).toBe('2024-06-30');
    });

    it('whichever started first by its clock: two clients whose clocks differ, or a start seen late, never both go on', async () => {
      // B's client clock is behind: it started after A but says 05:00
      const a = at('2024-06-30', 'run-a', '2024-07-01 06:00:00.000');
      const b = at('2024-06-30', 'run-b', '2024-07-01 05:00:00.000');
      await started(a);
      await expect(refuseBesideOtherRun(wh, a, onServer)).resolves.toBeUndefined();
      await started(b);
      await expect(refuseBesideOtherRun(wh, b, onServer)).rejects.toThrow('another run started at 2024-07-01 06:00:00');
    });

    it('a finished or stopped run, or a run of another day, holds nothing back', async () => {
      const done = at('2024-06-30', 'run-a', '2024-07-01 06:00:00.000');
      await started(done);
      await finishWarningRun(wh, done, { skipped: [], fired: 2 });
      await started(at('2024-06-29', 'run-x', '2024-07-01 05:00:00.000'));
      const failed = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
      await recordRunStopped(wh, failed);
      const next = at('2024-06-30', 'run-b', '2024-07-01 07:00:00.000');
      await started(next);
      await expect(refuseBesideOtherRun(wh, next, onServer)).resolves.toBeUndefined();
    });

    it('--force records the unfinished runs stopped: it goes on, and no later run waits for them', async () => {
      await started(at('2024-06-30', 'killed', '2024-07-01 06:00:00.000'));
      const forced = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
      await stopRunsBefore(wh, forced);
      await finishWarningRun(wh, forced, { skipped: [], fired: 1 });
      expect(await warningDay(wh, '2024-06-30')).toMatchObject({ state: 'computed' });
      const later = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
      await expect(refuseBesideOtherRun(wh, later, onServer)).resolves.toBeUndefined();
    });

    it('on the embedded engine an unfinished run of another process stopped (one process holds the folder): it holds nothing back', async () => {
      await started(at('2024-06-30', 'killed', '2024-07-01 06:00:00.000'));
      const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
      await expect(refuseBesideOtherRun(wh, run)).resolves.toBeUndefined();
      await expect(refuseBesideOtherRun(wh, run, onServer)).rejects.toBeInstanceOf(WarningRunBusyError);
    });

    it('of any number of runs of a day started at once in this process, never two go on, and a retry goes alone', async () => {
      for (const n of [2, 3, 5]) {
        await wh.reset();
        const claim = async () => {
          const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
          await refuseBesideOtherRun(wh, run);
          return run;
        };
        const claims = await Promise.allSettled(Array.from({ length: n }, claim));
        const going = claims.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
        expect(going.length).toBeLessThanOrEqual(1);
        for (const c of claims) if (c.status === 'rejected') expect(c.reason).toBeInstanceOf(WarningRunBusyError);
        for (const run of going) await finishWarningRun(wh, run, { skipped: [], fired: 0 });
        await expect(claim()).resolves.toBeDefined();
      }
    });
  });
});
