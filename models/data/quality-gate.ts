import { Rng } from '../../lib/random.ts';
import { UserError } from '../../lib/user-error.ts';
import { assignBins, binColumn, type BinningOptions } from '../scorecard/binning.ts';
import { defaultMissingMarkers, markerCounts, sortedPresent, subset, type Column, type Dataset } from './dataset.ts';
import { dateColumn } from './date-like.ts';
import { formatNote, writtenForm } from './number-format.ts';
import { codedIntegerLevelsOf, protectedAttribute, type ReviewFlag } from './review-flags.ts';

/**
 * The data-quality gate run before any training (a CSV table or the warehouse's features): one
 * decision per column, taken on the training part only, with its reason. Identifiers, free text,
 * personal names, constant and near-constant columns and categoricals with too many levels are
 * dropped, and so are contact data (e-mail addresses, phone numbers) and integer codes of one
 * fixed width of six or more digits that are near-unique (accounts, cards, phones), and dates
 * (a column mostly written as days or months: a new month scores as a category never seen); sentinel codes (values far outside the body of the distribution that repeat, such as
 * 96/98 in a count) become special values; a column that alone separates the outcome, or that has a
 * known post-outcome name, is refused unless allowed (or dropped with `dropLeaky`). Near-unique
 * integers no rule dropped are kept and flagged for review (an identifier or an amount to the unit). No reason ever
 * quotes a value of an identifier-like, free-text or name column: the report goes into model cards.
 */
export interface GateOptions {
  /** a categorical column with more levels than this is dropped (too many to bin reliably) */
  maxCategories: number;
  /** distinct values / non-missing cells at or above this share make a column near-unique */
  uniqueShare: number;
  /** a column whose commonest value (missing counted as one value) holds at least this share of rows is near-constant */
  nearConstantShare: number;
  /** a column that alone reaches an AUC above this on the training part leaks the outcome */
  leakAuc: number;
  /** names known to be recorded after the outcome (`*` matches any run of characters; case-insensitive) */
  postOutcomeNames: string[];
  /** leaky columns kept on purpose (`--allow-leaky COL`) */
  allowLeaky: string[];
  /** drop leaky columns instead of refusing to train (`--drop-leaky`) */
  dropLeaky: boolean;
  /** a sentinel code repeats at least this many times (and stands past a gap wider than the body of the values) */
  sentinelMinCount: number;
  /** the leakage check bins at most this many training rows (a seeded sample beyond) */
  leakSampleRows: number;
  seed: number;
  /** the missing markers the table was read with (stated in the report) */
  missingMarkers: readonly string[];
  /** drop columns named for a protected attribute (sex, marital status, age, …) instead of flagging them (`--drop-protected`) */
  dropProtected: boolean;
  /** special values the modeler declared per column (`--special`, `--special-for`): binned apart, so no review calls them levels */
  declaredSpecials: Record<string, readonly number[]>;
  /**
   * whether the command takes --drop and --categorical (train --table). The book's features are its
   * feature catalogue's, which book training reads as declared: advice to give them there was
   * refused by the command that printed it, so the book's lines advise neither
   */
  tableFlags: boolean;
}

/** Recorded after the outcome in loan-performance extracts (Lending Club's names among them). */
export const postOutcomeNames: readonly string[] = [
  'recoveries',
  'collection_recovery_fee',
  'total_rec_*',
  'total_pymnt*',
  'last_pymnt_*',
  'next_pymnt_d',
  'out_prncp*',
  '*chargeoff*',
  '*charge_off*',
  '*charged_off*',
  '*settlement*',
  'hardship_*',
  'last_fico_range_*',
  'last_credit_pull_d',
  'loan_status',
];

/**
 * A credit report's count of earlier events in a window before the application (Lending Club's
 * `chargeoff_within_12_mths`, `acc_now_delinq`-like `*_within_*_mths`): known at application, not
 * after the outcome, though the name holds "chargeoff".
 */
const bureauWindowCount = /_within_\d+_(mths|months)$/iu;

