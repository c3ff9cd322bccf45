import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { championHistory, promote, registerModel } from '../../../models/registry/registry.ts';
import { gateVersion } from '../../helpers/gate-version.ts';
import type { ModelArtifact, ModelMetrics } from '../../../models/model-types.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

const version = (name: string, auc: number) => gateVersion(name, auc, 'table:weak:bad');

/** POST …/promote through the app, as a modeler's API key */
async function promoteThroughApi(wh: Parameters<typeof createApp>[0]['wh'], path: string, reason: string) {
  const app = createApp({
    wh,
    log: () => undefined,
    rateLimitPerMinute: 1000,
    maxBodyBytes: 1 << 20,
    snapshotSettings: defaultSettings,
  });
  const { key } = await createApiKey(wh, { role: 'modeler', label: 'm' });
  return app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
}

describe('the promote gate: an AUC floor', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('registry_floor');
    await registerModel(wh, version('weak_scorecard', 0.4639));
    await registerModel(wh, version('weak_scorecard', 0.5));
    await registerModel(wh, version('weak_gbm', 0.71));
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));

  it('refuses a first champion at or below chance, stating the floor; a lower floor lets it through', async () => {
    for (const v of [1, 2])
      await expect(promote(wh, { name: 'weak_scorecard', version: v, actor: 't', reason: 'first' })).rejects.toThrow(
        /promotion refused: test AUC 0\.(4639|5000) is not above the AUC floor 0\.5 \(at 0\.5 a model ranks no better than chance; promote --min-auc sets the floor\)/u,
      );
    expect(await championHistory(wh, 'table:weak:bad')).toEqual([]);
    const e = await promote(wh, {
      name: 'weak_scorecard',
      version: 1,
      actor: 't',
      reason: 'on purpose',
      gate: { minAuc: 0.4 },
    });
    expect(e).toMatchObject({ version: 1, champion_auc: null });
  });

  it('through the API: a 409 naming the floor', async () => {
    const r = await promoteThroughApi(wh, '/v1/models/weak_scorecard/2/promote', 'chance');
    expect(r.status).toBe(409);
    expect(JSON.stringify(await r.json())).toMatch(/not above the AUC floor 0\.5/u);
    const ok = await promoteThroughApi(wh, '/v1/models/weak_gbm/1/promote', 'ranks');
    expect(ok.status).toBe(200);
  });
});

/** A table model's version as the gate reads it: its split, test rows and AUC. */
const tableVersion = (o: {
  name: string;
  auc: number;
  seed: number;
  testRows?: string;
  split?: string;
  target?: string;
}) => ({
  model_name: o.name,
  target: o.target ?? 'table:german:creditability',
  kind: 'scorecard',
  created_by: 'test',
  seed: o.seed,
  fingerprint: 'f',
  metrics: {
    split: o.split ?? `seeded random 70/30 (seed ${o.seed})`,
    ...(o.testRows ? { test_rows: o.testRows } : {}),
    train: { n: 700, bads: 210, auc: 0.9 },
    test: { n: 300, bads: 90, auc: o.auc },
    score_psi: 0.01,
  } as unknown as ModelMetrics,
  artifact: { kind: 'scorecard' } as unknown as ModelArtifact,
});

