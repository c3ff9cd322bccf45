import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { z } from 'zod';
import { isoMonth } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { writeCsv, type Output } from '../cli/output.ts';
import { assertOutputFile } from '../../lib/output-path.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { loadCodeTable } from '../../pipelines/bureau/codes.ts';
import { bureauSubmission, submissionColumns, type SubmissionRow } from '../../pipelines/bureau/submission.ts';
import { log } from '../progress.ts';

const bureauFlags = {
  month: flag(isoMonth, 'the month whose month-end is reported', 'YYYY-MM'),
  out: flag(z.string().min(1).optional(), 'write the CSV to this file (default, or -: stdout)', 'FILE'),
  codes: flag(
    z.string().min(1).optional(),
    "the code table as JSON (default: the personal credit report's N 1-7 C G B * #)",
    'FILE',
  ),
};
export type BureauFlags = FlagValues<typeof bureauFlags>;

export const bureauCommand = defineCommand({
  name: 'bureau',
  summary: "the credit bureau's monthly submission: status code and 24-month history per account",
  description:
    'One row per account open at the month-end: account, customer hash, status code, balance, overdue amount, overdue periods, max overdue, last payment, and the 24-month status history (oldest first). Refused when the month is after the latest snapshot, or when a code contradicts the snapshot. Columns and codes: docs/delinquency.md.',
  flags: bureauFlags,
  examples: [
    'loanwatch bureau --month 2024-06 --out bureau-2024-06.csv',
    'loanwatch bureau --month 2024-06 --codes codes.json',
  ],
  warehouse: true,
  run: ({ wh, config, out }, f) => runBureau(wh, config, out, f),
});

export async function runBureau(wh: Warehouse, config: Config, out: Output, f: BureauFlags) {
  const table = loadCodeTable(f.codes);
  // refused before the submission is built, naming the path given (not the atomic write's temporary name)
  if (f.out !== undefined && f.out !== '-') assertOutputFile(f.out, '--out', `bureau-${f.month}.csv`);
  const rows = await bureauSubmission(wh, f.month, table, delinquencySettings(config));
  if (f.out === undefined || f.out === '-') {
    await writeCsv<SubmissionRow>(out, submissionColumns, rows);
    return rows;
  }
  let csv = '';
  await writeCsv<SubmissionRow>(
    {
      line: (s) => {
        csv += `${s}\n`;
      },
      write: (s) => {
        csv += s;
        return Promise.resolve();
      },
    },
    submissionColumns,
    rows,
  );
  writeFileAtomic(f.out, csv);
  log(`bureau ${f.month}: ${rows.length} accounts → ${f.out}`);
  return rows;
}