export const defaultGate: GateOptions = {
  maxCategories: 50,
  uniqueShare: 0.95,
  nearConstantShare: 0.995,
  leakAuc: 0.95,
  postOutcomeNames: [...postOutcomeNames],
  allowLeaky: [],
  dropLeaky: false,
  sentinelMinCount: 3,
  leakSampleRows: 200_000,
  seed: 1,
  missingMarkers: defaultMissingMarkers,
  dropProtected: false,
  declaredSpecials: {},
  tableFlags: true,
};

export type GateRule =
  | 'ok'
  | 'missing-markers'
  | 'number-format'
  | 'sentinel'
  | 'constant'
  | 'near-constant'
  | 'identifier'
  | 'personal-names'
  | 'contact-data'
  | 'date'
  | 'free-text'
  | 'high-cardinality'
  | 'leaky'
  | 'protected';

/** keep: as loaded; numeric: numeric apart from missing markers, or written as `1,169` / `12%`; special: sentinel codes binned apart; refuse: leaky. */
export type GateAction = 'keep' | 'numeric' | 'special' | 'drop' | 'keep-leaky' | 'refuse';

export interface GateDecision {
  column: string;
  kind: 'numeric' | 'categorical';
  action: GateAction;
  rule: GateRule;
  /** why, in words; never a raw value of an identifier-like, name or free-text column */
  reason: string;
  /** sentinel codes proposed (and used) as special values */
  specialValues?: number[];
  /** the column's AUC alone on the training part (columns that reach the leakage check) */
  auc?: number;
}

