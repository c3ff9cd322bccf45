import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvRecords } from '../../lib/csv-records.ts';

/**
 * The Lending Club sample's finished loans — `Charged Off` (bad) and `Fully Paid` (good) — as a CSV
 * beside the bench's other work files, every column left in and every kept record byte for byte.
 * Current, late and grace-period loans have no outcome yet and a target needs two values; the
 * shared file itself is never copied into the repository.
 */
export async function writeFinishedLoans(
  from: string,
  to: string,
): Promise<{ rows: number; bad: number; skipped: Record<string, number> }> {
  const out = createWriteStream(to, { encoding: 'utf8' });
  let statusIdx = -1;
  let rows = 0;
  let bad = 0;
  const skipped: Record<string, number> = {};
  for await (const rec of csvRecords(createReadStream(from, { encoding: 'utf8' }))) {
    if (statusIdx < 0) {
      statusIdx = rec.fields.findIndex((f) => f.trim() === 'loan_status');
      if (statusIdx < 0) throw new Error(`${from}: no loan_status column`);
    } else {
      const status = rec.fields[statusIdx]?.trim() ?? '';
      if (status !== 'Charged Off' && status !== 'Fully Paid') {
        if (rec.raw !== '') skipped[status] = (skipped[status] ?? 0) + 1;
        continue;
      }
      rows++;
      if (status === 'Charged Off') bad++;
    }
    if (!out.write(`${rec.raw}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { rows, bad, skipped };
}
