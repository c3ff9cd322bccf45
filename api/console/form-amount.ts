/**
 * The outcome form's amount as a person types it → the contract's plain decimal. The console shows
 * amounts with thousands separators (1,500.00), and a collector copies them back into the form; the
 * file contract (pipelines/ingest) takes 1500.00 only, so the separators are taken out here, where
 * the form is read — the API and files keep the contract as it is. Only separators every three
 * digits are taken: "1,50" could be a decimal comma (1.50) or a slip, so it is refused rather than
 * guessed. An integer part beyond the contract's 15 digits is "too large", not "not a decimal number".
 * A Chinese input method in full-width mode types １５００ and １，５００．００: the form's amount,
 * dates and time are read in their compatibility form (NFKC: full-width digits, comma, point, colon,
 * hyphen and space as ASCII) first. The API and files keep the contract's ASCII.
 */

/** what a person typed in a number, date or time field, full-width characters as their ASCII (NFKC) */
export const typedAscii = (typed: string) => typed.normalize('NFKC');

/** the English problem, as the shared modules word theirs (api/console/error-text.ts says it in the page's language) */
export type AmountProblem = 'thousands separators in the wrong place' | 'too large';

const grouped = /^-?\d{1,3}(,\d{3})+(\.\d*)?$/u;
const plain = /^-?(\d+)(\.\d*)?$/u;
/** the contract's widest integer part (validation-sql.ts MONEY_RE: 15 digits) */
const maxIntegerDigits = 15;

export function normaliseAmount(typed: string): { value: string } | { problem: AmountProblem } {
  const s = typedAscii(typed).trim();
  let value = s;
  if (s.includes(',')) {
    if (!grouped.test(s)) return { problem: 'thousands separators in the wrong place' };
    value = s.replaceAll(',', '');
  }
  const m = plain.exec(value);
  if (m && m[1]!.replace(/^0+(?=\d)/u, '').length > maxIntegerDigits) return { problem: 'too large' };
  // anything else goes to the contract as typed (its reasons: not a decimal number, decimals, negative)
  return { value };
}