export interface GateReport {
  /** training rows the decisions were taken on */
  rows: number;
  settings: {
    maxCategories: number;
    uniqueShare: number;
    nearConstantShare: number;
    leakAuc: number;
    missingMarkers: string[];
    allowLeaky: string[];
    dropLeaky: boolean;
    /** absent in reports before 2026-12-06 */
    dropProtected?: boolean;
    /** false for the book (GateOptions.tableFlags); absent before 2026-12-07: a table's */
    tableFlags?: boolean;
  };
  decisions: GateDecision[];
  /** protected attributes and integer columns that may be codes, for a modeler to review; absent before 2026-12-06 */
  review?: ReviewFlag[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** With fewer non-missing values almost any amount is unique: no integer column is called an identifier for being near-unique alone. */
const idMinRows = 100;

/**
 * The share of distinct values of an integer column with at least `idMinRows` non-missing values,
 * when it is near-unique (≥ `uniqueShare`), or null: an identifier kept because nothing else gave it
 * away (no sequence, no identifier name, widths that vary), or a measurement recorded to the unit.
 * From the column's counts as the structural rules took them (no second sort of its values).
 */
function nearUniqueIntegers(col: Column, c: Counts, uniqueShare: number): { share: number; present: number } | null {
  if (col.kind !== 'numeric' || c.present < idMinRows) return null;
  const share = c.distinct / c.present;
  if (share < uniqueShare || !col.values.every((v) => Number.isNaN(v) || Number.isInteger(v))) return null;
  return { share, present: c.present };
}
const isKept = (d: GateDecision) => d.action !== 'drop' && d.action !== 'refuse';

/** A name pattern (`*` any run) as a case-insensitive regular expression. */
const globRe = (p: string) =>
  new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/gu, '\\$&')).join('.*')}$`, 'iu');

/** Words of a column name (snake, kebab, dotted and camel case). */
const nameTokens = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/gu, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/u)
    .filter(Boolean);
const idTokens = new Set(['id', 'ids', 'uuid', 'guid', 'key', 'no', 'nr', 'num', 'number', 'ref', 'url']);
const looksLikeIdName = (name: string) => nameTokens(name).some((t) => idTokens.has(t));

const personName = /^\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){1,3}$/u;

/**
 * Contact data (personal: a model card must not carry it, and an address or a number says nothing
 * about risk that a model should learn): e-mail addresses, and phone numbers written as text
 * (`+86 138-1234-5678`, `(555) 123-4567`: 7 to 15 digits with separators) or as an integer of a
 * mobile's shape (11 digits from 13… to 19…, China's). A number of 7 to 15 digits in a column
 * named for a phone (`phone`, `mobile`, `tel`, `cell`, `fax`) is one too.
 */
const email = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/u;
const phoneText = /^\+?[\d\s().-]+$/u;
const phoneDigits = (v: string) => v.replace(/\D/gu, '').length;
const looksLikePhoneText = (v: string) => {
  const t = v.trim();
  const digits = phoneDigits(t);
  return phoneText.test(t) && /[\s().+-]/u.test(t) && digits >= 7 && digits <= 15;
};
const phoneTokens = new Set(['phone', 'mobile', 'tel', 'telephone', 'cell', 'cellphone', 'fax', 'msisdn']);
const looksLikePhoneName = (name: string) => nameTokens(name).some((t) => phoneTokens.has(t));
const digitWidth = (v: number) => String(Math.abs(v)).length;
const chineseMobile = (v: number) => Number.isInteger(v) && v >= 13_000_000_000 && v < 20_000_000_000;

interface Counts {
  /** non-missing cells */
  present: number;
  distinct: number;
  /** count of the commonest non-missing value */
  top: number;
}

function counts(col: Column, sorted: Float64Array | null): Counts {
  if (col.kind === 'categorical') {
    const per = new Int32Array(col.levels.length);
    let present = 0;
    for (const c of col.codes)
      if (c >= 0) {
        per[c]!++;
        present++;
      }
    let distinct = 0;
    let top = 0;
    for (const k of per) {
      if (k > 0) distinct++;
      if (k > top) top = k;
    }
    return { present, distinct, top };
  }
  // runs of equal values in the sorted present values (a Map of a million values took ~90 ms a column)
  const xs = sorted ?? sortedPresent(col.values);
  let distinct = 0;
  let top = 0;
  for (let i = 0; i < xs.length; ) {
    let j = i + 1;
    while (j < xs.length && xs[j] === xs[i]) j++;
    distinct++;
    top = Math.max(top, j - i);
    i = j;
  }
  return { present: xs.length, distinct, top };
}

const quantile = (sorted: Float64Array, q: number) => {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
};

/**
 * Sentinel codes of a numeric column, at either end: the most extreme distinct values, each an
 * integer that repeats (≥ minCount), standing past a gap wider than the body they sit beyond (from
 * the nearest other value to the far quartile), with at least five distinct values in that body.
 * 96 and 98 above counts of 0…17 are codes; the far end of a long tail is not (its largest values are
 * unique, or close to the next), and neither is the top of a short scale (1…4, or 0/5).
 */
export function sentinelValues(values: Float64Array, minCount: number, sorted = sortedPresent(values)): number[] {
  const xs = sorted;
  if (xs.length < 20) return [];
  const q1 = quantile(xs, 0.25);
  const q3 = quantile(xs, 0.75);
  let distinct = 0;
  for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i] !== xs[i - 1]) distinct++;
  // the distinct values from one end inwards, with their counts: walked only as far as a tail needs
  const run = (from: number, step: 1 | -1) => {
    let j = from;
    while (j + step >= 0 && j + step < xs.length && xs[j + step] === xs[from]) j += step;
    return { v: xs[from]!, n: Math.abs(j - from) + 1, next: j + step };
  };
  const tail = (start: number, step: 1 | -1, near: number, far: number): number[] => {
    // the run of repeated integers at this end, outside the quartiles; the codes are the run down to its last wide gap
    const seen: number[] = [];
    let codes = 0;
    let d = run(start, step);
    for (let j = 0; j + 1 < distinct; j++) {
      if (!Number.isInteger(d.v) || d.n < minCount || Math.abs(d.v - far) < Math.abs(near - far)) break;
      const after = run(d.next, step);
      const gap = Math.abs(d.v - after.v);
      const body = Math.max(Math.abs(after.v - far), 1);
      seen.push(d.v);
      if (gap > body && distinct - (j + 1) >= 5) codes = j + 1;
      d = after;
    }
    return seen.slice(0, codes);
  };
  return [...tail(xs.length - 1, -1, q3, q1), ...tail(0, 1, q1, q3)].sort((a, b) => a - b);
}

/** Most cells parse as numbers (`1,169` and `12%` among them) apart from a few other tokens: how many, and how many distinct tokens. */
function numericApartFrom(col: Column & { kind: 'categorical' }, present: number): { cells: number; tokens: string[] } | null {
  const per = new Int32Array(col.levels.length);
  for (const c of col.codes) if (c >= 0) per[c]!++;
  const tokens: string[] = [];
  let cells = 0;
  col.levels.forEach((l, k) => {
    if (per[k]! > 0 && !Number.isFinite(Number(l)) && !writtenForm(l)) {
      tokens.push(l);
      cells += per[k]!;
    }
  });
  return tokens.length > 0 && tokens.length <= 3 && cells <= 0.05 * present ? { cells, tokens } : null;
}

/** The structural rules (no outcome needed): constant, identifiers, text, cardinality, markers, sentinels. */
function structural(col: Column, n: number, o: GateOptions, sorted: Float64Array | null, c: Counts): GateDecision {
  const d = (action: GateAction, rule: GateRule, reason: string): GateDecision => ({
    column: col.name,
    kind: col.kind,
    action,
    rule,
    reason,
  });
  const missing = n - c.present;
  if (c.distinct === 0) return d('drop', 'constant', 'constant: every value is missing');
  if (c.distinct === 1 && missing === 0) return d('drop', 'constant', 'constant: one value in every row');
  const dominant = Math.max(c.top, missing) / n;
  if (dominant >= o.nearConstantShare)
    return d(
      'drop',
      'near-constant',
      `near-constant: ${c.top >= missing ? 'one value' : 'missing'} in ${pct(dominant)} of rows (≥ ${pct(o.nearConstantShare)})`,
    );
  // a date before the text and number rules: a day looks like a phone number (2023-01-15) or an
  // identifier, a month like a category, and what a date says is only as an age or a duration
  const dates = datesIn(col, sorted);
  if (dates)
    return d(
      'drop',
      'date',
      `a date: dates are not features (derive an age or a duration, e.g. months since …); ${pct(dates.share)} of the non-missing values read as ${dates.form} (values not listed)`,
    );
  const unique = c.distinct / c.present;
  const nearUnique = c.present >= 20 && unique >= o.uniqueShare;
  if (col.kind === 'categorical') {
    const used = new Uint8Array(col.levels.length);
    for (const k of col.codes) if (k >= 0) used[k] = 1;
    const levels = col.levels.filter((_, k) => used[k]);
    const words = levels.filter((l) => l.trim().split(/\s+/u).length >= 4).length / levels.length;
    const meanLength = levels.reduce((s, l) => s + l.length, 0) / levels.length;
    const spaced = levels.filter((l) => /\S\s+\S/u.test(l)).length / levels.length;
    const names = levels.filter((l) => personName.test(l.trim())).length / levels.length;
    const spread = `${c.distinct} distinct values in ${c.present} non-missing rows`;
    // contact data before anything else: whatever its count of levels, no level may reach a card
    const mails = levels.filter((l) => email.test(l.trim())).length / levels.length;
    const phones = levels.filter(looksLikePhoneText).length / levels.length;
    if (mails >= 0.8 || phones >= 0.8)
      return d(
        'drop',
        'contact-data',
        `personal contact data: ${pct(Math.max(mails, phones))} of its distinct values look like ${mails >= phones ? 'e-mail addresses' : 'phone numbers'} (${spread}; values not listed)`,
      );
    // numbers apart from a token or two the marker list lacks ("unknown", "n/a"): a numeric column
    // read as text, which would be near-unique or have too many levels; dropped, with the fix
    const almost = numericApartFrom(col, c.present);
    if (almost) {
      // the flag replaces the list: the command shown keeps the markers in use, quoted for a shell
      const markers = [...new Set([...o.missingMarkers.filter((m) => m !== '' && m !== '\\N'), ...almost.tokens])];
      const fix = `numeric apart from ${almost.tokens.map((t) => `"${t}"`).join(', ')} in ${almost.cells} rows: add ${almost.tokens.length > 1 ? 'them' : 'it'} to --missing-markers to read it as a number (--missing-markers '${markers.join(',').replace(/'/gu, "'\\''")}')`;
      return c.distinct > o.maxCategories || nearUnique
        ? d('drop', 'missing-markers', `${fix} (read as text it has ${c.distinct} levels)`)
        : d('keep', 'missing-markers', `${fix} (kept as a categorical of ${c.distinct} levels)`);
    }
    if (c.present >= 20 && unique >= 0.5 && (words >= 0.5 || (meanLength >= 40 && spaced >= 0.5)))
      return d('drop', 'free-text', `free text (${spread}; values not listed)`);
    if (c.present >= 20 && unique >= 0.5 && names >= 0.8)
      return d('drop', 'personal-names', `personal names (${spread}; values not listed)`);
    if (nearUnique)
      return d(
        'drop',
        'identifier',
        `identifier-like text: ${pct(unique)} of non-missing values unique (${spread}; values not listed)`,
      );
    if (c.distinct > o.maxCategories)
      return d(
        'drop',
        'high-cardinality',
        `high-cardinality categorical: ${c.distinct} levels > --max-categories ${o.maxCategories} (levels not listed)`,
      );
    return d('keep', 'ok', '');
  }
  const integers = col.values.every((v) => Number.isNaN(v) || Number.isInteger(v));
  const contact = integers ? phoneNumbers(col, c.present) : null;
  if (contact) return d('drop', 'contact-data', `personal contact data: ${contact} (values not listed)`);
  const width = integers && sorted ? fixedWidth(sorted) : 0;
  // amounts, incomes and balances span digit widths (German credit_amount 250…18,424): a near-unique
  // column all of one width of six digits or more is a code, such as a random 8-digit account number
  const oneWidthCode = width >= 9 ? unique >= 0.9 : width >= 6 && c.present >= idMinRows && unique >= o.uniqueShare;
  if (oneWidthCode)
    return d(
      'drop',
      'identifier',
      `identifier-like code: every value an integer of ${width} digits, ${pct(unique)} of non-missing values unique (an account, card, customer or phone number; values not listed)`,
    );
  if (integers && nearUnique) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of col.values)
      if (!Number.isNaN(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    const dense = hi - lo + 1 <= 2 * c.distinct;
    if (dense || looksLikeIdName(col.name))
      return d(
        'drop',
        'identifier',
        `identifier-like ${dense ? 'integer sequence' : 'integer with an identifier name'}: ${pct(unique)} of non-missing values unique (values not listed)`,
      );
  }
  const markers = Object.entries(markerCounts(col)).filter(([m]) => m !== '');
  const markerNote = markers.length
    ? `numeric apart from missing markers ${markers.map(([m, k]) => `"${m}" ×${k}`).join(', ')} (read as missing)`
    : '';
  // how the cells were written when not as plain numbers (number-format.ts), before the markers
  const notes = [col.format ? formatNote[col.format] : '', markerNote].filter(Boolean).join('; ');
  const codes = sentinelValues(col.values, o.sentinelMinCount, sorted ?? undefined);
  if (codes.length) {
    const times = codes.map((v) => {
      let k = 0;
      for (const x of col.values) if (x === v) k++;
      return `${v} ×${k}`;
    });
    return {
      ...d(
        'special',
        'sentinel',
        `${notes ? `${notes}; ` : ''}sentinel codes ${times.join(', ')} far outside the body of the values: binned as special values`,
      ),
      specialValues: codes,
    };
  }
  if (notes) return d('numeric', col.format ? 'number-format' : 'missing-markers', notes);
  return d('keep', 'ok', '');
}

