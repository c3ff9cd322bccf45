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
