import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { randomSplit } from '../../../../models/data/split.ts';
import { readSplitFile, splitCsv } from '../../../../models/data/split-file.ts';
import { UserError } from '../../../../lib/user-error.ts';

const table = (n: number): Dataset => ({
  n,
  columns: [{ name: 'x', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i) }],
  label: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  period: new Array<string>(n).fill(''),
  ids: Array.from({ length: n }, (_, i) => String(i + 1)),
});

describe('split.csv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-split-'));

  it('writes every row once with its part and reads back the same indices', () => {
    const ds = table(57);
    const { trainIdx, test } = randomSplit(ds, 0.7, 11);
    const text = splitCsv(ds, trainIdx);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('row,part');
    expect(lines).toHaveLength(58);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ds.ids);
    const path = join(dir, 'split.csv');
    writeFileSync(path, text);
    const back = readSplitFile(path);
    expect(Array.from(back.train)).toEqual(Array.from(trainIdx));
    expect(Array.from(back.test, (i) => ds.ids[i])).toEqual(test.ids);
  });

  it('marks the held-back part of the training window; the training window still reads back whole', () => {
    const ds = table(40);
    const { trainIdx } = randomSplit(ds, 0.75, 5);
    const held = Uint8Array.from(trainIdx, (_, k) => (k % 4 === 0 ? 1 : 0));
    const path = join(dir, 'held.csv');
    writeFileSync(path, splitCsv(ds, trainIdx, held));
    const back = readSplitFile(path);
    expect(Array.from(back.train)).toEqual(Array.from(trainIdx));
    expect(Array.from(back.heldBack)).toEqual(Array.from(trainIdx).filter((_, k) => k % 4 === 0));
    expect(back.test.length + back.train.length).toBe(40);
  });

  it('refuses a file that is not a split file, naming the line', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'a,b\n1,train\n');
    expect(() => readSplitFile(path)).toThrow(UserError);
    expect(() => readSplitFile(path)).toThrow(/not a split file/u);
    writeFileSync(path, 'row,part\n1,train\n2,holdout\n');
    expect(() => readSplitFile(path)).toThrow(/bad\.csv:3: expected ROW,train\|held_back\|test, found 2,holdout/u);
  });
});
