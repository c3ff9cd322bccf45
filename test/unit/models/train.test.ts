import { describe, expect, it } from 'vitest';
import { Rng, sigmoid } from '../../../lib/random.ts';
import type { Dataset } from '../../../models/data/dataset.ts';
import { trainModels } from '../../../models/train.ts';
import { modelCardMarkdown } from '../../../models/model-card.ts';
import { scorecardVersion } from '../../helpers/scorecard-version.ts';
import { scoreModel } from '../../../models/model-types.ts';
import { factorOf, offsetOf, pointsOf } from '../../../models/scorecard/scorecard.ts';
import { modelToSql } from '../../../models/export/sql.ts';

/** A seeded table whose one feature raises the risk by `slope` (negative: lowers it). */
function part(n: number, seed: number, slope: number): Dataset {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, () => rng.normal());
  return {
    n,
    columns: [{ name: 'x', kind: 'numeric', values: x }],
    label: Uint8Array.from(x, (v) => (rng.chance(sigmoid(-1 + slope * v)) ? 1 : 0)),
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

describe('a model worse than chance on its test part', () => {
  it('is warned of in the progress lines and in the card; a model that ranks is not', async () => {
    const lines: string[] = [];
    const train = part(3_000, 1, 1.5);
    const [reversed] = await trainModels(train, part(1_000, 2, -1.5), ['x'], 'test', {
      kinds: ['scorecard'],
      seed: 1,
      log: (l) => lines.push(l),
    });
    expect(reversed!.metrics.test.auc).toBeLessThan(0.5);
    // first the ranking; the reversed test rows are off their calibration too (calibration-warnings.ts)
    expect(reversed!.metrics.warnings![0]).toMatch(
      /^scorecard: test AUC 0\.\d{4} ≤ 0\.5: it ranks the test rows no better than chance/u,
    );
    expect(reversed!.metrics.warnings!.slice(1).every((w) => /^(calibration|test probabilities)/u.test(w))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^warning: scorecard: test AUC 0\.\d{4} ≤ 0\.5/u));
    const version = scorecardVersion('reversed', reversed!.artifact as never, train, '');
    const md = modelCardMarkdown({ ...version, metrics: reversed!.metrics });
    expect(md).toMatch(/## Warnings\n\n- scorecard: test AUC 0\.\d{4} ≤ 0\.5/u);

    const [ranking] = await trainModels(train, part(1_000, 3, 1.5), ['x'], 'test', { kinds: ['scorecard'], seed: 1 });
    expect(ranking!.metrics.warnings).toBeUndefined();
    const rankingCard = modelCardMarkdown({ ...version, metrics: ranking!.metrics });
    expect(rankingCard).not.toMatch(/## Warnings/u);
    expect(rankingCard).toContain(
      'Rule: the calibration is fitted and kept on the held-back part alone, never by the test rows',
    );
  });
});

describe('a points scale of the modeler’s (train --points --odds --pdo)', () => {
  it('every kind scores on it, records it, and its exported SQL computes the same points', async () => {
    const scaling = { basePoints: 500, baseOdds: 20, pdo: 40 };
    // a catalogue name: the SQL export reads the book's feature table
    const asLtv = (d: Dataset): Dataset => ({ ...d, columns: d.columns.map((c) => ({ ...c, name: 'ltv' })) });
    const train = asLtv(part(3_000, 4, 1.5));
    const models = await trainModels(train, asLtv(part(1_000, 5, 1.5)), ['ltv'], 'test', {
      kinds: ['scorecard', 'gbm'],
      seed: 1,
      scaling,
    });
    for (const m of models) {
      expect(m.artifact.scaling, m.kind).toEqual(scaling);
      const s = scoreModel(m.artifact, train);
      for (let i = 0; i < 50; i++) expect(s.points[i], m.kind).toBeCloseTo(pointsOf(s.probability[i]!, scaling), 6);
      // the trees' SQL computes points from the probability with the same constants
      if (m.kind === 'gbm')
        expect(modelToSql(m.artifact).stages.join(' ')).toContain(
          `${offsetOf(scaling).toPrecision(17)} + ${factorOf(scaling).toPrecision(17)} * log((1 - probability) / probability)`,
        );
    }
    const gbm = models.find((m) => m.kind === 'gbm')!;
    const card = models.find((m) => m.kind === 'scorecard')!;
    const version = scorecardVersion('g', card.artifact as never, train, '');
    const md = modelCardMarkdown({ ...version, kind: 'gbm', artifact: gbm.artifact, metrics: gbm.metrics });
    expect(md).toContain('## Scaling\n\n500 points at odds 20:1 (good:bad), 40 points to double the odds');
  });
});
