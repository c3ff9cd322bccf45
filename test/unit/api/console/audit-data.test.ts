import { describe, expect, it } from 'vitest';
import { parseString } from '@fast-csv/parse';
import { auditCsvChunks, auditQuery, safeCsvCell, type AuditEntry } from '../../../../api/console/audit-data.ts';
import { auditHref } from '../../../../api/console/audit-page.ts';
import { Rng } from '../../../../lib/random.ts';

const parse = (text: string) =>
  new Promise<string[][]>((resolve, reject) => {
    const rows: string[][] = [];
    parseString<string[], string[]>(text.replace(/^\uFEFF/u, ''))
      .on('data', (r: string[]) => rows.push(r))
      .on('error', reject)
      .on('end', () => {
        resolve(rows);
      });
  });

describe('the audit export', () => {
  it('every cell parses back; a cell a spreadsheet would run as a formula gets a leading quote, others are unchanged', async () => {
    const rng = new Rng(9);
    const pieces = ['=', '+', '-', '@', '\t', '\r', 'a', '1', ',', '"', '\n', ' ', '逾期', '|', "'", '{"a":1}'];
    const text = () =>
      Array.from({ length: Math.floor(rng.next() * 8) }, () => pieces[Math.floor(rng.next() * pieces.length)]).join('');
    const entries: AuditEntry[] = Array.from({ length: 300 }, (_, i) => ({
      at: `2024-01-01 00:00:00.${String(i % 1000).padStart(3, '0')}`,
      request_id: `r${i}`,
      client_request_id: text(),
      key_id: text(),
      role: 'auditor',
      action: 'cases.pull',
      target: text(),
      outcome: i % 2 ? 'ok' : 'refused',
      details: text(),
    }));
    const rows = await parse([...auditCsvChunks(entries)].join(''));
    expect(rows[0]).toEqual([
      'at',
      'request_id',
      'client_request_id',
      'key_id',
      'role',
      'action',
      'target',
      'outcome',
      'details',
    ]);
    expect(rows.length).toBe(entries.length + 1);
    for (const [i, e] of entries.entries()) {
      const got = rows[i + 1]!;
      for (const [k, col] of (['client_request_id', 'key_id', 'target', 'details'] as const).entries()) {
        const v = e[col];
        const cell = got[[2, 3, 6, 8][k]!]!;
        if (/^[=+\-@\t\r]/u.test(v)) expect(cell).toBe(`'${v}`);
        else expect(cell).toBe(v);
      }
    }
    expect(safeCsvCell(-3)).toBe('-3'); // numbers are numbers
    expect(safeCsvCell(null)).toBe('');
  });

  it('filters: blank is none, dates checked, a range upside down refused, a cursor of the page shape only', () => {
    expect(auditQuery.parse({ actor: ' ', action: '', from: '', to: '', outcome: '' })).toEqual({
      actor: undefined,
      action: undefined,
      from: undefined,
      to: undefined,
      outcome: undefined,
    });
    for (const bad of [
      { from: '2024-02-30' },
      { to: '2024-13-01' },
      { from: '2024-03-02', to: '2024-03-01' },
      { action: 'DROP TABLE' },
      { outcome: 'maybe' },
      { after: "2024-01-01 00:00:00|x' OR 1" },
      { actor: 'x'.repeat(65) },
    ])
      expect(auditQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    const q = auditQuery.parse({ actor: 'user:li', action: 'model.promote', from: '2024-01-01', outcome: 'refused' });
    expect(auditHref('/console/audit.csv', q)).toBe(
      '/console/audit.csv?actor=user%3Ali&action=model.promote&from=2024-01-01&outcome=refused',
    );
    expect(auditHref('/console/audit', q, '2024-01-01 00:00:00.123|r1')).toContain(
      'after=2024-01-01+00%3A00%3A00.123%7Cr1',
    );
  });
});
