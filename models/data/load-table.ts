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

/**
 * Loads a feature table (CSV with a header row) for generic training, e.g. an application
 * scorecard on ../shared/data/taiwan_credit_default. A row whose cell count differs from the
 * header, or a target value that is neither bad nor good, stops the load with the line number:
 * a model must not be trained on a silently shortened table.
 */
export async function loadFeatureTable(path: string, o: TableLoadOptions): Promise<Dataset> {
  assertInputFile(path, 'feature table');
  let header: string[] | null = null;
  let builders: ColumnBuilder[] = [];
  let targetIdx = -1;
  const labels: string[] = [];
  const skip = new Set(o.drop ?? []);
  let keepIdx: number[] = [];
  const missing = missingMarkerSet(o.missingMarkers);
  for await (const rec of csvRecords(await tableText(path, 'feature table'))) {
    if (rec.fields.length === 1 && rec.fields[0] === '' ) continue;
    if (!header) {
      header = tableHeader(rec.fields, path);
      targetIdx = header.indexOf(o.target);
      if (targetIdx < 0) throw new DatasetError(`${path}: no target column "${o.target}" (columns: ${header.join(', ')})`);
      for (const d of skip) if (!header.includes(d)) throw new DatasetError(`${path}: no column "${d}" to drop`);
      keepIdx = header.map((_, i) => i).filter((i) => i !== targetIdx && !skip.has(header![i]!));
      builders = keepIdx.map(
        (i) =>
          new ColumnBuilder(header![i]!, o.categorical?.includes(header![i]!) ? 'categorical' : undefined, missing),
      );
      continue;
    }
    if (rec.fields.length !== header.length) throw new DatasetError(`${path}:${rec.line}: ${rec.fields.length} cells, header has ${header.length}`);
    keepIdx.forEach((i, k) => {
      builders[k]!.push(rec.fields[i]!.trim());
    });
    labels.push(rec.fields[targetIdx]!.trim());
  }
  if (!header || labels.length === 0) throw new DatasetError(`${path}: no data rows`);
  const distinct = [...new Set(labels)];
  const bad = o.badValue ?? (distinct.every((v) => v === '0' || v === '1') ? '1' : undefined);
  if (bad === undefined) throw new DatasetError(`${path}: target "${o.target}" has values ${distinct.slice(0, 5).join(', ')}: say which one is bad (--bad-value)`);
  if (distinct.length > 2 || !distinct.includes(bad)) throw new DatasetError(`${path}: target "${o.target}" must have two values including "${bad}", found ${distinct.slice(0, 5).join(', ')}`);
  return {
    n: labels.length,
    columns: builders.map((b) => b.build()),
    label: Uint8Array.from(labels, (v) => (v === bad ? 1 : 0)),
    period: labels.map(() => ''),
    ids: labels.map((_, i) => String(i + 1)),
  };
}
