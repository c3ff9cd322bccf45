import { queryRows, type Warehouse } from './connection.ts';
import { sqlStringLiteral } from './sql.ts';

/*
 * Phone and ID numbers typed into free text (a note, a reason) are masked as the stored phone is
 * (pii_mask: the first three and the last four characters kept): a number must stand apart from other
 * digits (a longer digit run is not one). RE2 has no look-around, so each rule captures the character
 * before and after and writes it back; two numbers one character apart then share it, which the
 * second pass catches.
 */
const rules: readonly (readonly [pattern: string, replacement: string])[] = [
  // an 18-character resident ID (17 digits, then a digit or X): 110***********123X
  ['(^|[^0-9])([1-9][0-9]{2})[0-9]{11}([0-9]{3}[0-9Xx])([^0-9]|$)', '\\1\\2***********\\3\\4'],
  // a mainland mobile, with +86 / 86 before it or - and spaces inside it: 138****5678
  ['(^|[^0-9])(\\+?86[- ]?)?(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})([^0-9]|$)', '\\1\\2\\3****\\4\\5'],
  // a landline with its area code set apart (brackets, a - or a space), 7 or 8 digits: 010-****5678, (021)****4321
  ['(^|[^0-9])(\\(0[1-9][0-9]{1,2}\\) ?|0[1-9][0-9]{1,2}[- ])[0-9]{3,4}([0-9]{4})([^0-9]|$)', '\\1\\2****\\3\\4'],
  // one written as a single run of 10 to 12 digits from 0: the first three and last four kept, 021****4321
  ['(^|[^0-9])(0[1-9][0-9])[0-9]{3,5}([0-9]{4})([^0-9]|$)', '\\1\\2****\\3\\4'],
];

/** The SQL of the text `expr` with its phone and ID numbers masked (see above); every path that stores a note uses it. */
export function maskedPersonalNumbersSql(expr: string): string {
  let masked = expr;
  for (let pass = 0; pass < 2; pass++)
    for (const [pattern, replacement] of rules)
      masked = `replaceRegexpAll(${masked}, ${sqlStringLiteral(pattern)}, ${sqlStringLiteral(replacement)})`;
  return masked;
}

/** `text` with its phone and ID numbers masked, by the engine (the same SQL a file's notes are loaded through). */
export async function maskPersonalNumbers(wh: Warehouse, text: string): Promise<string> {
  if (!/[0-9]{7}/u.test(text.replace(/[-() +]/gu, ''))) return text;
  const [r] = await queryRows<{ masked: string }>(wh, `SELECT ${maskedPersonalNumbersSql('{text:String}')} AS masked`, {
    text,
  });
  return r!.masked;
}
