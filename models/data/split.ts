import { createHash } from 'node:crypto';
import { Rng } from '../../lib/random.ts';
import { DatasetError, indicesWhere, subset, type Dataset } from './dataset.ts';

/** Seeded random split (cross-sectional tables): a Fisher–Yates shuffle by mulberry32, first share to train. */
export function randomSplit(ds: Dataset, trainShare: number, seed: number): { train: Dataset; test: Dataset; trainIdx: Int32Array } {
  const idx = Int32Array.from({ length: ds.n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = ds.n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const cut = Math.round(ds.n * trainShare);
  const trainIdx = idx.slice(0, cut).sort();
  const testIdx = idx.slice(cut).sort();
  return { train: subset(ds, trainIdx), test: subset(ds, testIdx), trainIdx };
}

/** Out-of-time split: the last `testPeriods` periods are the test set, everything before trains. */
export function outOfTimeSplit(ds: Dataset, testPeriods: number): { train: Dataset; test: Dataset; cutoff: string } {
  const periods = [...new Set(ds.period)].sort();
  if (periods.length <= testPeriods) throw new DatasetError(`out-of-time split needs more than ${testPeriods} month-ends with observed outcomes, found ${periods.length} (ingest and snapshot a longer history, or lower --oot-months)`);
  const cutoff = periods[periods.length - testPeriods]!;
  return {
    train: subset(ds, indicesWhere(ds.n, (i) => ds.period[i]! < cutoff)),
    test: subset(ds, indicesWhere(ds.n, (i) => ds.period[i]! >= cutoff)),
    cutoff,
  };
}

/** Rows of the training window held back from fitting: 1 = held back. */
export interface HeldBack {
  flags: Uint8Array;
  /** what was held back, for the card */
  description: string;
}

/**
 * The part of the training window the models are not fitted on: the network's and the trees'
 * early-stopping slice and the part probability calibration is fitted on. With periods (the book),
 * the latest training month-ends holding about a sixth of the rows (two periods at least stay to
 * fit on), so the calibration sees the most recent risk level; a table without dates holds back a
 * seeded random fifth.
 */
export function heldBackPart(ds: Dataset, seed: number): HeldBack {
  const periods = [...new Set(ds.period)].sort();
  if (periods.length >= 3) {
    const counts = new Map<string, number>();
    for (const p of ds.period) counts.set(p, (counts.get(p) ?? 0) + 1);
    let cut = periods.length - 1;
    let acc = counts.get(periods[cut]!)!;
    while (cut > 2 && acc < ds.n / 6) {
      cut--;
      acc += counts.get(periods[cut]!)!;
    }
    const from = periods[cut]!;
    return {
      flags: Uint8Array.from(ds.period, (p) => (p >= from ? 1 : 0)),
      description: `the latest training month-ends (${from} to ${periods.at(-1)!})`,
    };
  }
  const rng = new Rng(seed * 7919 + 17);
  return {
    flags: Uint8Array.from({ length: ds.n }, () => (rng.next() < 0.2 ? 1 : 0)),
    description: `a seeded random 20 % of the training rows (seed ${seed})`,
  };
}

/**
 * Which rows a part holds — their ids, periods and outcomes, not their features — as a SHA-256: two
 * versions tested on parts of the same fingerprint were tested on the same rows, so their test AUCs
 * compare (a dropped column or another model kind does not change it; another seed or test share does).
 */
export function partFingerprint(part: Dataset): string {
  const h = createHash('sha256');
  h.update(`${part.n}\n`);
  for (let i = 0; i < part.n; i++) h.update(`${part.ids[i]}|${part.period[i]}|${part.label[i]}\n`);
  return h.digest('hex');
}
