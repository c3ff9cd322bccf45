import { afterAll, describe, expect, it } from 'vitest';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { assertOutputFile, refuseOverwritingInput, sameFile } from '../../../lib/output-path.ts';

describe('an output that is an input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'output-path-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const input = join(dir, 'rows.csv');
  writeFileSync(input, 'a\n1\n');
  symlinkSync(input, join(dir, 'link.csv'));
  linkSync(input, join(dir, 'hard.csv'));
  mkdirSync(join(dir, 'sub'));

  it('is the same file however it is spelled: relative, through a symbolic link, a hard link', () => {
    expect(sameFile(input, relative(process.cwd(), input))).toBe(true);
    expect(sameFile(join(dir, 'sub', '..', 'rows.csv'), input)).toBe(true);
    expect(sameFile(join(dir, 'link.csv'), input)).toBe(true);
    expect(sameFile(join(dir, 'hard.csv'), input)).toBe(true);
    expect(sameFile(join(dir, 'new.csv'), input)).toBe(false);
  });

  it('is refused naming both, a new or another file is not', () => {
    expect(() => {
      refuseOverwritingInput(join(dir, 'link.csv'), [{ path: input, what: 'input table' }]);
    }).toThrow(/--out .*link\.csv is the input table .*rows\.csv: writing there would replace what is read/u);
    expect(() => {
      refuseOverwritingInput(join(dir, 'scores.csv'), [{ path: input, what: 'input table' }]);
    }).not.toThrow();
  });

  it('an output file in no folder, or a folder, is refused naming the path given', () => {
    expect(() => {
      assertOutputFile(join(dir, 'sub'));
    }).toThrow(/^--out .*sub is a folder: give a file name \(for example --out .*sub\/scores\.csv\)$/u);
    expect(() => {
      assertOutputFile(join(dir, 'nodir', 'x.csv'));
    }).toThrow(/^--out .*nodir\/x\.csv: no folder .*nodir: create it first/u);
    expect(() => {
      assertOutputFile(join(dir, 'rows.csv', 'x.csv'));
    }).toThrow(/rows\.csv is a file, not a folder/u);
    expect(() => {
      assertOutputFile(join(dir, 'scores.csv'));
    }).not.toThrow();
  });
});
