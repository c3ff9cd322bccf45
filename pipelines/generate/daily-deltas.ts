import { appendFileSync, createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, type CsvRecord } from '../../lib/csv-records.ts';
import { addDays } from '../../lib/dates.ts';
import { Rng } from '../../lib/random.ts';
import { generateBook } from './generate-book.ts';
import { makeDirectory } from '../../lib/make-directory.ts';

export interface DailyDeltasOptions {
  loans: number;
  /** months of origination cohorts, ending at the month of the last day */
  months: number;
  seed: number;
  /** the base files hold everything known by this day */
  from: string;
  /** one folder per day after `from` */
  days: number;
  outDir: string;
  /** share of a day's payments delivered two days late (default 0.02) */
  lateShare?: number;
  /** share of a day's actions whose outcome the agent corrects the next day (default 0.02) */
  correctionShare?: number;
}

export interface DailyDeltasManifest {
  base: string;
  /** each day's new rows; `corrections`: the folder of that day's corrections of loaded rows (`ingest --correct`), when there are any */
  days: { date: string; dir: string; rows: Record<string, number>; corrections?: string }[];
  late_payments: number;
  corrected_actions: number;
}

/** The file of each entity the generator writes, and the column that dates a row (customers: by their loans). */
const dated = {
  loans: 'origination_date',
  payments: 'paid_date',
  collection_actions: 'action_date',
  loan_events: 'event_date',
} as const;

/** A generated file's header and its rows, one at a time (a 1M-loan book's payments do not fit in memory as records). */
async function* csvRows(path: string): AsyncGenerator<{ header: string[]; row: CsvRecord }> {
  let header: string[] | null = null;
  for await (const r of csvRecords(createReadStream(path, 'utf8'))) {
    if (header === null) header = r.fields;
    else if (r.raw.trim() !== '') yield { header, row: r };
  }
}

/** The header of a generated file (its first line). */
async function csvHeader(path: string): Promise<string[]> {
  for await (const r of csvRecords(createReadStream(path, 'utf8'))) return r.fields;
  return [];
}

/**
 * The output files, appended in chunks of about 1 MB: holding every line until the end (as this
 * did) ran a 1M-loan book out of heap.
 */
class DeltaFiles {
  private files = new Map<string, { entity: string; chunks: string[]; size: number; rows: number }>();
  constructor(private headers: Map<string, string>) {}

  put(folder: string, file: string, raw: string) {
    const path = join(folder, file);
    let f = this.files.get(path);
    if (!f) {
      f = { entity: file.replace(/(-late)?\.csv$/, ''), chunks: [], size: 0, rows: 0 };
      this.files.set(path, f);
      appendFileSync(path, `${this.headers.get(f.entity) ?? ''}\n`);
    }
    f.chunks.push(raw, '\n');
    f.size += raw.length + 1;
    f.rows++;
    if (f.size > 1 << 20) this.flush(path);
  }

  private flush(path: string) {
    const f = this.files.get(path)!;
    appendFileSync(path, f.chunks.join(''));
    f.chunks = [];
    f.size = 0;
  }

  /** Writes what is left; the rows per file of a folder. */
  close(): (folder: string) => Record<string, number> {
    for (const path of this.files.keys()) this.flush(path);
    return (folder) =>
      Object.fromEntries(
        [...this.files]
          .filter(([p]) => p.startsWith(`${folder}/`))
          .map(([p, f]) => [p.slice(folder.length + 1), f.rows]),
      );
  }
}

/** A CSV field, quoted when it must be (RFC 4180). */
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

const column = (header: string[], name: string) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`generated file lacks column ${name}`);
  return i;
};

/**
 * Daily delta files from one simulated book (issue 24): the book is generated up to `from + days`,
 * then split by the day each row became known — loans (with their customers and schedules) on their
 * origination day, payments, actions and events on their own dates; everything on or before `from`
 * goes to the base folder. Some payments arrive two days late (in `payments-late.csv` of the later
 * day's folder, dated their own day), and some actions' outcomes are corrected the next day: the same
 * action id with the corrected outcome, in `corrections-<day>/collection_actions.csv`, loaded with
 * `ingest --correct`. A correction under a new key (as this wrote them before) was a second contact
 * at the same minute: the withdrawn outcome still blocked the case, and the pair breached the contact
 * rules' minimum gap (review 2026-12-06). Ingesting the base, then each day and its corrections,
 * loads the whole book with the corrections applied.
 */
