/** Child process for the kill-and-rerun test: ingest a folder into a data dir, then print table checksums. */
import { openChildWarehouse } from './child-warehouse.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { tableChecksums } from './checksums.ts';

const [dataDir, bookDir] = process.argv.slice(2);
const wh = await openChildWarehouse(dataDir!);
await ingest(wh, [bookDir!], {
  piiSecret: 's',
  log: (l) => {
    console.log(l);
  },
});
console.log(`CHECKSUMS ${JSON.stringify(await tableChecksums(wh))}`);
await wh.close();
