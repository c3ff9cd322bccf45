import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random.ts';
import type { Dataset } from '../../../models/data/dataset.ts';
import { modelCardJson, modelCardMarkdown } from '../../../models/model-card.ts';
import { defaultBinning } from '../../../models/scorecard/binning.ts';
import type { BinningTable } from '../../../models/scorecard/binning-table.ts';
import {
  defaultScorecardOptions,
  pointsOf,
  scoreScorecard,
  trainScorecard,
} from '../../../models/scorecard/scorecard.ts';
import { scorecardVersion } from '../../helpers/scorecard-version.ts';

const periods = Array.from({ length: 8 }, (_, m) => `2023-${String(m + 1).padStart(2, '0')}-28`);

/**
 * 8 monthly periods: `flip` is ascending in three bands whose upper two swap in May; `hump` peaks in
 * the middle; `noise` carries nothing.
 */
function book(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const flip = new Float64Array(n);
  const hump = new Float64Array(n);
  const noise = new Float64Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = periods[i % periods.length]!;
    flip[i] = rng.uniform(0, 3);
    hump[i] = rng.chance(0.04) ? Number.NaN : rng.uniform(0, 1);
    noise[i] = rng.uniform(0, 1);
    const band = Math.floor(flip[i]!);
    const z =
      [-3, -1.9, -0.9][p === periods[4] ? [0, 2, 1][band]! : band]! +
      (Number.isNaN(hump[i]!) ? 0.5 : 1.6 * Math.exp(-(((hump[i]! - 0.5) / 0.15) ** 2)));
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
    period.push(p);
  }
  return {
    n,
    columns: [
      { name: 'flip', kind: 'numeric', values: flip },
      { name: 'hump', kind: 'numeric', values: hump },
      { name: 'noise', kind: 'numeric', values: noise },
    ],
    label,
    period,
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('model card: the binning tables and their stability figure', async () => {
  const ds = book(24_000, 4);
  const art = await trainScorecard(ds, ['flip', 'hump', 'noise'], {
    ...defaultScorecardOptions,
    binning: { ...defaultBinning, trend: 'auto', timeStable: true, maxBins: 8, minBinShare: 0.03 },
  });
  const version = scorecardVersion('shaped_scorecard', art, ds, periods.at(-1)!);
  const md = modelCardMarkdown(version);
  const json = modelCardJson(version) as { binning?: BinningTable[] };
  const table = (f: string) => json.binning!.find((t) => t.feature === f)!;

  it('the JSON card holds every feature’s binning table, strongest first, with IV equal to the sum of its bins’ terms', () => {
    expect(json.binning!.map((t) => t.feature).sort()).toEqual(['flip', 'hump', 'noise']);
    for (let k = 1; k < json.binning!.length; k++)
      expect(json.binning![k]!.iv).toBeLessThanOrEqual(json.binning![k - 1]!.iv);
    for (const t of json.binning!) expect(Math.abs(t.iv - t.rows.reduce((s, r) => s + r.iv, 0))).toBeLessThan(1e-12);
  });

  it('auto finds the hump a peak; the time-stable merge of the flipping feature is reported with May', () => {
    expect(table('hump').trend).toMatchObject({ requested: 'auto', chosen: 'peak' });
    const flip = table('flip');
    expect(flip.time_stable_merges!.some((m) => m.periods.includes(periods[4]!))).toBe(true);
    expect(flip.stability).toMatchObject({ periods: 8, order_held_share: 1, flipped_periods: [] });
  });

  it('the markdown card shows the overview with the stability figure and each kept variable’s table', () => {
    expect(md).toContain('## Binning');
    expect(md).toContain('| variable | kept | trend | bins | IV | order held | max period PSI | time-stable merges |');
    const flip = table('flip');
    const st = flip.stability!;
    expect(md).toContain(
      `| flip | yes | auto → ${flip.trend!.chosen} | ${flip.rows.length} | ${flip.iv.toFixed(4)} | ${st.held}/${st.judged} (100 %) | ${st.max_period_psi.toFixed(4)} | ${flip.time_stable_merges!.length} |`,
    );
    expect(md).toContain('### hump');
    expect(md).toMatch(/Time-stable merges: .*order flipped in 2023-05-28/u);
    expect(md).toContain('| bin | count | share | bads | event rate | WoE | IV |');
    for (const r of table('hump').rows) expect(md).toContain(`| ${r.bin} | ${r.count} |`);
  });

  it('the grade scale: each grade’s probability and points, and every scored row’s points inside its grade’s', () => {
    expect(md).toContain('## Grades');
    const rows = [...md.matchAll(/^\| ([A-E]) \| [^|]* \| ([^|]*) \|$/gmu)].map((m) => [m[1]!, m[2]!] as const);
    expect(rows.map(([g]) => g)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(md).toContain(`| A | p < 1 % | > ${pointsOf(0.01).toFixed(1)} |`);
    expect(md).toContain(`| C | 3 % ≤ p < 10 % | > ${pointsOf(0.1).toFixed(1)} and ≤ ${pointsOf(0.03).toFixed(1)} |`);
    expect(md).toContain(`| E | 25 % ≤ p | ≤ ${pointsOf(0.25).toFixed(1)} |`);
    const s = scoreScorecard(art, ds);
    const edges = [Infinity, ...art.gradeEdges.map((e) => pointsOf(e, art.scaling)), -Infinity];
    for (const i of [0, 1, 11_999, ds.n - 1]) {
      const k = 'ABCDE'.indexOf(s.grade[i]!);
      expect(s.points[i]!).toBeLessThanOrEqual(edges[k]! + 1e-9);
      expect(s.points[i]!).toBeGreaterThan(edges[k + 1]! - 1e-9);
    }
  });

  it('without the time-stable option the same feature’s order is seen to flip in May', async () => {
    const plain = await trainScorecard(ds, ['flip'], {
      ...defaultScorecardOptions,
      binning: { ...defaultBinning, trend: 'auto', maxBins: 8, minBinShare: 0.03 },
    });
    const st = plain.binningTables![0]!.stability!;
    expect(st.flipped_periods).toContain(periods[4]);
    expect(st.order_held_share).toBeLessThan(1);
  });
});
