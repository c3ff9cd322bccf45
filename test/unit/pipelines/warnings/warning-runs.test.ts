import { describe, expect, it } from 'vitest';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import {
  finishWarningRun,
  rulesNotRun,
  startWarningRun,
  type WarningDay,
} from '../../../../pipelines/warnings/warning-runs.ts';
import type { Warehouse } from '../../../../warehouse/connection.ts';

/*
 * On a cluster warning_runs is a Distributed table, whose inserts were queued: a day read right after
 * its run could miss the run and be refused as never run or unfinished. They are sent synchronously
 * there, and only there (on chDB a setting would stay for the whole session).
 */
describe('warning_runs rows: written synchronously through a Distributed table', () => {
  const recording = (cluster: string | undefined) => {
    const inserts: { clickhouse_settings?: Record<string, unknown> }[] = [];
    const wh = {
      database: 'lw',
      cluster,
      client: {
        insert: (o: { clickhouse_settings?: Record<string, unknown> }) => {
          inserts.push(o);
          return Promise.resolve();
        },
      },
    } as unknown as Warehouse;
    return { wh, inserts };
  };

  it('on a cluster, both rows of a run are inserted with insert_distributed_sync', async () => {
    const { wh, inserts } = recording('lw_cluster');
    const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    await finishWarningRun(wh, run, { skipped: [], fired: 0 });
    expect(inserts.map((i) => i.clickhouse_settings)).toEqual([
      { insert_distributed_sync: 1 },
      { insert_distributed_sync: 1 },
    ]);
  });

  it('on one server, no setting', async () => {
    const { wh, inserts } = recording(undefined);
    await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
    expect(inserts[0]?.clickhouse_settings).toBeUndefined();
  });
});

/*
 * Which asked-for rules a computed day's run skipped: by kind, the run's own record of its rules'
 * kinds — a run of another rules file gives an id a kind the caller's rules may not (the CLI read the
 * file in use, the API the default rules). Runs before migration 45 recorded none: the caller's kinds.
 */
describe('rulesNotRun: a kind filter reads the kinds the run recorded', () => {
  const day = (kinds: string[] | null): Extract<WarningDay, { state: 'computed' }> => ({
    state: 'computed',
    computed_at: '2024-07-01 06:00:00',
    stored: 0,
    skipped: ['my_jump', 'drift'],
    rule_ids: ['late', 'my_jump', 'drift'],
    rule_kinds: kinds,
    champion: '',
  });
  // the caller's rules know neither id's kind (another file's rules), or give my_jump another kind
  const callerKinds = (id: string) => ({ late: 'consecutive_overdue', my_jump: 'high_score' })[id];

  it("the run's kinds decide, whatever the caller's rules say", () => {
    const recorded = day(['consecutive_overdue', 'score_jump', 'model_drift']);
    expect(rulesNotRun(recorded, { kind: ['score_jump'] }, callerKinds)).toEqual({ skipped: ['my_jump'], absent: [] });
    expect(rulesNotRun(recorded, { kind: ['model_drift'] }, () => undefined)).toEqual({
      skipped: ['drift'],
      absent: [],
    });
    expect(rulesNotRun(recorded, { kind: ['high_score'] }, callerKinds)).toEqual({ skipped: [], absent: [] });
  });

  it("a run that recorded no kinds: the caller's", () => {
    expect(rulesNotRun(day(null), { kind: ['high_score'] }, callerKinds)).toEqual({ skipped: ['my_jump'], absent: [] });
    expect(rulesNotRun(day(null), { kind: ['score_jump'] }, callerKinds)).toEqual({ skipped: [], absent: [] });
  });
});
