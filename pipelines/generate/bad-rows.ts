import type { Cell, TableSink } from '../files/table-sink.ts';
import type { Rng } from '../../lib/random.ts';

/**
 * Every kind of contract-breaking row the ingest must quarantine. Bad rows are
 * written in addition to the good ones (never instead), so the clean book —
 * and its truth file — stay intact.
 */
export const badRowKinds = [
  'missing_key',
  'bad_date',
  'negative_amount',
  'bad_number',
  'too_many_decimals',
  'bad_enum',
  'unknown_loan',
  'duplicate_conflict',
  'wrong_columns',
  'malformed_json',
] as const;
export type BadRowKind = (typeof badRowKinds)[number];

export interface Corruption {
  kinds: BadRowKind[];
  keyCol: number;
  dateCol?: number;
  amountCol?: number;
  numberCol?: number;
  enumCol?: number;
  loanCol?: number;
}

export interface BadRowRecord {
  entity: string;
  file: string;
  line: number;
  kind: BadRowKind;
}

export function injectBadRow(
  rng: Rng,
  sink: TableSink,
  entity: string,
  good: readonly Cell[],
  c: Corruption,
  /** unique in the book: what makes the bad row's own keys fresh; n varies its installment number */
  id: { key: string; n: number },
): BadRowRecord {
  const kinds = c.kinds
    .filter((k) => k !== 'malformed_json' || sink.format === 'jsonl')
    .filter((k) => k !== 'wrong_columns' || sink.format === 'csv');
  const kind = rng.pick(kinds);
  const row = [...good];
  const fresh = `BAD${id.key}`;
  // a fresh key so the bad row collides with nothing (installment numbers stay numeric, above any real term)
  if (kind !== 'duplicate_conflict')
    row[c.keyCol] = typeof good[c.keyCol] === 'number' ? 1000 + (id.n % 200) : `${String(good[c.keyCol])}-${fresh}`;
  let line: number;
  switch (kind) {
    case 'missing_key':
      row[c.keyCol] = '';
      break;
    // 'not a date' has a date's length but parses to nothing (the rule once let such text through)
    case 'bad_date':
      row[c.dateCol!] = rng.pick(['2023-02-30', 'N/A', '2023/13/01', '20230115', 'not a date']);
      break;
    case 'negative_amount':
      row[c.amountCol!] = `-${String(good[c.amountCol!])}`;
      break;
    case 'bad_number':
      row[c.numberCol!] = rng.pick(['abc', '12,5', 'NaN', '1e999']);
      break;
    case 'too_many_decimals':
      row[c.amountCol!] = `${String(good[c.amountCol!])}7`;
      break;
    case 'bad_enum':
      row[c.enumCol!] = rng.pick(['fax', 'unknown', 'BALLOON']);
      break;
    case 'unknown_loan':
      row[c.loanCol!] = `LNOPE${fresh}`;
      break;
    case 'duplicate_conflict':
      row[c.amountCol ?? c.numberCol!] = String(good[c.amountCol ?? c.numberCol!]).replace(/^(\d)/, (d) =>
        String((Number(d) % 9) + 1),
      );
      break;
    default:
      break;
  }
  if (kind === 'wrong_columns')
    line = sink.raw(
      row
        .slice(0, -2)
        .map((x) => (x === null ? '' : String(x)))
        .join(','),
    );
  else if (kind === 'malformed_json') line = sink.raw(`{"${sink.columns[0]}": "${fresh}", broken`);
  else line = sink.write(row);
  return { entity, file: sink.path, line, kind };
}
