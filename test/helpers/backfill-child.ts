/**
 * Child process for the kill-and-rerun test of the quarantine key derivation. `setup <data> <book>`:
 * ingest the folder, then blank every quarantined row's key (as before migration 38); `derive <data>`:
 * derive the keys, pausing after each step it names (`STEP …`) so that the parent can kill it there.
 * Both print the quarantine's rows (`ROWS …`) at the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exec, queryRows } from '../../warehouse/connection.ts';
import { openChildWarehouse } from './child-warehouse.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { deriveMissingRowKeys } from '../../pipelines/ingest/quarantine-backfill.ts';

const [mode, dataDir, bookDir] = process.argv.slice(2);
const wh = await openChildWarehouse(dataDir!);
const quarantine = `${wh.database}.quarantine`;
if (mode === 'setup') {
  await ingest(wh, [bookDir!], { piiSecret: 's' });
  console.log(
    `KEYS ${JSON.stringify(await queryRows(wh, `SELECT entity, file, line, row_key FROM ${quarantine} ORDER BY ALL`))}`,
  );
  await exec(wh, `ALTER TABLE ${quarantine} UPDATE row_key = NULL WHERE 1`, {}, { mutations_sync: 2 });
} else {
  await deriveMissingRowKeys(wh, {
    batchSize: 2,
    onStep: async (step) => {
      console.log(`STEP ${step}`);
      await sleep(300);
    },
  });
}
const rows = await queryRows(
  wh,
  `SELECT entity, file, line, row_key, row_key_unknown, raw, reason, ingest_id, quarantined_at FROM ${quarantine} ORDER BY ALL`,
);
console.log(`ROWS ${JSON.stringify(rows)}`);
await wh.close();
