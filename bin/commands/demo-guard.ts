import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { UserError } from '../../lib/user-error.ts';

export interface DemoBookParams {
  loans: number;
  months: number;
  asOf: string;
  seed: number;
}

const markerFile = (dataDir: string) => join(dataDir, 'demo-book.json');

/**
 * The demo writes a generated book into the warehouse; into one that holds anything else (a
 * lender's own data, or a demo book of other parameters) that would mix two books, so it refuses.
 * Its own earlier book, same parameters, is fine: ingest is idempotent and the files identical.
 */
export async function assertDemoMayWrite(wh: Warehouse, dataDir: string, params: DemoBookParams): Promise<void> {
  const [r] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${tableRef(wh, 'loans')}`);
  const loans = Number(r?.n ?? 0);
  if (loans === 0) return;
  const marker = markerFile(dataDir);
  const earlier = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as DemoBookParams) : null;
  const same =
    earlier !== null && (Object.keys(params) as (keyof DemoBookParams)[]).every((k) => earlier[k] === params[k]);
  if (same) return;
  const what = earlier
    ? `a demo book of other parameters (${JSON.stringify(earlier)})`
    : `${loans.toLocaleString('en-US')} loans the demo did not write`;
  throw new UserError(`the warehouse in ${dataDir} already holds ${what}; the demo will not mix its book into it`, {
    hint: 'run the demo on a data directory of its own, e.g. LOANWATCH_DATA_DIR=./demo-data npm start',
  });
}

export function recordDemoBook(dataDir: string, params: DemoBookParams): void {
  writeFileSync(markerFile(dataDir), `${JSON.stringify(params, null, 2)}\n`);
}
