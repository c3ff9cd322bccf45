import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../../../../bin/commands/evaluate.ts';
import type { Output } from '../../../../bin/cli/output.ts';
import type { ModelArtifact, ModelMetrics } from '../../../../models/model-types.ts';
import { promote, registerModel } from '../../../../models/registry/registry.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

const version = (auc: number) => ({
  model_name: 'german_gbm',
  target: 'table:german:creditability',
  kind: 'gbm',
  created_by: 'test',
  seed: 1,
  fingerprint: 'f',
  metrics: {
    test: { auc, ks: 0.4 },
    score_psi: 0.01,
    split: 'seeded random 70/30 (seed 1)',
  } as unknown as ModelMetrics,
  artifact: { kind: 'gbm' } as unknown as ModelArtifact,
});

/** `evaluate NAME` reads the version `score NAME` scores with, and says which and why. */
describe('evaluate NAME picks the version score NAME uses', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const lines: string[] = [];
  const out: Output = { line: (l) => void lines.push(l), write: () => Promise.resolve() };
  beforeAll(async () => {
    wh = await testWarehouse('evaluate_version');
    await registerModel(wh, version(0.786));
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));

  it('the latest while none is champion, the champion once one is, a named version as named', async () => {
    await runEvaluate(wh, out, { model: 'german_gbm', format: 'table' });
    expect(lines.at(-1)).toMatch(
      /^german_gbm v1 \(its latest version: no version of german_gbm is champion of table:german:creditability; gbm, /u,
    );
    await promote(wh, { name: 'german_gbm', version: 1, actor: 't', reason: 'first' });
    await registerModel(wh, version(0.7385));
    await runEvaluate(wh, out, { model: 'german_gbm', format: 'table' });
    expect(lines.at(-1)).toMatch(
      /^german_gbm v1 \(the champion of table:german:creditability, the version score uses by this name; gbm, .*test AUC 0\.7860/u,
    );
    await runEvaluate(wh, out, { model: 'german_gbm@2', format: 'json' });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ version: 2, version_chosen: 'as named' });
  });
});
