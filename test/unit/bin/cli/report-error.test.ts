import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asUserError, printable, reportError } from '../../../../bin/cli/report-error.ts';

const sysError = (code: string, path?: string) =>
  Object.assign(new Error(`${code}: something, ${path ?? ''}`), { code, ...(path ? { path } : {}) });

describe('reportError', () => {
  afterEach(() => vi.restoreAllMocks());
  const printed = (e: unknown) => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void lines.push(String(s)));
    return { code: reportError(e), lines };
  };

  it('a full or read-only disk is the machine’s: one line naming it, exit 1, not "a fault in loanwatch"', () => {
    for (const [code, words] of [
      ['ENOSPC', 'no space left on the device'],
      ['EROFS', 'the file system is read-only'],
      ['EIO', 'input/output error'],
      ['EDQUOT', 'quota'],
    ] as const) {
      const { code: exit, lines } = printed(sysError(code, '/out/b.csv'));
      expect(exit).toBe(1);
      expect(lines[0]).toMatch(/^loanwatch: \/out\/b\.csv: /u);
      expect(lines[0]).toContain(words);
      expect(lines.join('\n')).not.toMatch(/fault in loanwatch/u);
    }
    // the engine's own report of its data directory
    const engine = printed(
      new Error('Code: 76. DB::ErrnoException: Cannot open file x: , errno: 30, strerror: Read-only file system'),
    );
    expect(engine.code).toBe(1);
    expect(engine.lines[0]).toMatch(/^loanwatch: the warehouse's files: the file system is read-only/u);
  });

  it('the engine’s own lock (another process opened the directory first) is exit 75, not a fault', () => {
    const { code, lines } = printed(
      new Error(
        'Code: 76. DB::Exception: Cannot lock file /d/chdb/status. Another server instance in same directory is already running.',
      ),
    );
    expect(code).toBe(75);
    expect(lines[0]).toBe('loanwatch: the warehouse (/d/chdb/status) is open in another process (pid unknown)');
    expect(lines[1]).toMatch(/try again when that one ends/u);
  });

  it('the engine’s failed open while another process holds the directory (both started at once) is exit 75 naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lock-'));
    try {
      // the parent (the test runner) is alive and not this process, as the winner of the race is
      writeFileSync(join(dir, 'status'), `PID: ${process.ppid}\nStarted at: 2026-12-07 18:00:00\n`);
      const { code, lines } = printed(new Error(`Failed to create connection for path '${dir}'`));
      expect(code).toBe(75);
      expect(lines[0]).toMatch(
        new RegExp(`^loanwatch: the warehouse at ${dir} is open in process ${process.ppid}\\b`, 'u'),
      );
      // no live holder: not a lock, the fault stays a fault
      writeFileSync(join(dir, 'status'), 'PID: 999999999\n');
      expect(printed(new Error(`Failed to create connection for path '${dir}'`)).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file where a folder belongs is the user’s: exit 2', () => {
    const { code, lines } = printed(sysError('EEXIST', '/tmp/x/report'));
    expect(code).toBe(2);
    expect(lines[0]).toBe('loanwatch: /tmp/x/report: already exists (a file where a folder is needed?)');
  });

  it('control characters of a message are shown escaped, and a long message is cut', () => {
    expect(printable('header \u001b]0;PWNED\u0007\u001b[31m red')).toBe('header \\x1b]0;PWNED\\x07\\x1b[31m red');
    expect(printable('a\nb\tc\r\u009b')).toBe('a\nb\\x09c\\x0d\\x9b');
    const long = printable('x'.repeat(2600));
    expect(long.startsWith('x'.repeat(2000))).toBe(true);
    expect(long).toMatch(/… \(600 more characters\)$/u);
    const { lines } = printed(asUserError(sysError('ENOENT', '/in/\u001b[2Jfile.csv')));
    expect(lines[0]).toBe('loanwatch: /in/\\x1b[2Jfile.csv: no such file or directory');
    // an internal error's line too
    const internal = printed(new Error('boom \u001b[31m'));
    expect(internal.lines[0]).toBe('loanwatch: internal error: boom \\x1b[31m');
  });
});
