import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureRows } from '../../../models/data/load-features.ts';
import { championHistory, promote, registerModel } from '../../../models/registry/registry.ts';
import type { ModelArtifact, ModelMetrics } from '../../../models/model-types.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

const months = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];
const oot = 'out-of-time: train < 2024-04-30 ≤ test (3 month-ends)';

interface Counts {
  train: { n: number; bads: number };
  test: { n: number; bads: number };
}

/** A book version as the gate reads it; `share` undefined: trained before metrics.loan_share was recorded. */
const bookVersion = (o: {
  target: string;
  auc: number;
  seed: number;
  counts: Counts;
  share?: number;
  split?: string;
  testRows?: string;
}) => ({
  model_name: `${o.target}_gbm`,
  target: o.target,
  kind: 'gbm',
  created_by: 'test',
  seed: o.seed,
  fingerprint: 'f',
  metrics: {
    split: o.split ?? oot,
    ...(o.share === undefined ? {} : { loan_share: o.share }),
    ...(o.testRows ? { test_rows: o.testRows } : {}),
    train: { ...o.counts.train, auc: 0.9 },
    test: { ...o.counts.test, auc: o.auc },
    score_psi: 0.01,
  } as unknown as ModelMetrics,
  artifact: { kind: 'gbm' } as unknown as ModelArtifact,
});

/**
 * A book champion trained before its --loan-share was recorded (2026-12-06) blocked every challenger
 * with advice nobody could follow ("the champion's --loan-share (not recorded …)"): the share is
 * found from the feature table, and a challenger trained as the refusal says is compared.
 */
describe('the promote gate against a book champion whose --loan-share was not recorded', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let sampled: Counts;
  const promoteV = (name: string, version: number) => promote(wh, { name, version, actor: 't', reason: 'r' });
  beforeAll(async () => {
    wh = await testWarehouse('registry_unrecorded_share');
    const rows = (target: string, loans: number) =>
      Array.from({ length: loans }, (_, i) =>
        months.map((month_end, m) => ({
          loan_id: `L${String(i).padStart(9, '0')}`,
          month_end,
          eligible: 1,
          label_observed: 1,
          label: (i * 7 + m) % 9 === 0 ? 1 : 0,
          target,
        })),
      ).flat();
    const insert = (values: ReturnType<typeof rows>) =>
      wh.client.insert({ table: tableRef(wh, 'ew_features'), format: 'JSONEachRow', values });
    const values = rows('dpd30_3m', 400);
    await insert(values);
    // the rows a quarter of the loans gave training before the seed drew the sample (no sampleSeed)
    const ds = await loadFeatureRows(wh, { mode: 'labelled', loanShare: 0.25 });
    const part = (test: boolean) => {
      const labels = ds.period.flatMap((p, i) => (p >= '2024-04-30' === test ? [ds.label[i]!] : []));
      return { n: labels.length, bads: labels.filter((l) => l === 1).length };
    };
    sampled = { train: part(false), test: part(true) };
    // another target's features beside them (the loader reads every target; the gate its champion's)
    await insert(rows('dpd60_6m', 100));
    const all = {
      train: {
        n: 1200,
        bads: values.filter((r) => r.month_end < '2024-04-30' && r.label).length,
      },
      test: {
        n: 1200,
        bads: values.filter((r) => r.month_end >= '2024-04-30' && r.label).length,
      },
    };
    // v1: the champion of before 2026-12-06, seed 7 (which did not draw its sample then)
    await registerModel(wh, bookVersion({ target: 'dpd30_3m', auc: 0.78, seed: 7, counts: sampled }));
    // v2: every loan; v3: trained as the refusal says; v4: another seed's sample of as many rows
    await registerModel(
      wh,
      bookVersion({ target: 'dpd30_3m', auc: 0.8, seed: 1, counts: all, share: 1, testRows: 'all' }),
    );
    const sample = (seed: number) =>
      bookVersion({
        target: 'dpd30_3m',
        auc: 0.8,
        seed,
        counts: sampled,
        share: 0.25,
        split: `${oot}; a 25 % sample of loans (--loan-share 0.25), drawn with --seed ${seed}`,
        testRows: `sample-${seed}`,
      });
    await registerModel(wh, sample(1));
    await registerModel(wh, sample(2));
    // a champion whose rows the feature table no longer holds, and a challenger tested on all loans
    const lost = { train: { n: 150, bads: 9 }, test: { n: 90, bads: 6 } };
    await registerModel(wh, bookVersion({ target: 'dpd60_6m', auc: 0.7, seed: 1, counts: lost }));
    const every = { train: { n: 300, bads: 30 }, test: { n: 300, bads: 30 } };
    await registerModel(
      wh,
      bookVersion({ target: 'dpd60_6m', auc: 0.8, seed: 1, counts: every, share: 1, testRows: 'all' }),
    );
    await promoteV('dpd30_3m_gbm', 1);
    await promoteV('dpd60_6m_gbm', 1);
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));

  it('refuses a challenger on other loans with a command that draws the champion’s sample: its share found, seed 1', async () => {
    expect(sampled.test.n).toBeGreaterThan(150);
    expect(sampled.test.n).toBeLessThan(450);
    await expect(promoteV('dpd30_3m_gbm', 2)).rejects.toThrow(
      `train the challenger on the champion's sample (loanwatch train --model gbm --loan-share 0.25 --seed 1 --oot-months 3; the champion's share was not recorded before 2026-12-06, and the sample of 0.25 that --seed 1 draws, the one every --seed drew then, holds exactly its ${sampled.train.n} training and ${sampled.test.n} test loan-months) and promote that version`,
    );
  });

  it('compares the challenger trained so, and not another seed’s sample of as many rows', async () => {
    await expect(promoteV('dpd30_3m_gbm', 4)).rejects.toThrow(/--loan-share 0\.25 --seed 1 --oot-months 3;/u);
    expect(await promoteV('dpd30_3m_gbm', 3)).toMatchObject({ version: 3, champion_auc: 0.78 });
    expect((await championHistory(wh, 'dpd30_3m')).map((e) => e.version)).toEqual([1, 3]);
  });

  it('whose rows the feature table no longer holds: where its counts are and the share they make now', async () => {
    await expect(promoteV('dpd60_6m_gbm', 2)).rejects.toThrow(
      "train the challenger on the champion's sample (its share was not recorded before 2026-12-06, and the feature table no longer holds its rows, rebuilt for another target or loans corrected since: its model card, models/dpd60_6m_gbm/v1/model-card.md under LOANWATCH_DATA_DIR or train --out, counts them on line 5, 150 training and 90 test loan-months; they are about 0.4 of the 600 labelled loan-months of those month-ends now, a share of about 0.4 drawn with --seed 1, as every --seed drew it then) and promote that version",
    );
  });
});
