import { readFileSync } from 'node:fs';
import { UserError } from '../../lib/user-error.ts';
import type { Dataset } from './dataset.ts';

/** The name of the membership file written next to a table model's artifact and card. */
export const splitFileName = 'split.csv';

/**
 * Train/test membership as CSV: `row,part` per data row of the table (row = 1-based position among
 * the data rows, the id the model's data set and fingerprint use; part = train or test).
 */
export function splitCsv(ds: Dataset, trainIdx: Iterable<number>): string {
  const isTrain = new Uint8Array(ds.n);
  for (const i of trainIdx) isTrain[i] = 1;
  const lines = ['row,part'];
  for (let i = 0; i < ds.n; i++) lines.push(`${ds.ids[i]},${isTrain[i] ? 'train' : 'test'}`);
  return `${lines.join('\n')}\n`;
}

/** Reads a split file back: 0-based indices of the train and test rows, ascending. */
export function readSplitFile(path: string): { train: Int32Array; test: Int32Array } {
  const [head, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  if (head !== 'row,part') throw new UserError(`${path}: not a split file (expected the header row,part)`);
  const train: number[] = [];
  const test: number[] = [];
  rows.forEach((line, k) => {
    const [row, part] = line.split(',');
    const i = Number(row) - 1;
    if (!Number.isInteger(i) || i < 0 || (part !== 'train' && part !== 'test'))
      throw new UserError(`${path}:${k + 2}: expected ROW,train|test, found ${line.slice(0, 40)}`);
    (part === 'train' ? train : test).push(i);
  });
  const asc = (a: number[]) => Int32Array.from(a).sort();
  return { train: asc(train), test: asc(test) };
}
