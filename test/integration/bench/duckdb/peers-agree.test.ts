import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import type { SnapshotSettings } from '../../../../pipelines/snapshot/snapshot-settings.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { runMetric, type MetricResult } from '../../../../warehouse/metrics/run.ts';
import { openDuck } from '../../../../bench/duckdb/duckdb.ts';
import {
  compareCells,
  duckdbMetricNames,
  duckdbMetricSql,
  loadMetricInputs,
} from '../../../../bench/duckdb/metrics.ts';
import { duckdbSnapshot, exportSnapshotPeerInputs } from '../../../../bench/duckdb/snapshot.ts';
import { exportMetricInputs } from '../../../../bench/lib/metric-inputs.ts';
import { exportSnapshotReferenceInputs } from '../../../../bench/lib/snapshot-inputs.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * The DuckDB peers of bench/ingest-snapshot and bench/metrics compute what loanwatch computes, on a
 * small generated book (charge-offs, restructures, paid-off loans, amended schedules): every
 * loan-month, every cell of the six benchmarked metrics.
 */
const asOf = '2024-06-30';
let wh: Awaited<ReturnType<typeof testWarehouse>> | undefined;

// grace days counted from the end of grace: the settings the peers must carry over (the bench itself runs the defaults,
// and a 20,000-loan run of it agreed on every loan-month); one snapshot build keeps the file within its time budget
const settings: SnapshotSettings = { ...defaultSettings, graceDays: 5, dpdConvention: 'grace_end' };

beforeAll(async () => {
  const w = await testWarehouse('duckdb_peers');
  wh = w;
  const book = join(tmpDir('duckdb-peers'), 'book');
  await generateBook({ loans: 80, months: 24, seed: 24_5, asOf, badRows: 0, outDir: book, format: 'csv' });
  await ingest(w, [book], { piiSecret: 's' });
  await buildMonthEndSnapshots(w, { asOf, settings });
});
afterAll(() => disposeIfOpened(wh));

it('the book has what the peers must get right: charge-offs, restructures, paid-off loans, late loans', async () => {
  const [r] = await queryRows<Record<string, string>>(
    wh!,
    `SELECT countIf(status = 'charged_off') AS charged_off, countIf(status = 'paid_off') AS paid_off, countIf(dpd > 90) AS over90,
       (SELECT count() FROM ${wh!.database}.loan_events WHERE type = 'restructure') AS restructures
     FROM ${wh!.database}.loan_month`,
  );
  for (const [k, v] of Object.entries(r!)) expect({ k, n: Number(v) > 0 }).toEqual({ k, n: true });
});

describe('DuckDB metric peer', () => {
  it('equals runMetric on every cell of the six benchmarked metrics', async () => {
    const dir = join(tmpDir('duckdb-metrics'), 'in');
    mkdirSync(dir);
    await exportMetricInputs(wh!, dir, asOf);
    const pFrom = '2023-06-30';
    const requests: Record<(typeof duckdbMetricNames)[number], Record<string, unknown>> = {
      overdue: {},
      vintage: {},
      roll_rate: {},
      recovery: {},
      migration: { from: pFrom, to: asOf },
      collections: {},
    };
    const duck = await openDuck();
    try {
      await loadMetricInputs(duck, dir);
      const sqls = duckdbMetricSql(asOf, pFrom, settings.graceDays);
      for (const name of duckdbMetricNames) {
        const ours: MetricResult = await runMetric(wh!, name, requests[name]);
        const c = compareCells(ours, await duck.rows(sqls[name]));
        expect({ name, examples: c.examples }).toEqual({ name, examples: [] });
        expect(c.rows).toBeGreaterThan(0);
        expect(c.duckdb_rows).toBe(c.rows);
      }
    } finally {
      duck.close();
    }
  });
});

describe('DuckDB snapshot peer', () => {
  it('equals loan_month on every loan-month', async () => {
    const dir = tmpDir('duckdb-snapshot');
    await exportSnapshotReferenceInputs(wh!, dir, asOf);
    await exportSnapshotPeerInputs(wh!, dir, asOf);
    const r = await duckdbSnapshot(dir, asOf, settings, 1);
    expect(r.mismatch_examples).toEqual([]);
    expect(r.mismatches).toBe(0);
    expect(r.rows).toBe(r.loanwatch_rows);
    expect(r.rows).toBeGreaterThan(500);
  });
});
