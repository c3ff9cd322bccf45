/** Numbers as a sentence writes them (sign, thousands separators and decimals kept): `+1,381.4`, `-0.10`, `2024`. */
export const numberTokens = (text: string): string[] => text.match(/[+-]?\d[\d,]*(?:\.\d+)?/gu) ?? [];

/** Every string in a JSON value except under the keys left out (the commentary itself). */
export function stringsOf(value: unknown, leaveOut: string[] = ['commentary']): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsOf(v, leaveOut));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => (leaveOut.includes(k) ? [] : stringsOf(v, leaveOut)));
  return [];
}

/** The numbers of each sentence that are not, written the same way, in any string of the summary. */
export function numbersNotInSummary(summary: { commentary: string[] }): string[] {
  const known = new Set(stringsOf(summary).flatMap(numberTokens));
  return summary.commentary.flatMap((s) =>
    numberTokens(s)
      .filter((n) => !known.has(n))
      .map((n) => `${n} in «${s}»`),
  );
}
