import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissions, roles } from '../../../../api/auth/permissions.ts';

/** docs/api.md's permission table: permission → the roles with a mark in its row */
function documentedTable(): Record<string, string[]> {
  const doc = readFileSync('docs/api.md', 'utf8');
  const lines = doc.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| permission |'));
  const columns = lines[head]!.split('|')
    .map((c) => c.trim())
    .slice(2, -1);
  const table: Record<string, string[]> = {};
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .map((c) => c.trim())
      .slice(1, -1);
    const name = /^([a-z]+:[a-z]+)/u.exec(cells[0] ?? '')?.[1] ?? cells[0]!;
    table[name] = columns.filter((_, i) => (cells[i + 1] ?? '').startsWith('✓'));
  }
  return table;
}

describe("docs/api.md's permission table", () => {
  it('lists every permission, and each with exactly the roles that hold it, in the roles order', () => {
    const table = documentedTable();
    expect(Object.keys(table).sort()).toEqual(Object.keys(permissions).sort());
    for (const [p, holders] of Object.entries(permissions))
      expect(table[p], p).toEqual(roles.filter((r) => (holders as readonly string[]).includes(r)));
  });
});