/**
 * A column mostly written as dates or months (date-like.ts): the share of its non-missing cells that
 * are and their commonest form, or null. A numeric column only in compact digits (20230115, 202301):
 * integers of one width, 8 or 6, so amounts, whose widths vary, are never taken for dates.
 */
function datesIn(col: Column, sorted: Float64Array | null): { share: number; form: string } | null {
  if (col.kind === 'categorical') {
    const per = new Int32Array(col.levels.length);
    for (const k of col.codes) if (k >= 0) per[k]!++;
    return dateColumn(col.levels.flatMap((l, k) => (per[k]! > 0 ? [[l, per[k]!] as const] : [])));
  }
  if (!sorted?.length || !sorted.every(Number.isInteger)) return null;
  const width = fixedWidth(sorted);
  if (width !== 6 && width !== 8) return null;
  const runs: [string, number][] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    runs.push([String(sorted[i]), j - i]);
    i = j;
  }
  return dateColumn(runs);
}

/**
 * Why an integer column holds phone numbers, or null: most present values are 11-digit mobiles
 * (13… to 19…), or the name says phone and most values have 7 to 15 digits.
 */
function phoneNumbers(col: Column & { kind: 'numeric' }, present: number): string | null {
  if (present < 20) return null;
  let mobiles = 0;
  let phoneWide = 0;
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    if (chineseMobile(v)) mobiles++;
    const w = digitWidth(v);
    if (w >= 7 && w <= 15) phoneWide++;
  }
  if (mobiles >= 0.8 * present) return `${pct(mobiles / present)} of its values are 11-digit mobile numbers`;
  if (looksLikePhoneName(col.name) && phoneWide >= 0.8 * present)
    return `a phone column by its name, ${pct(phoneWide / present)} of its values numbers of 7 to 15 digits`;
  return null;
}

