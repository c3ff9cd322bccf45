import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../lib/user-error.ts';
import { jsonText } from '../../lib/user-json.ts';
import { assertInputFile } from '../../lib/input-file.ts';

/**
 * The credit-bureau monthly repayment-status codes (the personal credit report's convention,
 * 个人信用报告 "还款记录"): the codes a table may use. `/` is the pad for months before the
 * account was opened.
 */
export const bureauCodes = ['N', '1', '2', '3', '4', '5', '6', '7', 'C', 'G', 'B', '*', '#', '/'] as const;
export type BureauCode = (typeof bureauCodes)[number];

/** One DPD band: DPD in [min_dpd, max_dpd] (no max: and above) is reported as `code`. */
export interface DpdBand {
  code: BureauCode;
  min_dpd: number;
  max_dpd?: number | undefined;
}

/** Which code each state of a loan-month is reported with. */
export interface CodeTable {
  /** active, nothing overdue, an installment due in the month */
  current: BureauCode;
  /** the month-end the loan is paid off (snapshot status paid_off) */
  paid_off: BureauCode;
  /** the month-end of a settlement or debt sale (loan_events) */
  closed_other: BureauCode;
  /** the month-end the loan is charged off (snapshot status charged_off) */
  written_off: BureauCode;
  /** active, nothing overdue and no installment due in the month */
  nothing_due: BureauCode;
  /** the loan was open but the snapshot has no row for the month (tape gaps) */
  unknown: BureauCode;
  /** pad of the history string for months before the origination month */
  before_open: BureauCode;
  /** DPD > 0, in ascending contiguous bands from 1 DPD, the last one open-ended */
  bands: DpdBand[];
}

/** The default: the personal credit report's convention, 30-day bands 1–7. */
export const defaultCodeTable: CodeTable = {
  current: 'N',
  paid_off: 'C',
  closed_other: 'G',
  written_off: 'B',
  nothing_due: '*',
  unknown: '#',
  before_open: '/',
  bands: [
    { code: '1', min_dpd: 1, max_dpd: 30 },
    { code: '2', min_dpd: 31, max_dpd: 60 },
    { code: '3', min_dpd: 61, max_dpd: 90 },
    { code: '4', min_dpd: 91, max_dpd: 120 },
    { code: '5', min_dpd: 121, max_dpd: 150 },
    { code: '6', min_dpd: 151, max_dpd: 180 },
    { code: '7', min_dpd: 181 },
  ],
};

const code = z.enum(bureauCodes, {
  error: (i) => `unknown code ${JSON.stringify(i.input)} (known: ${bureauCodes.join(' ')})`,
});
const dpd = z.number({ error: 'expected a whole number of days' }).int('expected a whole number of days').min(0);

const tableSchema = z
  .strictObject({
    current: code.default(defaultCodeTable.current),
    paid_off: code.default(defaultCodeTable.paid_off),
    closed_other: code.default(defaultCodeTable.closed_other),
    written_off: code.default(defaultCodeTable.written_off),
    nothing_due: code.default(defaultCodeTable.nothing_due),
    unknown: code.default(defaultCodeTable.unknown),
    before_open: code.default(defaultCodeTable.before_open),
    bands: z
      .array(z.strictObject({ code, min_dpd: dpd, max_dpd: dpd.optional() }))
      .min(1, 'give at least one DPD band')
      .default(defaultCodeTable.bands),
  })
  .superRefine((t, ctx) => {
    const problem = bandProblem(t.bands) ?? duplicateProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** What is wrong with the band list, or undefined: ascending, contiguous from DPD 1, the last one open-ended. */
function bandProblem(bands: readonly DpdBand[]): string | undefined {
  let next = 1;
  for (const [i, b] of bands.entries()) {
    const name = `band ${b.code} (${b.min_dpd}–${b.max_dpd ?? ''})`;
    if (b.max_dpd !== undefined && b.max_dpd < b.min_dpd) return `${name} ends before it starts`;
    if (b.min_dpd < next) return `${name} overlaps the band before it (DPD from ${next} expected)`;
    if (b.min_dpd > next) return `${name} leaves DPD ${next}–${b.min_dpd - 1} without a code`;
    const last = i === bands.length - 1;
    if (b.max_dpd === undefined && !last) return `${name} is open-ended but is not the last band`;
    if (b.max_dpd !== undefined && last)
      return `the last band ${b.code} ends at DPD ${b.max_dpd}: DPD above it has no code (leave out its max_dpd)`;
    next = (b.max_dpd ?? 0) + 1;
  }
  return undefined;
}

/** Two states (or bands) reported with one code could not be told apart. */
function duplicateProblem(t: CodeTable): string | undefined {
  const uses = [
    ...(['current', 'paid_off', 'closed_other', 'written_off', 'nothing_due', 'unknown', 'before_open'] as const).map(
      (k) => [k, t[k]] as const,
    ),
    ...t.bands.map((b) => [`band ${b.min_dpd}+`, b.code] as const),
  ];
  const seen = new Map<string, string>();
  for (const [what, c] of uses) {
    const before = seen.get(c);
    if (before) return `code ${c} is used for both ${before} and ${what}`;
    seen.set(c, what);
  }
  return undefined;
}

/** A code table from parsed JSON; a bad one is a one-line UserError naming the first problem. */
export function parseCodeTable(json: unknown, source = 'the code table'): CodeTable {
  const r = tableSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new UserError(`${source}${at}: ${issue.message}`, {
    hint: 'see docs/delinquency.md, "Credit-bureau status codes"',
  });
}

/** The code table of a JSON file (absent: the default). */
export function loadCodeTable(path: string | undefined): CodeTable {
  if (path === undefined) return defaultCodeTable;
  assertInputFile(path, 'bureau code table');
  let json: unknown;
  try {
    json = JSON.parse(jsonText(readFileSync(path, 'utf8')));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserError(`${path} is not valid JSON: ${e.message}`);
    throw e;
  }
  return parseCodeTable(json, path);
}
