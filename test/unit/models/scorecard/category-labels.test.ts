import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Dataset } from '../../../../models/data/dataset.ts';
import { modelCardJson, modelCardMarkdown } from '../../../../models/model-card.ts';
import { defaultBinning } from '../../../../models/scorecard/binning.ts';
import { categoriesLabel, ruleLabel, type BinningTable } from '../../../../models/scorecard/binning-table.ts';
import { defaultScorecardOptions, trainScorecard } from '../../../../models/scorecard/scorecard.ts';
import { scorecardVersion } from '../../../helpers/scorecard-version.ts';

/** Categories holding the characters a label could be split on: commas, the quote, the pipe, a backslash. */
const awkward = [
  'building society savings agreement/ life insurance',
  'car or other, not in attribute Savings account/bonds',
  'real estate',
  'unknown / no property',
  'a, b, c',
  'say "hi", then leave',
  'left | right',
  'back\\slash, too',
];

/** Label parsed back to its categories: the label is a comma list of JSON strings. */
const parse = (label: string) => JSON.parse(`[${label}]`) as string[];

function table(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const codes = Int32Array.from({ length: n }, () => rng.int(0, awkward.length - 1));
  // two risk levels, so that the binning merges categories into few bins
  const label = Uint8Array.from(codes, (c) => (rng.chance(c % 2 ? 0.3 : 0.08) ? 1 : 0));
  return {
    n,
    columns: [{ name: 'property', kind: 'categorical', levels: awkward, codes }],
    label,
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('category bin labels', () => {
  it('each category is quoted, so a label reads back to exactly its categories', () => {
    for (let k = 1; k <= awkward.length; k++) {
      const values = awkward.slice(awkward.length - k);
      expect(parse(ruleLabel({ type: 'categories', values }))).toEqual(values);
      expect(parse(categoriesLabel(values))).toEqual(values);
    }
    expect(ruleLabel({ type: 'categories', values: ['a, b', 'c'] })).toBe('"a, b", "c"');
    expect(ruleLabel({ type: 'categories', values: ['统一'] })).toBe('"统一"');
  });

  it.each([3_000, 12_000])(
    '%i rows: the card’s binning and points tables name each merged category once',
    async (n) => {
      const ds = table(n, n);
      const art = await trainScorecard(ds, ['property'], {
        ...defaultScorecardOptions,
        binning: { ...defaultBinning, maxBins: 3, minBinShare: 0.05 },
      });
      const v = art.variables.find((x) => x.feature === 'property');
      expect(v).toBeDefined();
      const version = scorecardVersion('awkward_scorecard', art, ds, '');
      const json = modelCardJson(version) as { binning?: BinningTable[] };
      const rows = json.binning!.find((t) => t.feature === 'property')!.rows.filter((r) => r.type === 'categories');
      // some bin merges several categories holding commas: the case a bare ", " join made unreadable
      expect(rows.some((r) => parse(r.bin).length > 1)).toBe(true);
      const read = rows.flatMap((r) => parse(r.bin));
      expect(read.sort()).toEqual([...awkward].sort());
      const md = modelCardMarkdown(version);
      // markdown cells escape the pipe; unescaped, each cell reads back to the bin's categories
      const cells = md
        .split('\n')
        // (a bin no row fell in names the bin it scores as: not one of the categories' own rows)
        .filter((l) => l.startsWith('| property | ') && l.includes('"') && !l.includes('(scored as '))
        .map((l) =>
          l
            .split(/(?<!\\)\|/u)[3]!
            .trim()
            .replace(/\\\|/gu, '|'),
        );
      expect(cells.length).toBe(v!.bins.filter((b) => b.rule.type === 'categories').length);
      for (const c of cells)
        expect(
          v!.bins.some((b) => b.rule.type === 'categories' && parse(c).join('\0') === b.rule.values.join('\0')),
        ).toBe(true);
      const binningCells = md
        .split('\n')
        .filter((l) => l.startsWith('| "'))
        .map((l) =>
          l
            .split(/(?<!\\)\|/u)[1]!
            .trim()
            .replace(/\\\|/gu, '|'),
        );
      expect(binningCells.flatMap(parse).sort()).toEqual([...awkward].sort());
    },
  );
});
