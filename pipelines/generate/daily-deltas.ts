import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, type CsvRecord } from '../../lib/csv-records.ts';
import { Rng } from '../../lib/random.ts';
import { generateBook } from './generate-book.ts';

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
  /** share of a day's actions corrected the next day under a new key (default 0.02) */
  correctionShare?: number;
}

export interface DailyDeltasManifest {
  base: string;
  days: { date: string; dir: string; rows: Record<string, number> }[];
  late_payments: number;
  corrected_actions: number;
}

/** A day after `date`. */
export const addDays = (date: string, k: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10);

/** The file of each entity the generator writes, and the column that dates a row (customers: by their loans). */
const dated = {
  loans: 'origination_date',
  payments: 'paid_date',
  collection_actions: 'action_date',
  loan_events: 'event_date',
} as const;

async function readCsv(path: string): Promise<{ header: string[]; rows: CsvRecord[] }> {
  const rows: CsvRecord[] = [];
  for await (const r of csvRecords(createReadStream(path, 'utf8'))) rows.push(r);
  const [head, ...rest] = rows;
  return { header: head?.fields ?? [], rows: rest.filter((r) => r.raw.trim() !== '') };
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
 * day's folder, dated their own day), and some actions are corrected the next day by a new row under
 * a new key (`collection_actions-corrections.csv`): ingesting the base and each day in turn loads
 * the whole book plus the corrections.
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
  const days = Array.from({ length: o.days }, (_, k) => addDays(o.from, k + 1));
  // the generator fills the last month whole: what is dated after the last day is not known yet
  const folderOf = (date: string) => (date <= o.from ? base : date <= last ? dayDir(date) : null);
  /** folder → file name → lines */
  const out = new Map<string, Map<string, string[]>>();
  const headers = new Map<string, string>();
  const put = (folder: string | null, file: string, raw: string) => {
    if (folder === null) return;
    const files = out.get(folder) ?? new Map<string, string[]>();
    out.set(folder, files);
    const lines = files.get(file) ?? [];
    files.set(file, lines);
    lines.push(raw);
  };

  const loans = await readCsv(join(book, 'loans.csv'));
  headers.set('loans', loans.header.join(','));
  const origination = new Map<string, string>();
  const firstLoanOf = new Map<string, string>();
  const [lid, lcust, lorig] = ['loan_id', 'customer_id', 'origination_date'].map((c) => column(loans.header, c));
  for (const r of loans.rows) {
    const d = r.fields[lorig!]!;
    origination.set(r.fields[lid!]!, d);
    const c = r.fields[lcust!]!;
    const seen = firstLoanOf.get(c);
    if (seen === undefined || d < seen) firstLoanOf.set(c, d);
    put(folderOf(d), 'loans.csv', r.raw);
  }
  const customers = await readCsv(join(book, 'customers.csv'));
  headers.set('customers', customers.header.join(','));
  const cid = column(customers.header, 'customer_id');
  for (const r of customers.rows) put(folderOf(firstLoanOf.get(r.fields[cid]!) ?? o.from), 'customers.csv', r.raw);
  const schedule = await readCsv(join(book, 'schedule.csv'));
  headers.set('schedule', schedule.header.join(','));
  const sid = column(schedule.header, 'loan_id');
  for (const r of schedule.rows) put(folderOf(origination.get(r.fields[sid]!) ?? o.from), 'schedule.csv', r.raw);

  let late = 0;
  let corrected = 0;
  for (const entity of ['payments', 'collection_actions', 'loan_events'] as const) {
    const f = await readCsv(join(book, `${entity}.csv`));
    headers.set(entity, f.header.join(','));
    const di = column(f.header, dated[entity]);
    for (const r of f.rows) {
      const d = r.fields[di]!;
      if (entity === 'payments' && d > o.from && addDays(d, 2) <= last && rng.next() < (o.lateShare ?? 0.02)) {
        put(dayDir(addDays(d, 2)), 'payments-late.csv', r.raw);
        late++;
        continue;
      }
      put(folderOf(d), `${entity}.csv`, r.raw);
      if (entity === 'collection_actions' && d > o.from && d < last && rng.next() < (o.correctionShare ?? 0.02)) {
        // the agent corrects the outcome the next day: a new action id, the same contact, contacted without a promise
        const c = [...r.fields];
        c[column(f.header, 'action_id')] = `${c[column(f.header, 'action_id')]!}-C1`;
        c[column(f.header, 'outcome')] = 'contacted';
        c[column(f.header, 'promised_amount')] = '';
        c[column(f.header, 'promised_date')] = '';
        put(dayDir(addDays(d, 1)), 'collection_actions-corrections.csv', c.map(csvField).join(','));
        corrected++;
      }
    }
  }

  mkdirSync(base, { recursive: true });
  for (const d of days) mkdirSync(dayDir(d), { recursive: true });
  for (const [folder, files] of out) {
    for (const [file, lines] of files) {
      const entity = file.replace(/(-late|-corrections)?\.csv$/, '');
      writeFileSync(join(folder, file), `${headers.get(entity) ?? ''}\n${lines.join('\n')}\n`);
    }
  }
  rmSync(book, { recursive: true, force: true });
  const rowsOf = (folder: string) =>
    Object.fromEntries([...(out.get(folder) ?? new Map<string, string[]>())].map(([f, l]) => [f, l.length]));
  return {
    base,
    days: days.map((date) => ({ date, dir: dayDir(date), rows: rowsOf(dayDir(date)) })),
    late_payments: late,
    corrected_actions: corrected,
  };
}
