import { subset, type Dataset } from '../../models/data/dataset.ts';

/** Every fifth row held back (the part a model is judged and calibrated on), the rest to fit on. */
export function heldBackSplit(ds: Dataset): { fit: Dataset; held: Dataset } {
  const idx = Array.from({ length: ds.n }, (_, i) => i);
  return {
    fit: subset(
      ds,
      idx.filter((i) => i % 5 !== 0),
    ),
    held: subset(
      ds,
      idx.filter((i) => i % 5 === 0),
    ),
  };
}
