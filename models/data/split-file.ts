import { readFileSync } from 'node:fs';
import { UserError } from '../../lib/user-error.ts';
import type { Dataset } from './dataset.ts';

/** The name of the membership file written next to a table model's artifact and card. */
export const splitFileName = 'split.csv';

/**
 * Train/test membership as CSV: `row,part` per data row of the table (row = 1-based position among
 * the data rows, the id the model's data set and fingerprint use; part = train, held_back or test).
 * `held_back` rows belong to the training window but no model was fitted on them: the early-stopping
 * and calibration part (split.ts heldBackPart), given as flags over the training rows in order.
 */
export function splitCsv(ds: Dataset, trainIdx: ArrayLike<number>, heldBack?: Uint8Array): string {
  const part = new Array<string>(ds.n).fill('test');
  for (let k = 0; k < trainIdx.length; k++) part[trainIdx[k]!] = heldBack?.[k] ? 'held_back' : 'train';
  const lines = ['row,part'];
  for (let i = 0; i < ds.n; i++) lines.push(`${ds.ids[i]},${part[i]}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Reads a split file back: 0-based indices, ascending, of the training window (train and held_back
 * rows: what the fingerprint covers), of its held-back part, and of the test rows.
 */
export function readSplitFile(path: string): { train: Int32Array; heldBack: Int32Array; test: Int32Array } {
  const [head, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  if (head !== 'row,part') throw new UserError(`${path}: not a split file (expected the header row,part)`);
  const train: number[] = [];
  const heldBack: number[] = [];
  const test: number[] = [];
  rows.forEach((line, k) => {
    const [row, part] = line.split(',');
    const i = Number(row) - 1;
    if (!Number.isInteger(i) || i < 0 || (part !== 'train' && part !== 'held_back' && part !== 'test'))
      throw new UserError(`${path}:${k + 2}: expected ROW,train|held_back|test, found ${line.slice(0, 40)}`);
    (part === 'test' ? test : train).push(i);
    if (part === 'held_back') heldBack.push(i);
  });
  const asc = (a: number[]) => Int32Array.from(a).sort();
  return { train: asc(train), heldBack: asc(heldBack), test: asc(test) };
}
