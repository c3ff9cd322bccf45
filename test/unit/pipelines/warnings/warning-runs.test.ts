import { describe, expect, it } from 'vitest';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { finishWarningRun, startWarningRun } from '../../../../pipelines/warnings/warning-runs.ts';
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