/** The digit count every present value shares (sorted ascending, integers), or 0 when they differ. */
function fixedWidth(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  // widths grow with |v|: the extremes and zero crossing decide; a negative code is not a width
  if (lo < 0) return 0;
  const w = digitWidth(lo);
  return digitWidth(hi) === w ? w : 0;
}

/** The column's AUC alone: its WoE on fine, non-monotonic bins (missing apart) against the label. */
function singleFeatureAuc(col: Column, label: Uint8Array, specials: number[]): number {
  const o: BinningOptions = {
    method: 'chimerge',
    maxBins: 10,
    minBinShare: 0.02,
    monotonic: false,
    specialValues: specials,
    fineBins: 50,
    chiThreshold: 3.841,
  };
  const vb = binColumn(col, label, o);
  const bins = assignBins(vb, col);
  const a = binnedAuc(
    bins,
    vb.bins.map((b) => b.woe),
    label,
  );
  return Number.isNaN(a) ? 0.5 : Math.max(a, 1 - a);
}

/**
 * The AUC of a score that takes one value per bin (each row scores its bin's value): from the bads
 * and goods per distinct value, pairs of a bad above a good plus half the tied pairs, with no sort
 * of the rows (the same figure as `auc` of the rows' scores, up to rounding). NaN with one outcome.
 */
