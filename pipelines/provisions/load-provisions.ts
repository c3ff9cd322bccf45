import { basename } from 'node:path';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { isEngineDate, monthEndOf } from '../../lib/dates.ts';
import { splitHeader } from '../../lib/csv-records.ts';
import { UserError } from '../../lib/user-error.ts';
import { tableText } from '../../models/data/table-text.ts';

/** A provisions file that cannot be loaded: every bad line is named, and nothing of the file is loaded. */
export class ProvisionsFileError extends UserError {}

/** A month-end date, or a month YYYY-MM (01–12) standing for its month-end; anything else is null. */
const monthEnd = (v: string) => {
  const d = /^\d{4}-(0[1-9]|1[0-2])$/u.test(v) ? monthEndOf(`${v}-01`) : v;
  return isEngineDate(d) && monthEndOf(d) === d ? d : null;
};

/**
 * The finance ledger's loan-loss provisions (拨备) by month-end, for provision coverage in the
 * regulatory pack. CSV with `month_end` (YYYY-MM-DD month-end, or YYYY-MM) and `provision`
 * (a non-negative amount, up to 2 decimals); 月末 and 拨备余额 are accepted as headers. A file is
 * all or nothing: a bad line refuses the whole file. Months in the file replace earlier values.
 */
export async function loadProvisions(
  wh: Warehouse,
  path: string,
): Promise<{ months: number; first: string; last: string }> {
  let text = '';
  try {
    // UTF-8 or GBK, as every CSV loanwatch reads (a finance ledger saved by Excel on a Chinese
    // Windows is GBK: read as UTF-8, its 月末 header was mojibake and the file refused)
    for await (const part of await tableText(path, 'provisions')) text += part;
    text = text.replace(/^\uFEFF/u, '');
  } catch (e) {
    if (e instanceof UserError) throw new ProvisionsFileError(e.message, { cause: e });
    throw new ProvisionsFileError(`provisions ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
    });
  }
  const [head, ...lines] = text.split(/\r?\n/u);
  const alias: Record<string, string> = { 月末: 'month_end', 拨备余额: 'provision', 拨备: 'provision' };
  const cols = splitHeader(head ?? '').map((c) => alias[c.trim()] ?? c.trim().toLowerCase());
  const mi = cols.indexOf('month_end'),
    pi = cols.indexOf('provision');
  if (mi < 0 || pi < 0)
    throw new ProvisionsFileError(
      `provisions ${path}: the header needs month_end and provision (got ${cols.join(', ') || 'nothing'})`,
    );
  const rows = new Map<string, string>();
  const errors: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = splitHeader(line);
    const me = monthEnd((cells[mi] ?? '').trim());
    const amount = (cells[pi] ?? '').trim();
    if (!me) errors.push(`line ${i + 2}: month_end ${JSON.stringify(cells[mi] ?? '')} is not a month-end or YYYY-MM`);
    else if (!/^\d{1,16}(\.\d{1,2})?$/u.test(amount))
      errors.push(
        `line ${i + 2}: provision ${JSON.stringify(amount)} is not a non-negative amount with at most 2 decimals`,
      );
    else if (rows.has(me) && rows.get(me) !== amount)
      errors.push(`line ${i + 2}: ${me} appears twice with different amounts`);
    else rows.set(me, amount);
  });
  if (errors.length)
    throw new ProvisionsFileError(
      `provisions ${path}: ${errors.length} bad line(s), nothing loaded:\n  ${errors.slice(0, 20).join('\n  ')}`,
    );
  if (rows.size === 0) throw new ProvisionsFileError(`provisions ${path}: no rows`);
  const months = [...rows.keys()].sort();
  await deleteRows(wh, 'provisions', 'has({m:Array(Date)}, month_end)', { m: months });
  const now = Math.floor(Date.now() / 1000);
  await wh.client.insert({
    table: tableRef(wh, 'provisions'),
    format: 'JSONEachRow',
    values: months.map((m) => ({ month_end: m, provision: rows.get(m), file: basename(path), loaded_at: now })),
  });
  const [n] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'provisions')} WHERE has({m:Array(Date)}, month_end)`,
    { m: months },
  );
  return { months: Number(n!.n), first: months[0]!, last: months.at(-1)! };
}
