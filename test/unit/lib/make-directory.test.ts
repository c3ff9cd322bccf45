import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../../lib/make-directory.ts';
import { UserError } from '../../../lib/user-error.ts';

describe('makeDirectory', () => {
  it('makes a folder and its parents on a disk', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-mkdir-')), 'a', 'b', 'c');
    makeDirectory(path);
    expect(existsSync(path)).toBe(true);
    makeDirectory(path);
  });

  it('refuses the kernel file systems in one line, also through a symbolic link (a recursive mkdir spins there)', () => {
    const link = join(mkdtempSync(join(tmpdir(), 'lw-mkdir-')), 'proc-link');
    symlinkSync('/proc', link);
    for (const path of ['/proc/x/data', '/sys/x', '/proc', join(link, 'x', 'y')]) {
      expect(() => {
        makeDirectory(path);
      }).toThrow(UserError);
      expect(() => {
        makeDirectory(path);
      }).toThrow(/a kernel file system \((proc|sys)\), not a place for files$/u);
    }
  });
});