export function binnedAuc(bins: Uint8Array, values: readonly number[], label: Uint8Array): number {
  const bad = new Float64Array(values.length);
  const good = new Float64Array(values.length);
  for (let i = 0; i < bins.length; i++) {
    if (label[i]) bad[bins[i]!]!++;
    else good[bins[i]!]!++;
  }
  // bins of equal value tie: grouped in ascending order of value
  const order = [...values.keys()].sort((x, y) => values[x]! - values[y]!);
  let goodsBelow = 0;
  let pairs = 0;
  let bads = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let b = 0;
    let g = 0;
    for (; j < order.length && values[order[j]!] === values[order[i]!]; j++) {
      b += bad[order[j]!]!;
      g += good[order[j]!]!;
    }
    pairs += b * (goodsBelow + g / 2);
    goodsBelow += g;
    bads += b;
    i = j;
  }
  return bads === 0 || goodsBelow === 0 ? Number.NaN : pairs / (bads * goodsBelow);
}

/**
 * Runs the gate on the training part: a decision per column, in the data set's order. Leaky columns
 * come back as `refuse` (see `refuseLeaky`) unless allowed or `dropLeaky` is set.
 */
export function qualityGate(train: Dataset, options: Partial<GateOptions> = {}): GateReport {
  const o = { ...defaultGate, ...options };
  const unknown = o.allowLeaky.filter((c) => !train.columns.some((x) => x.name === c));
  if (unknown.length)
    throw new UserError(
      `--allow-leaky ${unknown.join(', ')}: no such column (columns: ${train.columns.map((c) => c.name).join(', ')})`,
    );
  const post = o.postOutcomeNames.map(globRe);
  let sample = train;
  if (train.n > o.leakSampleRows) {
    const rng = new Rng(o.seed);
    const keep: number[] = [];
    for (let i = 0; i < train.n; i++) if (rng.next() < o.leakSampleRows / train.n) keep.push(i);
    sample = subset(train, keep);
  }
  // an AUC on a handful of rows says little: the AUC rule needs ten of each outcome (the names rule does not)
  let bads = 0;
  for (const y of sample.label) bads += y;
  const enough = bads >= 10 && sample.n - bads >= 10;
  // each column's counts, for the review flags after the decisions
  const columnCounts: Counts[] = [];
  const decisions = train.columns.map((col, j): GateDecision => {
    // a numeric column's present values sorted once: its counts and its sentinel codes read them
    const sorted = col.kind === 'numeric' ? sortedPresent(col.values) : null;
    columnCounts[j] = counts(col, sorted);
    const s = structural(col, train.n, o, sorted, columnCounts[j]);
    const named = post.some((re) => re.test(col.name)) && !bureauWindowCount.test(col.name);
    // a known post-outcome name is refused even when written as dates (last_pymnt_d): the table
    // holds the outcome, which a modeler must hear of rather than see one more date dropped
    if (!isKept(s) && !(named && s.rule === 'date')) return s;
    const a = singleFeatureAuc(sample.columns[j]!, sample.label, s.specialValues ?? []);
    if (!named && !(enough && a > o.leakAuc)) return { ...s, auc: a };
    const why = `${named ? 'a known post-outcome name' : 'alone'}${named ? `; alone it reaches AUC ${a.toFixed(4)}` : ` it reaches AUC ${a.toFixed(4)} > ${o.leakAuc}`} on the training part`;
    if (o.allowLeaky.includes(col.name))
      return { ...s, action: 'keep-leaky', rule: 'leaky', reason: `leaks the outcome (${why}): kept by --allow-leaky`, auc: a };
    return {
      column: col.name,
      kind: col.kind,
      action: o.dropLeaky ? 'drop' : 'refuse',
      rule: 'leaky',
      reason: `leaks the outcome (${why})${o.dropLeaky ? ': dropped by --drop-leaky' : ''}`,
      auc: a,
    };
  });
  const review: ReviewFlag[] = [];
  decisions.forEach((dec, j) => {
    if (!isKept(dec)) return;
    const col = train.columns[j]!;
    const attr = protectedAttribute(col.name);
    if (attr) {
      review.push({
        column: col.name,
        flag: 'protected',
        action: o.dropProtected ? 'dropped' : 'kept',
        reason: `protected attribute (${attr}, by its name): ${o.dropProtected ? 'dropped by --drop-protected' : 'kept — review for fair lending (--drop-protected drops it)'}`,
      });
      if (o.dropProtected)
        decisions[j] = { ...dec, action: 'drop', rule: 'protected', reason: `protected attribute (${attr}, by its name): dropped by --drop-protected` };
    }
    const specials = [...new Set([...(o.declaredSpecials[col.name] ?? []), ...(dec.specialValues ?? [])])].sort(
      (a, b) => a - b,
    );
    const near = decisions[j]!.action === 'drop' ? null : nearUniqueIntegers(col, columnCounts[j]!, o.uniqueShare);
    if (near)
      review.push({
        column: col.name,
        flag: 'near-unique-integer',
        action: 'kept',
        reason: `near-unique integers (${pct(near.share)} of ${near.present} non-missing values distinct)${o.tableFlags ? `: if it is an identifier (account or customer number), give --drop ${col.name}` : ''}`,
      });
    const levels = decisions[j]!.action === 'drop' ? null : codedIntegerLevelsOf(col, specials);
    const apart = specials.filter((v) => col.kind === 'numeric' && col.values.includes(v));
    if (levels)
      review.push({
        column: col.name,
        flag: 'coded-integer',
        action: 'kept',
        reason: `${levels.length} integer levels (${levels.join(', ')}${apart.length ? `; special values ${apart.join(', ')} binned apart` : ''}): binned as ranges, in their numeric order${o.tableFlags ? `; if they are codes rather than amounts or counts, give --categorical ${col.name}` : ' (the feature catalogue declares it numeric)'}`,
      });
  });
  return {
    rows: train.n,
    settings: {
      maxCategories: o.maxCategories,
      uniqueShare: o.uniqueShare,
      nearConstantShare: o.nearConstantShare,
      leakAuc: o.leakAuc,
      missingMarkers: [...o.missingMarkers],
      allowLeaky: [...o.allowLeaky],
      dropLeaky: o.dropLeaky,
      dropProtected: o.dropProtected,
      ...(o.tableFlags ? {} : { tableFlags: false }),
    },
    decisions,
    ...(review.length ? { review } : {}),
  };
}

