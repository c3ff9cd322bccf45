import { describe, expect, it } from 'vitest';
import { Rng, sigmoid } from '../../../lib/random.ts';
import type { Dataset } from '../../../models/data/dataset.ts';
import { trainModels } from '../../../models/train.ts';
import { modelCardMarkdown } from '../../../models/model-card.ts';
import { scorecardVersion } from '../../helpers/scorecard-version.ts';

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
