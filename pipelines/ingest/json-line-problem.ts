/**
 * A JSONL line read in Node as its object, or why it is none: its line, and the column where the
 * parser stopped when it says (V8 gives a position in the line: past its end for a line cut short),
 * so a reason copied into a log or a ticket still says where to look.
 */
export function jsonLineProblem(text: string, line: number): { problem: string } | { value: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    const column = /\bcolumn (\d+)\)/u.exec(message)?.[1] ?? /\bat position (\d+)/u.exec(message)?.[1];
    const at = column === undefined ? '' : `, column ${/\bcolumn/u.test(message) ? column : Number(column) + 1}`;
    return { problem: `malformed JSON line (line ${line}${at})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: `malformed JSON line (line ${line}: not a JSON object)` };
  return { value: value as Record<string, unknown> };
}