export class LeakyColumnError extends UserError {}

/**
 * One line refusing to train when a column leaks the outcome, naming it and the flags that would
 * drop or keep it, each as the CLI takes it: one comma-separated list (`--allow-leaky a,b`; the flag
 * given twice is refused).
 */
export function refuseLeaky(report: GateReport): void {
  const leaky = report.decisions.filter((d) => d.action === 'refuse');
  if (leaky.length === 0) return;
  const first = leaky[0]!;
  const more = leaky.length > 1 ? ` (and ${leaky.slice(1).map((d) => d.column).join(', ')})` : '';
  throw new LeakyColumnError(
    `column ${first.column}${more} ${first.reason}: refusing to train; leave it out with ${report.settings.tableFlags === false ? '--drop-leaky' : `--drop ${leaky.map((d) => d.column).join(',')} (or --drop-leaky)`}, or keep ${leaky.length > 1 ? 'them' : 'it'} with --allow-leaky ${leaky.map((d) => d.column).join(',')}`,
  );
}

/** The columns the models may read, in order. */
export const keptColumns = (report: GateReport): string[] => report.decisions.filter(isKept).map((d) => d.column);

/** Special values per column from the gate's sentinel decisions (for the binning). */
export const gateSpecials = (report: GateReport): Record<string, number[]> =>
  Object.fromEntries(report.decisions.filter((d) => d.specialValues?.length).map((d) => [d.column, d.specialValues!]));

