import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import type { ModelVersion } from './registry.ts';
import { unrecordedShare } from './unrecorded-share.ts';

export const isTableModel = (m: ModelVersion) => m.target.startsWith('table:');

/** A book split's out-of-time months (`out-of-time: train < 2023-10-31 ≤ test (6 month-ends)`), without the sample it names after them. */
const testMonths = (split: string) => split.split(';')[0]!;

/**
 * The seed that drew a book version's sample of loans, or null when it took every loan. A version
 * trained before the share was recorded had the sample seed 1 draws now (6bf043f), whatever its seed.
 */
const sampleSeed = (m: ModelVersion): number | null =>
  m.metrics.loan_share === undefined ? 1 : m.metrics.loan_share < 1 ? m.seed : null;

/**
 * Same test rows: the same test-part fingerprint, or for versions trained before it was recorded
 * the same split and test size. A book split names its sample since 6bf043f and not before, so book
 * versions compare their months and the seed that drew their samples: samples of one seed are
 * nested, and the same months with as many rows and bads are the same rows.
 */
function sameTestRows(challenger: ModelVersion, champion: ModelVersion): boolean {
  const [a, b] = [challenger.metrics, champion.metrics];
  if (a.test_rows && b.test_rows) return a.test_rows === b.test_rows;
  if (a.test.n !== b.test.n || a.test.bads !== b.test.bads) return false;
  if (isTableModel(challenger)) return a.split === b.split;
  const [x, y] = [sampleSeed(challenger), sampleSeed(champion)];
  return x === null || y === null || x === y;
}

/** The flags of `train` that draw a book version's test part again: its target, sample and out-of-time months. */
function bookTrainFlags(m: ModelVersion, sample: string): string {
  const months = /\((\d+) month-ends\)/u.exec(m.metrics.split)?.[1];
  const target = /^dpd(\d+)_(\d+)m$/u.exec(m.target);
  const targetFlags =
    target && m.target !== targetName(defaultTarget) ? ` --horizon ${target[2]!} --threshold ${target[1]!}` : '';
  return `${targetFlags} ${sample}${months ? ` --oot-months ${months}` : ''}`;
}

/**
 * How to train a challenger on the book champion's sample. Its share was not recorded before
 * 2026-12-06 (metrics.loan_share): the feature table gives it then (unrecorded-share.ts), else the
 * refusal says where the champion's row counts are and what share they come to.
 */
async function championSample(wh: Warehouse, champion: ModelVersion, kind: string): Promise<string> {
  const run = (sample: string) => `loanwatch train --model ${kind}${bookTrainFlags(champion, sample)}`;
  const share = champion.metrics.loan_share;
  if (share !== undefined) return run(share < 1 ? `--loan-share ${share} --seed ${champion.seed}` : '--loan-share 1');
  const found = await unrecordedShare(wh, champion);
  const q = champion.metrics;
  const counts = `${q.train.n} training and ${q.test.n} test loan-months`;
  if (found && 'share' in found) {
    const [sample, holds] =
      found.share < 1
        ? [
            `--loan-share ${found.share} --seed 1`,
            `the sample of ${found.share} that --seed 1 draws, the one every --seed drew then, holds`,
          ]
        : ['--loan-share 1', 'all the loans hold'];
    return `${run(sample)}; the champion's share was not recorded before 2026-12-06, and ${holds} exactly its ${counts}`;
  }
  const about =
    found && 'about' in found && found.about !== null
      ? `; they are about ${found.about} of the ${found.labelled} labelled loan-months of those month-ends now, a share of about ${found.about} drawn with --seed 1, as every --seed drew it then`
      : '';
  return `its share was not recorded before 2026-12-06, and the feature table no longer holds its rows, rebuilt for another target or loans corrected since: its model card, models/${champion.model_name}/v${champion.version}/model-card.md under LOANWATCH_DATA_DIR or train --out, counts them on line 5, ${counts}${about}`;
}

/**
 * Why the challenger's test AUC cannot be set against the champion's, or null. A table model's test
 * part is a seeded random draw of the rows, and the AUC moves with the draw (German credit's same
 * model over seeds 1–8: 0.771–0.859), so a lead between two draws can be luck of the split. A book
 * model's out-of-time months are the same, but trained with --loan-share its test part is that
 * sample's loans (1,691 loan-months and 76 bads at 3 % against 17,686 at 30 %): the same rule
 * applies to versions tested on the same months. A book version tested on other months (a longer
 * book) is compared as before (docs/models.md, Registry).
 */
export async function testPartsDiffer(
  wh: Warehouse,
  challenger: ModelVersion,
  champion: ModelVersion,
): Promise<string | null> {
  const a = challenger.metrics;
  const b = champion.metrics;
  if (!isTableModel(challenger) && testMonths(a.split) !== testMonths(b.split)) return null;
  if (sameTestRows(challenger, champion)) return null;
  const named = `${challenger.model_name} v${challenger.version} was tested on other rows than the champion ${champion.model_name} v${champion.version} (${a.split}, ${a.test.n} rows; the champion: ${b.split}, ${b.test.n} rows)`;
  if (!isTableModel(challenger))
    return `the out-of-time AUCs are not comparable: ${named}, and an AUC on another sample of loans (a smaller one: noisier) can lead by luck; train the challenger on the champion's sample (${await championSample(wh, champion, challenger.kind)}) and promote that version`;
  const testShare = Math.round((100 * b.test.n) / (b.train.n + b.test.n)) / 100;
  return `the test AUCs are not comparable: ${named}, and a test AUC moves with the rows drawn, so a lead between two draws can be luck of the split; train the challenger with the champion's split (train --table on the same table with --seed ${champion.seed} --test-share ${testShare}) and promote that version`;
}
