import { tableText } from './table-text.ts';
import { csvRecords } from '../../lib/csv-records.ts';
import { ColumnBuilder, DatasetError, missingMarkerSet, type Dataset } from './dataset.ts';
import { assertInputFile } from '../../lib/input-file.ts';
import { tableHeader } from './table-header.ts';

export interface TableLoadOptions {
  target: string;
  /** the target value meaning "bad"; default: 1 when the target column holds 0/1 */
  badValue?: string;
  /** columns to leave out (identifiers) */
  drop?: string[];
  /** columns forced to categorical even when their values are numeric codes */
  categorical?: string[];
  /** cells read as missing (default `defaultMissingMarkers`: '', NA, N/A, NULL, null, -, ?, NaN, #N/A); the empty cell always is */
  missingMarkers?: string[];
}

/** A loaded table: its data set, and the rows left out because their outcome is missing. */
export interface LoadedTable extends Dataset {
  /** rows whose target cell is a missing marker (empty, NA, …): not trained on, counted and located */
  targetMissing: { rows: number; lines: number[] };
  /** the header's column names, as read (the target and dropped columns included) */
  header: string[];
}

/** A value as a message shows it: quoted, so an empty cell is `""`, not a gap between commas. */
const shown = (v: string) => JSON.stringify(v);

/**
 * Loads a feature table (CSV with a header row) for generic training, e.g. an application
 * scorecard on ../shared/data/taiwan_credit_default. A row whose cell count differs from the
 * header, or a target value that is neither bad nor good, stops the load with the line number:
 * a model must not be trained on a silently shortened table. A row whose target is missing (an
 * empty cell or a missing marker: an application whose outcome is not known yet) is left out and
 * counted — a modeler expects unlabelled rows to be skipped, not a refusal — and the count goes to
 * the progress lines and the card.
 */
export async function loadFeatureTable(path: string, o: TableLoadOptions): Promise<LoadedTable> {
  assertInputFile(path, 'feature table');
  let header: string[] | null = null;
  let builders: ColumnBuilder[] = [];
  let targetIdx = -1;
  const labels: string[] = [];
  const ids: string[] = [];
  const skip = new Set(o.drop ?? []);
  let keepIdx: number[] = [];
  const missing = missingMarkerSet(o.missingMarkers);
  const targetMissing = { rows: 0, lines: [] as number[] };
  /** each target value's first lines (a few), for the refusal of a third value */
  const linesOf = new Map<string, number[]>();
  let dataRow = 0;
  for await (const rec of csvRecords(await tableText(path, 'feature table'))) {
    if (rec.fields.length === 1 && rec.fields[0] === '') continue;
    if (!header) {
      header = tableHeader(rec.fields, path);
      targetIdx = header.indexOf(o.target);
      if (targetIdx < 0) throw new DatasetError(`${path}: no target column "${o.target}" (columns: ${header.join(', ')})`);
      // every column a flag names must be one of the table's, and none may be the target
      for (const [flag, names] of [
        ['--drop', o.drop ?? []],
        ['--categorical', o.categorical ?? []],
      ] as const) {
        const unknown = names.filter((c) => !header!.includes(c));
        if (unknown.length)
          throw new DatasetError(
            `${path}: ${flag} ${unknown.join(',')}: no such column (columns: ${header.join(', ')})`,
          );
        if (names.includes(o.target))
          throw new DatasetError(
            `${path}: ${flag} names the target ${o.target}: the target is never a feature; leave it out of ${flag}`,
          );
      }
      keepIdx = header.map((_, i) => i).filter((i) => i !== targetIdx && !skip.has(header![i]!));
      builders = keepIdx.map(
        (i) =>
          new ColumnBuilder(header![i]!, o.categorical?.includes(header![i]!) ? 'categorical' : undefined, missing),
      );
      continue;
    }
    if (rec.fields.length !== header.length) throw new DatasetError(`${path}:${rec.line}: ${rec.fields.length} cells, header has ${header.length}`);
    dataRow++;
    const y = rec.fields[targetIdx]!.trim();
    if (missing.has(y)) {
      targetMissing.rows++;
      if (targetMissing.lines.length < 5) targetMissing.lines.push(rec.line);
      continue;
    }
    const seen = linesOf.get(y);
    if (!seen) linesOf.set(y, [rec.line]);
    else if (seen.length < 3) seen.push(rec.line);
    keepIdx.forEach((i, k) => {
      builders[k]!.push(rec.fields[i]!.trim());
    });
    labels.push(y);
    // the row's position among the file's data rows (split.csv's row), unlabelled rows counted
    ids.push(String(dataRow));
  }
  if (!header) throw new DatasetError(`${path}: no data rows`);
  if (labels.length === 0)
    throw new DatasetError(
      targetMissing.rows
        ? `${path}: every one of the ${targetMissing.rows} data rows has a missing target "${o.target}"`
        : `${path}: no data rows`,
    );
  const distinct = [...linesOf.keys()];
  const described = (values: string[]) =>
    values.map((v) => `${shown(v)} (line ${linesOf.get(v)!.join(', ')})`).join(', ');
  const bad = o.badValue ?? (distinct.every((v) => v === '0' || v === '1') ? '1' : undefined);
  if (bad === undefined)
    throw new DatasetError(
      `${path}: target "${o.target}" has values ${described(distinct.slice(0, 5))}: say which one is bad (--bad-value)`,
    );
  // a --bad-value the target never holds is the flag's typo, not the rows': they are not "unexpected"
  if (!distinct.includes(bad))
    throw new DatasetError(
      `${path}: --bad-value ${shown(bad)} is none of target "${o.target}"'s values: ${described(distinct.slice(0, 6))}${distinct.length > 6 ? `, … (${distinct.length} values)` : ''}; give the one that means bad`,
    );
  if (distinct.length > 2) {
    // the values besides the bad one and the commonest other are the ones out of place
    const others = distinct.filter((v) => v !== bad);
    const count = (v: string) => labels.reduce((k, x) => k + (x === v ? 1 : 0), 0);
    const good = others.sort((a, b) => count(b) - count(a))[0];
    const odd = distinct.filter((v) => v !== bad && v !== good);
    throw new DatasetError(
      `${path}: target "${o.target}" must have two values including ${shown(bad)}, found ${distinct.length}: ${described(distinct.slice(0, 6))}${distinct.length > 6 ? ', …' : ''}; unexpected: ${described(odd.slice(0, 3))} — fix those rows, or leave the target empty (a missing target is left out)`,
    );
  }
  return {
    n: labels.length,
    columns: builders.map((b) => b.build()),
    label: Uint8Array.from(labels, (v) => (v === bad ? 1 : 0)),
    period: labels.map(() => ''),
    ids,
    targetMissing,
    header,
  };
}
