import { UserError } from '../../lib/user-error.ts';

/** A header cell as every table reader compares it: without a byte-order mark, trimmed. */
export const headerName = (cell: string) => cell.replace(/^\uFEFF/u, '').trim();

/**
 * A table's header row, names trimmed, refused when two columns share a name. A column without a
 * name (pandas writes its index so: `,age,income`) is named by its position, `column_1`: a feature
 * named "" printed as "  : drop" in the gate's lines and stood nameless in the card. Training read the
 * first of two `purpose` columns and scoring the last, so the scores were silently of other values.
 * Names that differ only in case (`Purpose`, `purpose`) are refused too: the readers would keep
 * both, but a header spelled so is an export that repeated a column far more often than a table
 * with two meanings under one word, and JSON rows (`POST /v1/scores`) could not tell them apart
 * for a reader who types the name.
 */
export function tableHeader(cells: readonly string[], source: string): string[] {
  const names = cells.map((cell, i) => headerName(cell) || `column_${i + 1}`);
  const first = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    const key = name.toLowerCase();
    const j = first.get(key);
    if (j === undefined) {
      first.set(key, i);
      continue;
    }
    const same = names[j] === name;
    throw new UserError(
      `${source}: column "${name}" appears twice in the header (columns ${j + 1} and ${i + 1}${same ? '' : `, as "${names[j]}" and "${name}"`}): rename or remove one; a model must know which one it reads`,
    );
  }
  return names;
}
