/**
 * Child process for the kill-and-rerun test of `ingest --rollback`: loads a base book and a day's
 * files into a data dir (unless loaded), rolls the day's run back, then prints table checksums, the
 * audit and the rollback's receipts (run-specific columns left out). A fourth argument, a pattern,
 * makes it wait after the log line that matches it (for the parent to kill it there).
 */
import { queryRows } from '../../warehouse/connection.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { rollback } from '../../pipelines/ingest/rollback.ts';
import { tableChecksums } from './checksums.ts';
import { openChildWarehouse, pausingLog } from './child-warehouse.ts';

const [dataDir, baseDir, dayDir, pauseOn] = process.argv.slice(2);
const wh = await openChildWarehouse(dataDir!);
const log = pausingLog(pauseOn);
const dayRun = () =>
  queryRows<{ id: string }>(
    wh,
    `SELECT DISTINCT ingest_id AS id FROM kill.ingest_receipts WHERE file LIKE {day:String}`,
    {
      day: `${dayDir!}/%`,
    },
  );
if ((await dayRun()).length === 0) {
  await ingest(wh, [baseDir!], { piiSecret: 's' });
  await ingest(wh, [dayDir!], { piiSecret: 's' });
}
const [day] = await dayRun();
await rollback(wh, day!.id, { log });
const audit = await queryRows<{ file: string }>(
  wh,
  `SELECT entity, key, action, old_row, old_hash, file FROM kill.row_corrections ORDER BY entity, key, at`,
);
const receipts = await queryRows(
  wh,
  `SELECT entity, mode, rows_read, rows_retracted FROM kill.ingest_receipts WHERE mode = 'rollback' ORDER BY entity`,
);
const tables = await tableChecksums(wh);
console.log(
  `CHECKSUMS ${JSON.stringify({ tables, audit: audit.map((a) => ({ ...a, file: a.file.replace(day!.id, 'ID') })), receipts })}`,
);
await wh.close();