/** The data set without the dropped (or refused) columns. */
export function applyGate<T extends Dataset>(ds: T, report: GateReport): T {
  const keep = new Set(keptColumns(report));
  return { ...ds, columns: ds.columns.filter((c) => keep.has(c.name)) };
}

/** Printed lines: a summary, then one line per dropped or changed column. */
export function gateLines(report: GateReport): string[] {
  const changed = report.decisions.filter((d) => d.action !== 'keep' || d.reason !== '');
  return [
    ...gateSummary(report, changed),
    ...(report.review ?? []).map((r) => `  review ${r.column}: ${r.reason}`),
  ];
}

function gateSummary(report: GateReport, changed: GateDecision[]): string[] {
  const dropped = report.decisions.filter((d) => d.action === 'drop').length;
  // a leaky column stops the training: it is refused, not dropped
  const refused = report.decisions.filter((d) => d.action === 'refuse').length;
  const kept = report.decisions.length - dropped - refused;
  return [
    `data-quality gate on ${report.rows} training rows: ${report.decisions.length} columns, ${kept} kept, ${dropped} dropped${refused ? `, ${refused} refused` : ''}${changed.length > dropped + refused ? `, ${changed.length - dropped - refused} changed` : ''}`,
    ...changed.map((d) => `  ${d.column}: ${d.action} (${d.rule}) — ${d.reason}`),
  ];
}