describe('the promote gate: test AUCs compared on the same test rows only', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const promoteV = (name: string, version: number) => promote(wh, { name, version, actor: 't', reason: 'r' });
  beforeAll(async () => {
    wh = await testWarehouse('registry_same_rows');
    // the review's German runs: seed 1 tested 0.8018 on its own draw, seed 6 0.859 on another
    await registerModel(wh, tableVersion({ name: 'german_scorecard', auc: 0.8018, seed: 1, testRows: 'rows-seed-1' }));
    await registerModel(wh, tableVersion({ name: 'german_scorecard', auc: 0.859, seed: 6, testRows: 'rows-seed-6' }));
    await registerModel(wh, tableVersion({ name: 'german_scorecard', auc: 0.8, seed: 1, testRows: 'rows-seed-1' }));
    await registerModel(wh, tableVersion({ name: 'german_scorecard', auc: 0.82, seed: 1, testRows: 'rows-seed-1' }));
    // versions trained before the test rows were recorded: their split and test size stand in
    await registerModel(wh, tableVersion({ name: 'old_scorecard', auc: 0.75, seed: 2, target: 'table:old:bad' }));
    await registerModel(wh, tableVersion({ name: 'old_scorecard', auc: 0.8, seed: 3, target: 'table:old:bad' }));
    await registerModel(wh, tableVersion({ name: 'old_scorecard', auc: 0.8, seed: 2, target: 'table:old:bad' }));
    // the book's versions: their out-of-time months, all loans or a sample of them (--loan-share)
    const book = (auc: number, cutoff: string, sample = '') => {
      const v = tableVersion({
        name: 'dpd30_3m_gbm',
        auc,
        seed: 1,
        testRows: `rows-${cutoff}${sample}`,
        target: 'dpd30_3m',
        split: `out-of-time: train < ${cutoff} ≤ test (3 month-ends)${sample}`,
      });
      return { ...v, kind: 'gbm', metrics: { ...v.metrics, loan_share: sample ? 0.03 : 1 } };
    };
    for (const [auc, cutoff, sample] of [
      [0.78, '2024-04-30', ''],
      [0.77, '2024-04-30', ''],
      [0.79, '2024-05-31', ''],
      [0.9, '2024-05-31', '; a 3 % sample of loans (--loan-share 0.03), drawn with --seed 1'],
    ] as const)
      await registerModel(wh, book(auc, cutoff, sample));
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));

  it('refuses a challenger tested on another random draw, naming why and the champion’s seed and test share', async () => {
    await promoteV('german_scorecard', 1);
    await expect(promoteV('german_scorecard', 2)).rejects.toThrow(
      "promotion refused: the test AUCs are not comparable: german_scorecard v2 was tested on other rows than the champion german_scorecard v1 (seeded random 70/30 (seed 6), 300 rows; the champion: seeded random 70/30 (seed 1), 300 rows), and a test AUC moves with the rows drawn, so a lead between two draws can be luck of the split; train the challenger with the champion's split (train --table on the same table with --seed 1 --test-share 0.3) and promote that version",
    );
    expect((await championHistory(wh, 'table:german:creditability')).map((e) => e.version)).toEqual([1]);
  });

  it('compares on the same rows, calling a table model’s figure its test AUC', async () => {
    await expect(promoteV('german_scorecard', 3)).rejects.toThrow(
      /^promotion refused: test AUC 0\.8000 does not beat the champion german_scorecard v1 \(0\.8018\) by 0\.005$/u,
    );
    expect(await promoteV('german_scorecard', 4)).toMatchObject({ version: 4, champion_auc: 0.8018 });
  });

  it('versions without recorded test rows compare when their split and test size are the same', async () => {
    await promoteV('old_scorecard', 1);
    await expect(promoteV('old_scorecard', 2)).rejects.toThrow(
      /the test AUCs are not comparable: .*--seed 2 --test-share 0\.3/u,
    );
    expect(await promoteV('old_scorecard', 3)).toMatchObject({ version: 3, champion_auc: 0.75 });
  });

  it('the book’s versions compare their out-of-time AUCs as before', async () => {
    await promoteV('dpd30_3m_gbm', 1);
    await expect(promoteV('dpd30_3m_gbm', 2)).rejects.toThrow(
      /^promotion refused: out-of-time AUC 0\.7700 does not beat the champion dpd30_3m_gbm v1 \(0\.7800\) by 0\.005$/u,
    );
    expect(await promoteV('dpd30_3m_gbm', 3)).toMatchObject({ version: 3, champion_auc: 0.78 });
  });

  it('a book version trained on a sample of loans (--loan-share) is not compared with one tested on all of them', async () => {
    await expect(promoteV('dpd30_3m_gbm', 4)).rejects.toThrow(
      "promotion refused: the out-of-time AUCs are not comparable: dpd30_3m_gbm v4 was tested on other rows than the champion dpd30_3m_gbm v3 (out-of-time: train < 2024-05-31 ≤ test (3 month-ends); a 3 % sample of loans (--loan-share 0.03), drawn with --seed 1, 300 rows; the champion: out-of-time: train < 2024-05-31 ≤ test (3 month-ends), 300 rows), and an AUC on another sample of loans (a smaller one: noisier) can lead by luck; train the challenger on the champion's sample (loanwatch train --model gbm --loan-share 1 --oot-months 3) and promote that version",
    );
  });

  it('through the API: a 409 naming the split', async () => {
    const r = await promoteThroughApi(wh, '/v1/models/german_scorecard/2/promote', 'a better draw');
    expect(r.status).toBe(409);
    expect(JSON.stringify(await r.json())).toMatch(/the test AUCs are not comparable: .*--seed 1 --test-share 0\.3/u);
  });
});
