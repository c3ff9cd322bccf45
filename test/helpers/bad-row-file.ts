import { createWriteStream } from 'node:fs';

/**
 * Seeded payments CSV files with bad rows of every kind at chosen and random places, and what the
 * quarantine must hold for each: its first physical line, its text as written (no line ending) and
 * its reason; blank lines (no records: skipped, not quarantined) are counted apart. Lines are counted here, independently of both loaders.
 */

/** mulberry32: small, seeded, good enough to place rows */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const badKinds = [
  'bad_number',
  'negative',
  'decimals',
  'bad_date',
  'missing_key',
  'unknown_loan',
  'duplicate',
  'short',
  'extra',
  'blank',
  'multiline_bad',
] as const;
export type BadKind = (typeof badKinds)[number];

export interface ExpectedBad {
  kind: BadKind;
  line: number;
  raw: string;
  reason: RegExp;
}

export interface BadFileOptions {
  path: string;
  seed: number;
  /** data records to write (bad ones included) */
  records: number;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  /** valid records with a quoted line break in `channel`, now and then */
  multiline: boolean;
  /** chance that a record is bad, besides the fixed places */
  badRate: number;
  /** byte offsets after which the next record is bad (e.g. past 3 MB, past 64 MB) */
  badAfterBytes?: number[];
  /** restrict the kinds (e.g. none spanning lines) */
  kinds?: readonly BadKind[];
  /** prefix of the payment ids, so that several files load side by side */
  idPrefix?: string;
}

export const badFileLoans = 50;
export const paymentsHeader = 'payment_id,loan_id,paid_date,amount,channel';

/** loans.csv with the loans the payments files reference (L0 … L49) */
export function loansCsv(): string {
  const rows = ['loan_id,customer_id,product,origination_date,principal,annual_rate,term_months'];
  for (let k = 0; k < badFileLoans; k++) rows.push(`L${k},C${k},consumer,2023-01-01,1000.00,0.05,12`);
  return `${rows.join('\n')}\n`;
}

