import { sortFloat64 } from '../../lib/sort-float64.ts';
import { UserError } from '../../lib/user-error.ts';
import { columnNumberFormat, plainNumber, readNumber, type NumberFormat } from './number-format.ts';
/**
 * A model data set held column-wise in typed arrays: numeric columns as Float64Array with NaN for
 * missing, categorical columns as codes into a level list with -1 for missing. Every model stage
 * (binning, fitting, scoring, evaluation) reads this one shape, whether the rows came from the
 * warehouse feature table or from a CSV feature table.
 */
export type Column =
  | {
      name: string;
      kind: 'numeric';
      values: Float64Array;
      markers?: MarkerCells;
      /** cells written as `1,169` or `12%` (number-format.ts): how they were read, recorded in the artifact */
      format?: NumberFormat;
    }
  | { name: string; kind: 'categorical'; codes: Int32Array; levels: string[]; markers?: MarkerCells };

/**
 * Which cells of a column were read as missing and by which marker (the empty cell included), when
 * any were: per row 0 (not a marker) or k, the marker `names[k - 1]`. Kept per row, so a part of the
 * rows (the training part the gate judges) counts its own markers.
 */
export interface MarkerCells {
  names: string[];
  rows: Uint16Array;
}

/** How many cells of a column were read as missing, by marker, in first-seen order (none: {}). */
export function markerCounts(c: Column): Record<string, number> {
  const m = c.markers;
  if (!m) return {};
  const counts = new Float64Array(m.names.length + 1);
  for (const k of m.rows) counts[k]!++;
  const out: Record<string, number> = {};
  m.names.forEach((name, i) => {
    if (counts[i + 1]) out[name] = counts[i + 1]!;
  });
  return out;
}

export interface Dataset {
  n: number;
  columns: Column[];
  label: Uint8Array;
  /** time key per row (month-end for the book; '' for a cross-sectional table) */
  period: string[];
  /** row identity (loan_id for the book, row number for a table) */
  ids: string[];
}

export class DatasetError extends UserError {
  constructor(message: string, cause?: unknown) { super(message, { cause }); }
}

export function column(ds: Dataset, name: string): Column {
  const c = ds.columns.find((x) => x.name === name);
  if (!c) throw new DatasetError(`no column ${name}`);
  return c;
}

/** Rows in `keep` (ascending indices) as a new data set sharing level lists. */
export function subset(ds: Dataset, keep: ArrayLike<number>): Dataset {
  const n = keep.length;
  const pick = <T extends Float64Array | Int32Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
    const out = make(n);
    for (let i = 0; i < n; i++) out[i] = a[keep[i]!]!;
    return out;
  };
  const markers = (c: Column) =>
    c.markers ? { markers: { names: c.markers.names, rows: pick(c.markers.rows, (k) => new Uint16Array(k)) } } : {};
  return {
    n,
    columns: ds.columns.map((c) => c.kind === 'numeric'
      ? { ...c, values: pick(c.values, (k) => new Float64Array(k)), ...markers(c) }
      : { ...c, codes: pick(c.codes, (k) => new Int32Array(k)), ...markers(c) }),
    label: pick(ds.label, (k) => new Uint8Array(k)),
    period: Array.from({ length: n }, (_, i) => ds.period[keep[i]!]!),
    ids: Array.from({ length: n }, (_, i) => ds.ids[keep[i]!]!),
  };
}

export const indicesWhere = (n: number, f: (i: number) => boolean): Int32Array => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (f(i)) out.push(i);
  return Int32Array.from(out);
};

/**
 * A numeric column's present values, ascending. A loop, not the typed array's `filter`: with a
 * callback per value that took 0.34 s of a million-row column, nearly three times the sort.
 */
export function sortedPresent(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let m = 0;
  for (const v of values) if (!Number.isNaN(v)) out[m++] = v;
  return sortFloat64(out.subarray(0, m));
}

/**
 * Cells read as missing in every column (the data-quality gate, docs/models.md): the empty cell, the
 * usual spellings of "not available" and ClickHouse's \\N. `--missing-markers` replaces the list
 * (the empty cell and \\N stay missing).
 */
export const defaultMissingMarkers: readonly string[] = ['', 'NA', 'N/A', 'NULL', 'null', '-', '?', 'NaN', '#N/A', '\\N'];

/** The marker set of a list: the empty cell and \\N are always in it. */
export const missingMarkerSet = (markers: readonly string[] = defaultMissingMarkers): ReadonlySet<string> =>
  new Set(['', '\\N', ...markers]);

const defaultMarkerSet = missingMarkerSet();

/**
 * Builds a column from string cells: a missing marker (`defaultMissingMarkers` unless given) is
 * missing, counted by marker. With a known kind the cells are parsed as they arrive (a million-row
 * feature table never exists as strings); without one the cells are kept and the kind inferred at
 * the end (all numbers apart from missing markers → numeric; numbers written with thousands
 * separators or a `%` count, in one form per column: number-format.ts). A numeric column given a
 * `format` reads its cells in that form (scoring, as the model was trained).
 */
