import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { championHistory, promote, registerModel } from '../../../models/registry/registry.ts';
import type { ModelArtifact, ModelMetrics } from '../../../models/model-types.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A registered version as far as the gate reads it: its test AUC and score PSI. */
const version = (name: string, auc: number) => ({
  model_name: name,
  target: 'table:weak:bad',
  kind: 'scorecard',
  created_by: 'test',
  seed: 1,
  fingerprint: 'f',
  metrics: { test: { auc }, score_psi: 0.01 } as unknown as ModelMetrics,
  artifact: { kind: 'scorecard' } as unknown as ModelArtifact,
});

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
        /promotion refused: out-of-time AUC 0\.(4639|5000) is not above the AUC floor 0\.5 \(at 0\.5 a model ranks no better than chance; promote --min-auc sets the floor\)/u,
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
    const app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 1000,
      maxBodyBytes: 1 << 20,
      snapshotSettings: defaultSettings,
    });
    const { key } = await createApiKey(wh, { role: 'modeler', label: 'm' });
    const r = await app.request('/v1/models/weak_scorecard/2/promote', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'chance' }),
    });
    expect(r.status).toBe(409);
    expect(JSON.stringify(await r.json())).toMatch(/not above the AUC floor 0\.5/u);
    const ok = await app.request('/v1/models/weak_gbm/1/promote', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'ranks' }),
    });
    expect(ok.status).toBe(200);
  });
});