export async function writeBadFile(
  o: BadFileOptions,
): Promise<{ expected: ExpectedBad[]; bytes: number; lines: number; blanks: number }> {
  const rnd = seeded(o.seed);
  const kinds = o.kinds ?? badKinds;
  const out = createWriteStream(o.path);
  const expected: ExpectedBad[] = [];
  let blanks = 0;
  let buf: string[] = [];
  let bytes = 0;
  let line = 2; // line 1 is the header
  const thresholds = [...(o.badAfterBytes ?? [])].sort((a, b) => a - b);
  /** valid, single-key records that a duplicate may repeat: [id, line] */
  const validIds: [string, number][] = [];
  const emit = (text: string, last: boolean) => {
    const chunk = last && !o.finalNewline ? text : text + o.eol;
    buf.push(chunk);
    bytes += Buffer.byteLength(chunk);
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  emit(paymentsHeader, false);
  for (let i = 1; i <= o.records; i++) {
    const last = i === o.records;
    const id = `${o.idPrefix ?? ''}P${i}`;
    const loan = `L${i % badFileLoans}`;
    const amount = `${(i % 900) + 1}.${String(i % 100).padStart(2, '0')}`;
    let bad = i === 1 || last || rnd() < o.badRate;
    while (thresholds.length && bytes > thresholds[0]!) {
      thresholds.shift();
      bad = true;
    }
    let kind: BadKind | null = bad ? pick(kinds) : null;
    // a blank last line without a line ending is no line at all; a duplicate needs an earlier row
    // (nor is the first record blank: it is the bad row the quarantine's first line is checked on)
    if (kind === 'blank' && ((last && !o.finalNewline) || i === 1)) kind = 'bad_number';
    if (kind === 'duplicate' && validIds.length === 0) kind = 'bad_number';
    let text: string;
    let reason = /./;
    switch (kind) {
      case null:
        if (o.multiline && rnd() < 0.01)
          text = `${id},${loan},2024-01-15,${amount},"bank${o.eol}transfer, ""express"""`;
        else text = `${id},${loan},2024-01-15,${amount},app`;
        break;
      case 'bad_number':
        text = `${id},${loan},2024-01-15,abc,app`;
        reason = /^amount: not a decimal number$/;
        break;
      case 'negative':
        text = `${id},${loan},2024-01-15,-5.00,app`;
        reason = /^amount: negative amount$/;
        break;
      case 'decimals':
        text = `${id},${loan},2024-01-15,1.234,app`;
        reason = /^amount: more than 2 decimal places$/;
        break;
      case 'bad_date':
        text = `${id},${loan},2024-02-30,${amount},app`;
        reason = /^paid_date: not a valid date/;
        break;
      case 'missing_key':
        text = `,${loan},2024-01-15,${amount},app`;
        reason = /^payment_id: missing$/;
        break;
      case 'unknown_loan':
        text = `${id},NOPE${i},2024-01-15,${amount},app`;
        reason = /^loan_id: no such loan/;
        break;
      case 'duplicate': {
        const k = Math.floor(rnd() * validIds.length);
        const [dupId, firstLine] = validIds[k]!;
        validIds.splice(k, 1); // repeated once only: the first line stays the one named
        text = `${dupId},${loan},2024-01-15,0.01,app`;
        reason = new RegExp(`^duplicate key with different content \\(first seen on line ${firstLine}\\)$`);
        break;
      }
      case 'short':
        text = `${id},${loan}`;
        reason = /^row has fewer fields than the header \(2 of \d+\)(;|$)/;
        break;
      case 'extra':
        text = `${id},${loan},2024-01-15,${amount},app,surplus`;
        reason = /^row has more fields than the header$/;
        break;
      case 'blank':
        text = '';
        reason = /^blank line$/;
        break;
      case 'multiline_bad':
        text = `${id},${loan},2024-01-15,abc,"two${o.eol}lines"`;
        reason = /^amount: not a decimal number$/;
        break;
    }
    // a blank line is no record: skipped by ingest, neither read nor quarantined
    if (kind === 'blank') blanks++;
    else if (kind) expected.push({ kind, line, raw: text, reason });
    else if (!text.includes('"')) validIds.push([id, line]);
    emit(text, last);
    line += text.split(o.eol).length;
    if (buf.length >= 10_000) {
      out.write(buf.join(''));
      buf = [];
    }
  }
  out.write(buf.join(''));
  await new Promise<void>((res, rej) => {
    out.end((e?: Error | null) => {
      if (e) rej(e);
      else res();
    });
  });
  return { expected, bytes, lines: line - 1, blanks };
}

/** A payments JSONL file with bad lines of every JSON kind; the expected quarantine as for CSV. */
export async function writeBadJsonl(
  o: Omit<BadFileOptions, 'multiline' | 'kinds'>,
): Promise<{ expected: ExpectedBad[]; bytes: number; blanks: number }> {
  const rnd = seeded(o.seed);
  const out = createWriteStream(o.path);
  const expected: ExpectedBad[] = [];
  let blanks = 0;
  const thresholds = [...(o.badAfterBytes ?? [])].sort((a, b) => a - b);
  let buf: string[] = [];
  let bytes = 0;
  const kinds = [
    'bad_number',
    'negative',
    'missing_key',
    'unknown_loan',
    'malformed',
    'not_object',
    'blank',
    'key_twice',
    'object_value',
    'array_value',
    'boolean_id',
  ] as const;
  for (let i = 1; i <= o.records; i++) {
    const last = i === o.records;
    const row = {
      payment_id: `${o.idPrefix ?? ''}P${i}`,
      loan_id: `L${i % badFileLoans}`,
      paid_date: '2024-01-15',
      amount: `${(i % 900) + 1}.50`,
    };
    let bad = i === 1 || last || rnd() < o.badRate;
    while (thresholds.length && bytes > thresholds[0]!) {
      thresholds.shift();
      bad = true;
    }
    let kind: (typeof kinds)[number] | null = bad ? kinds[Math.floor(rnd() * kinds.length)]! : null;
    if (kind === 'blank' && ((last && !o.finalNewline) || i === 1)) kind = 'malformed';
    let text: string;
    let reason = /./;
    switch (kind) {
      case null:
        text = JSON.stringify(row);
        break;
      case 'bad_number':
        text = JSON.stringify({ ...row, amount: 'abc' });
        reason = /^amount: not a decimal number$/;
        break;
      case 'negative':
        text = JSON.stringify({ ...row, amount: -5 });
        reason = /^amount: negative amount$/;
        break;
      case 'missing_key':
        text = JSON.stringify({ ...row, payment_id: undefined });
        reason = /^payment_id: missing$/;
        break;
      case 'unknown_loan':
        text = JSON.stringify({ ...row, loan_id: `NOPE${i}` });
        reason = /^loan_id: no such loan/;
        break;
      case 'malformed':
        text = `{"payment_id": "${row.payment_id}", "amount": `;
        reason = /^malformed JSON line/;
        break;
      case 'not_object':
        text = `["${row.payment_id}", 1]`;
        reason = /^not a JSON object \(the line is an array\)$/;
        break;
      case 'object_value':
        text = JSON.stringify({ ...row, amount: { value: row.amount } });
        reason = /^amount: a JSON object, not a value$/;
        break;
      case 'array_value':
        text = JSON.stringify({ ...row, loan_id: [row.loan_id] });
        reason = /^loan_id: a JSON array, not a value$/;
        break;
      case 'boolean_id':
        // a boolean was loaded as the id 'true'
        text = JSON.stringify({ ...row, payment_id: true });
        reason = /^payment_id: a JSON boolean \(true\), not a value$/;
        break;
      case 'blank':
        text = '';
        reason = /^blank line$/;
        break;
      case 'key_twice':
        // valid JSON to a lenient reader (one keeps the first loan_id, another the last)
        text = JSON.stringify(row).replace('"paid_date"', `"loan_id":"L${(i + 1) % badFileLoans}","paid_date"`);
        reason = /^JSON line names "loan_id" twice$/;
        break;
    }
    if (kind === 'blank') blanks++;
    else if (kind) expected.push({ kind: kind as BadKind, line: i, raw: text, reason });
    const chunk = last && !o.finalNewline ? text : text + o.eol;
    buf.push(chunk);
    bytes += Buffer.byteLength(chunk);
    if (buf.length >= 10_000) {
      out.write(buf.join(''));
      buf = [];
    }
  }
  out.write(buf.join(''));
  await new Promise<void>((res, rej) => {
    out.end((e?: Error | null) => {
      if (e) rej(e);
      else res();
    });
  });
  return { expected, bytes, blanks };
}