export class ColumnBuilder {
  private cells: string[] = [];
  private values = new Float64Array(1024);
  private codes = new Int32Array(1024);
  private index = new Map<string, number>();
  /** marker → its code (1-based), and each row's code once a marker was seen (0: not a marker) */
  private markerCode = new Map<string, number>();
  private markerRows: Uint16Array | null = null;
  private n = 0;
  /** a marker that reads as a number (say -1 or 999): then every number is looked up in the markers first */
  private readonly numberMarkers: boolean;
  constructor(
    readonly name: string,
    private kind?: 'numeric' | 'categorical',
    private readonly missing: ReadonlySet<string> = defaultMarkerSet,
    private format?: NumberFormat,
  ) {
    this.numberMarkers = [...missing].some((m) => m !== '' && Number.isFinite(Number(m)));
  }
  private isMissing(v: string): boolean {
    if (!this.missing.has(v)) return false;
    let k = this.markerCode.get(v);
    if (k === undefined) this.markerCode.set(v, (k = this.markerCode.size + 1));
    if (!this.markerRows || this.markerRows.length <= this.n) {
      const rows = new Uint16Array(Math.max(1024, 2 * this.n + 1));
      if (this.markerRows) rows.set(this.markerRows);
      this.markerRows = rows;
    }
    this.markerRows[this.n] = k;
    return true;
  }
  push(v: string) {
    if (!this.kind) {
      this.cells.push(v);
      return;
    }
    if (this.n === this.values.length && this.kind === 'numeric')
      this.values = grow(this.values, new Float64Array(this.n * 2));
    if (this.n === this.codes.length && this.kind === 'categorical')
      this.codes = grow(this.codes, new Int32Array(this.n * 2));
    if (this.kind === 'numeric') {
      // the common cell first: a number that no marker spells ('' is always a marker, and Number('') is 0)
      if (v !== '' && !this.numberMarkers) {
        const x = plainNumber(v);
        if (Number.isFinite(x)) {
          this.values[this.n++] = x;
          return;
        }
      }
      if (this.isMissing(v)) {
        this.values[this.n++] = Number.NaN;
        return;
      }
      const x = readNumber(v, this.format);
      if (!Number.isFinite(x))
        throw new DatasetError(`column ${this.name}, row ${this.n + 1}: "${v.slice(0, 40)}" is not a number`);
      this.values[this.n++] = x;
    } else {
      if (this.isMissing(v)) {
        this.codes[this.n++] = -1;
        return;
      }
      let k = this.index.get(v);
      if (k === undefined) {
        k = this.index.size;
        this.index.set(v, k);
      }
      this.codes[this.n++] = k;
    }
  }
  build(): Column {
    if (!this.kind) {
      if (this.cells.every((v) => this.missing.has(v) || Number.isFinite(plainNumber(v)))) this.kind = 'numeric';
      else {
        this.format = columnNumberFormat(this.cells, (v) => this.missing.has(v)) ?? undefined;
        this.kind = this.format ? 'numeric' : 'categorical';
      }
      const cells = this.cells;
      this.cells = [];
      for (const v of cells) this.push(v);
    }
    const rows = this.markerRows;
    const markers = rows
      ? { markers: { names: [...this.markerCode.keys()], rows: rows.length >= this.n ? rows.slice(0, this.n) : grown(rows, this.n) } }
      : {};
    return this.kind === 'numeric'
      ? {
          name: this.name,
          kind: 'numeric',
          values: this.values.slice(0, this.n),
          ...markers,
          ...(this.format ? { format: this.format } : {}),
        }
      : {
          name: this.name,
          kind: 'categorical',
          codes: this.codes.slice(0, this.n),
          levels: [...this.index.keys()],
          ...markers,
        };
  }
}

/** `rows` zero-filled to `n` (a marker seen early, none in the rows after it). */
function grown(rows: Uint16Array, n: number): Uint16Array {
  const out = new Uint16Array(n);
  out.set(rows);
  return out;
}

function grow<T extends Float64Array | Int32Array>(a: T, bigger: T): T {
  bigger.set(a);
  return bigger;
}

/** A stable fingerprint of the rows a model saw (ids, periods, labels, values), recorded in the registry. */
export async function fingerprint(ds: Dataset): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  h.update(`${ds.n}\n`);
  for (let i = 0; i < ds.n; i++) h.update(`${ds.ids[i]}|${ds.period[i]}|${ds.label[i]}\n`);
  for (const c of ds.columns) {
    h.update(`${c.name}:${c.kind}\n`);
    if (c.kind === 'numeric') h.update(Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    else { h.update(c.levels.join('\u0001')); h.update(Buffer.from(c.codes.buffer, c.codes.byteOffset, c.codes.byteLength)); }
  }
  return h.digest('hex');
}
