/*
 * A child with its own time zone (the parent sets TZ): a run of the warning rules and a warning
 * stored the way the days before migration 43 were, each read back as a day's computed_at, with the
 * UTC clock around them. The suite's processes all run in UTC, where a zone mistake cannot show.
 */
import { exec } from '../../warehouse/connection.ts';
import { defaultWarningRules } from '../../pipelines/warnings/rules.ts';
import { finishWarningRun, startWarningRun, warningDay } from '../../pipelines/warnings/warning-runs.ts';
import { openChildWarehouse } from './child-warehouse.ts';

const wh = await openChildWarehouse(process.argv[2]!);
const before = new Date().toISOString();
const run = await startWarningRun(wh, { asOf: '2024-06-30', rules: defaultWarningRules, champion: '' });
const end = await finishWarningRun(wh, run, { skipped: [], fired: 0 });
await exec(
  wh,
  `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id, fired_at)
   VALUES ('2024-05-31', 'broken_promise', 'broken_promise', 'warning', 'L1', now())`,
);
const after = new Date().toISOString();
const result = {
  zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  before,
  after,
  end,
  run: await warningDay(wh, '2024-06-30'),
  fired: await warningDay(wh, '2024-05-31'),
};
console.log(`RESULT ${JSON.stringify(result)}`);
await wh.close();
