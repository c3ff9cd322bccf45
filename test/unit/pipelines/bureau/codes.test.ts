import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../../lib/user-error.ts';
import { defaultCodeTable, loadCodeTable, parseCodeTable } from '../../../../pipelines/bureau/codes.ts';
import { monthEndOfMonth } from '../../../../pipelines/bureau/submission.ts';

const reason = (json: unknown) => {
  try {
    parseCodeTable(json, 'codes.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    return (e as UserError).message;
  }
  throw new Error('expected the table to be refused');
};

describe('the bureau code table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-codes-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to the personal credit report: N, 1–7 by 30-day bands, C G B * #, / before opening', () => {
    expect(parseCodeTable({})).toEqual(defaultCodeTable);
    expect(loadCodeTable(undefined)).toBe(defaultCodeTable);
    expect(defaultCodeTable.bands.map((b) => `${b.code}:${b.min_dpd}-${b.max_dpd ?? ''}`).join(' ')).toBe(
      '1:1-30 2:31-60 3:61-90 4:91-120 5:121-150 6:151-180 7:181-',
    );
  });

  it('takes a partial table: the rest stays at the default', () => {
    const t = parseCodeTable({
      bands: [
        { code: '1', min_dpd: 1, max_dpd: 29 },
        { code: '2', min_dpd: 30 },
      ],
    });
    expect(t.current).toBe('N');
    expect(t.bands).toHaveLength(2);
  });

  it.each([
    [{ paid_off: 'X' }, 'codes.json at paid_off: unknown code "X"'],
    [{ bands: [{ code: 'Q', min_dpd: 1 }] }, 'codes.json at bands.0.code: unknown code "Q"'],
    [{ bands: [] }, 'codes.json at bands: give at least one DPD band'],
    [
      {
        bands: [
          { code: '1', min_dpd: 1, max_dpd: 30 },
          { code: '2', min_dpd: 25 },
        ],
      },
      'overlaps the band before it',
    ],
    [
      {
        bands: [
          { code: '1', min_dpd: 1, max_dpd: 30 },
          { code: '2', min_dpd: 35 },
        ],
      },
      'leaves DPD 31–34 without a code',
    ],
    [{ bands: [{ code: '1', min_dpd: 0 }] }, 'overlaps the band before it (DPD from 1 expected)'],
    [{ bands: [{ code: '1', min_dpd: 1, max_dpd: 60 }] }, 'DPD above it has no code'],
    [
      {
        bands: [
          { code: '1', min_dpd: 1 },
          { code: '2', min_dpd: 2 },
        ],
      },
      'open-ended but is not the last band',
    ],
    [{ bands: [{ code: '1', min_dpd: 10, max_dpd: 5 }] }, 'ends before it starts'],
    [{ bands: [{ code: '1', min_dpd: 1.5 }] }, 'expected a whole number of days'],
    [{ nothing_due: 'N' }, 'code N is used for both current and nothing_due'],
    [{ unknown: '1' }, 'code 1 is used for both unknown and band 1+'],
    [{ extra: 1 }, 'extra'],
  ])('refuses %j: %s', (json, message) => {
    const m = reason(json);
    expect(m).toContain(message);
    expect(m).not.toContain('\n');
  });

  it('reads a file; a file that is not JSON is one line naming it', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ nothing_due: '/', before_open: '*' }));
    expect(loadCodeTable(good)).toMatchObject({ nothing_due: '/', before_open: '*' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ current: N }');
    expect(() => loadCodeTable(bad)).toThrow(new RegExp(`^${bad} is not valid JSON`, 'u'));
  });

  it('a directory or a missing file is a user error naming the path, not a fault', () => {
    expect(() => loadCodeTable(dir)).toThrow(UserError);
    expect(() => loadCodeTable(dir)).toThrow(`bureau code table ${dir} is a directory, not a file`);
    const missing = join(dir, 'missing.json');
    expect(() => loadCodeTable(missing)).toThrow(`bureau code table ${missing}: no such file or directory`);
  });

  it('month-ends of months', () => {
    expect(monthEndOfMonth('2024-02')).toBe('2024-02-29');
    expect(monthEndOfMonth('2023-12')).toBe('2023-12-31');
  });
});
