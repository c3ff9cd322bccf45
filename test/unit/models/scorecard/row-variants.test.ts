import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Column, Dataset } from '../../../../models/data/dataset.ts';
import { scorecardProbability, trainScorecard } from '../../../../models/scorecard/scorecard.ts';
import { scorecardRowSearch } from '../../../../models/scorecard/row-search.ts';

/** Two risk drivers (one with missing values), a category, and a column the scorecard will not keep. */
function table(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const noise = new Float64Array(n);
  const codes = new Int32Array(n);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    y[i] = rng.chance(0.1) ? Number.NaN : rng.normal() * 3;
    noise[i] = rng.normal();
    codes[i] = rng.int(0, 2);
    const z = -1.2 + 0.9 * x[i]! - 0.4 * (Number.isNaN(y[i]!) ? 1 : y[i]!) + 0.5 * codes[i]!;
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
  }
  return {
    n,
    columns: [
      { name: 'x', kind: 'numeric', values: x },
      { name: 'y', kind: 'numeric', values: y },
      { name: 'noise', kind: 'numeric', values: noise },
      { name: 'grade', kind: 'categorical', codes, levels: ['a', 'b', 'c'] },
    ],
    label,
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i)),
  };
}

/** Row i repeated once per change set, the changed numeric values written (what a search scores). */
function changedRows(ds: Dataset, i: number, changes: Map<string, number>[]): Dataset {
  const columns = ds.columns.map((c): Column => {
    if (c.kind === 'categorical') return { ...c, codes: new Int32Array(changes.length).fill(c.codes[i]!) };
    return { ...c, values: Float64Array.from(changes, (ch) => ch.get(c.name) ?? c.values[i]!) };
  });
  return { ...ds, n: changes.length, columns, label: new Uint8Array(changes.length) };
}

describe('a scorecard row scored under change sets', () => {
  it("gives each change set the floats of scoring the changed row whole (missing, unseen and other columns' values too)", async () => {
    const ds = table(4000, 3);
    const art = await trainScorecard(ds, ['x', 'y', 'noise', 'grade']);
    // the changes hit kept variables (and one column the card does not read, and one not in the table)
    expect(art.variables.map((v) => v.feature)).toEqual(expect.arrayContaining(['x', 'y']));
    const rng = new Rng(11);
    const seen = new Set<number>();
    const pick = () =>
      rng.chance(0.1) ? Number.NaN : rng.chance(0.1) ? 1e9 * (rng.chance(0.5) ? 1 : -1) : rng.normal() * 4;
    for (let t = 0; t < 40; t++) {
      const i = rng.int(0, ds.n - 1);
      const changes = Array.from({ length: 25 }, () => {
        const ch = new Map<string, number>();
        for (const f of ['x', 'y', 'noise', 'absent']) if (rng.chance(0.5)) ch.set(f, pick());
        return ch;
      });
      const expected = scorecardProbability(art, changedRows(ds, i, changes));
      expect(Array.from(scorecardRowSearch(art, ds)(i).variants(changes))).toEqual(Array.from(expected));
      for (const p of expected) seen.add(p);
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
