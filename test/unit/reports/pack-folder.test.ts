import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearPreviousPack, isPackFileName } from '../../../reports/pack-folder.ts';

describe('clearPreviousPack: only the files the previous pack listed, and only names a pack writes', () => {
  let dir = '';
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'pack-folder-'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    return dir;
  };

  it('removes the listed pack files and the manifest; keeps the rest', () => {
    const d = folder({
      'manifest.json': JSON.stringify({
        files: ['report.html', 'summary.json', 'overdue-trend.csv', '../x', 'notes.txt'],
      }),
      'report.html': '',
      'summary.json': '',
      'overdue-trend.csv': '',
      'report.pdf': '',
      'notes.txt': '',
    });
    expect(clearPreviousPack(d).sort()).toEqual(['manifest.json', 'overdue-trend.csv', 'report.html', 'summary.json']);
    expect(readdirSync(d).sort()).toEqual(['notes.txt', 'report.pdf']);
  });

  it('no manifest, or not a pack manifest: nothing goes', () => {
    expect(clearPreviousPack(folder({ 'report.html': '' }))).toEqual([]);
    rmSync(dir, { recursive: true });
    expect(clearPreviousPack(folder({ 'manifest.json': '{"name":"x"}', 'report.html': '' }))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'report.html']);
  });

  it('pack file names: fixed files, breakdowns, chart files by catalogue id; no paths, no other names', () => {
    for (const n of ['report.xlsx', 'breakdown-branch.csv', 'ifrs9-ecl.vl.json', 'overdue-trend.png', 'summary.csv'])
      expect(isPackFileName(n), n).toBe(true);
    for (const n of ['../report.html', 'a/report.html', '.manifest.json', 'notes.csv', 'data.xlsx', 'x.png'])
      expect(isPackFileName(n), n).toBe(false);
  });
});