export async function generateDailyDeltas(o: DailyDeltasOptions): Promise<DailyDeltasManifest> {
  const last = addDays(o.from, o.days);
  const book = join(o.outDir, '.book');
  rmSync(book, { recursive: true, force: true });
  await generateBook({
    loans: o.loans,
    months: o.months,
    asOf: last,
    seed: o.seed,
    badRows: 0,
    outDir: book,
    format: 'csv',
  });
  const rng = new Rng(o.seed ^ 0x5eed);
  const base = join(o.outDir, 'base');
  const dayDir = (d: string) => join(o.outDir, `day-${d}`);
  const correctionsDir = (d: string) => join(o.outDir, `corrections-${d}`);
  const days = Array.from({ length: o.days }, (_, k) => addDays(o.from, k + 1));
  // the generator fills the last month whole: what is dated after the last day is not known yet
  const folderOf = (date: string) => (date <= o.from ? base : date <= last ? dayDir(date) : null);
  const headers = new Map<string, string>();
  for (const entity of ['loans', 'customers', 'schedule', 'payments', 'collection_actions', 'loan_events'])
    headers.set(entity, (await csvHeader(join(book, `${entity}.csv`))).join(','));
  // the folders of an earlier run go first: its files were appended to, and its other days left beside
  // these (two books in one folder) — only what this generator writes here, base and day-*
  makeDirectory(o.outDir);
  for (const e of readdirSync(o.outDir, { withFileTypes: true }))
    if (e.isDirectory() && (e.name === 'base' || /^(day|corrections)-\d{4}-\d{2}-\d{2}$/u.test(e.name)))
      rmSync(join(o.outDir, e.name), { recursive: true, force: true });
  makeDirectory(base);
  for (const d of days) mkdirSync(dayDir(d), { recursive: true });
  const files = new DeltaFiles(headers);
  const put = (folder: string | null, file: string, raw: string) => {
    if (folder !== null) files.put(folder, file, raw);
  };

  const origination = new Map<string, string>();
  const firstLoanOf = new Map<string, string>();
  for await (const { header, row: r } of csvRows(join(book, 'loans.csv'))) {
    const [lid, lcust, lorig] = ['loan_id', 'customer_id', 'origination_date'].map((c) => column(header, c));
    const d = r.fields[lorig!]!;
    origination.set(r.fields[lid!]!, d);
    const c = r.fields[lcust!]!;
    const seen = firstLoanOf.get(c);
    if (seen === undefined || d < seen) firstLoanOf.set(c, d);
    put(folderOf(d), 'loans.csv', r.raw);
  }
  for await (const { header, row: r } of csvRows(join(book, 'customers.csv')))
    put(folderOf(firstLoanOf.get(r.fields[column(header, 'customer_id')]!) ?? o.from), 'customers.csv', r.raw);
  for await (const { header, row: r } of csvRows(join(book, 'schedule.csv')))
    put(folderOf(origination.get(r.fields[column(header, 'loan_id')]!) ?? o.from), 'schedule.csv', r.raw);

  let late = 0;
  let corrected = 0;
  for (const entity of ['payments', 'collection_actions', 'loan_events'] as const) {
    for await (const { header, row: r } of csvRows(join(book, `${entity}.csv`))) {
      const di = column(header, dated[entity]);
      const d = r.fields[di]!;
      if (entity === 'payments' && d > o.from && addDays(d, 2) <= last && rng.next() < (o.lateShare ?? 0.02)) {
        put(dayDir(addDays(d, 2)), 'payments-late.csv', r.raw);
        late++;
        continue;
      }
      put(folderOf(d), `${entity}.csv`, r.raw);
      if (entity === 'collection_actions' && d > o.from && d < last && rng.next() < (o.correctionShare ?? 0.02)) {
        // the agent corrects the outcome the next day: the same action (id, date, time), contacted
        // without a promise — or, where it was that, no contact after all (a correction changes the row)
        const c = [...r.fields];
        const outcome = column(header, 'outcome');
        c[outcome] = c[outcome] === 'contacted' ? 'no_contact' : 'contacted';
        c[column(header, 'promised_amount')] = '';
        c[column(header, 'promised_date')] = '';
        const into = correctionsDir(addDays(d, 1));
        mkdirSync(into, { recursive: true });
        put(into, 'collection_actions.csv', c.map(csvField).join(','));
        corrected++;
      }
    }
  }

  const rowsOf = files.close();
  rmSync(book, { recursive: true, force: true });
  return {
    base,
    days: days.map((date) => {
      const corrections = correctionsDir(date);
      const day = { date, dir: dayDir(date), rows: rowsOf(dayDir(date)) };
      return Object.keys(rowsOf(corrections)).length ? { ...day, corrections } : day;
    }),
    late_payments: late,
    corrected_actions: corrected,
  };
}
