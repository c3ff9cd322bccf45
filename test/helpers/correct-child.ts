/**
 * Child process for the kill-and-rerun test of corrections: loads a book into a data dir (unless
 * loaded), then ingests a correction file with --correct, then prints table checksums and the audit
 * (run-specific columns left out). A fourth argument, a pattern, makes it wait after the log line
 * that matches it (for the parent to kill it there).
 */
import { queryRows } from '../../warehouse/connection.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { tableChecksums } from './checksums.ts';
import { openChildWarehouse, pausingLog } from './child-warehouse.ts';

const [dataDir, bookDir, correction, pauseOn] = process.argv.slice(2);
const wh = await openChildWarehouse(dataDir!);
const log = pausingLog(pauseOn);
// the book once (a run killed during the correction had loaded it: loading it again would put back
// the rows the correction had deleted before it was killed, a different command from running it again)
const [loaded] = await queryRows<{ n: string }>(
  wh,
  `SELECT count() AS n FROM kill.ingest_receipts WHERE mode = 'load'`,
);
if (Number(loaded!.n) === 0) await ingest(wh, [bookDir!], { piiSecret: 's', log });
await ingest(wh, [correction!], { piiSecret: 's', correct: true, log });
const audit = await queryRows(
  wh,
  `SELECT entity, key, action, old_row, new_row, old_hash, new_hash, line FROM kill.row_corrections ORDER BY entity, key, at`,
);
console.log(`CHECKSUMS ${JSON.stringify({ tables: await tableChecksums(wh), audit })}`);
await wh.close();
