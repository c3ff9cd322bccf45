export type EntityFileFormat = 'csv' | 'jsonl';

/**
 * An entity file's text, CSV (header, comma, no quoting: the rows' fields must need none) or JSONL
 * (one object per row under the header's names), each line ending in a line feed.
 */
export function entityFileText(
  format: EntityFileFormat,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  if (format === 'csv') return `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
  return `${rows.map((r) => JSON.stringify(Object.fromEntries(header.map((h, i) => [h, r[i]])))).join('\n')}\n`;
}
