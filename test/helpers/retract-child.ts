/**
 * Child process for the kill-and-rerun test of `ingest --retract`: loads a base book into a data dir
 * (unless loaded), retracts the keys of a file, then prints the receipt, table checksums and the audit
 * (run-specific columns left out). A fourth argument, a pattern, makes it wait after the log line that
 * matches it (for the parent to kill it there).
 */
import { queryRows } from '../../warehouse/connection.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { retract } from '../../pipelines/ingest/retract.ts';
import { tableChecksums } from './checksums.ts';
import { openChildWarehouse, pausingLog } from './child-warehouse.ts';

const [dataDir, baseDir, keys, pauseOn] = process.argv.slice(2);
const wh = await openChildWarehouse(dataDir!);
const log = pausingLog(pauseOn);
const [loaded] = await queryRows<{ n: string }>(
  wh,
  `SELECT count() AS n FROM kill.ingest_receipts WHERE mode = 'load'`,
);
if (Number(loaded!.n) === 0) await ingest(wh, [baseDir!], { piiSecret: 's' });
const r = await retract(wh, [keys!], { log });
const { rows_read, rows_retracted, rows_already_present, rows_quarantined } = r.receipts[0]!;
const audit = await queryRows(
  wh,
  `SELECT entity, key, action, old_row, old_hash, file, line FROM kill.row_corrections ORDER BY entity, key, at`,
);
console.log(
  `CHECKSUMS ${JSON.stringify({ receipt: { rows_read, rows_retracted, rows_already_present, rows_quarantined }, tables: await tableChecksums(wh), audit })}`,
);
await wh.close();
