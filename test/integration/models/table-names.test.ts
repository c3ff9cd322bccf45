import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, sigmoid } from '../../../lib/random.ts';
import { trainTableModels } from '../../../models/workflows.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** A seeded table named application.csv in its own folder: `columns` numeric features, the first driving the outcome. */
function table(dir: string, columns: string[], target: string, seed: number): string {
  const rng = new Rng(seed);
  const lines = [[...columns, target].join(',')];
  for (let i = 0; i < 1_200; i++) {
    const x = columns.map(() => rng.normal());
    lines.push([...x.map((v) => v.toFixed(3)), rng.chance(sigmoid(-1 + 1.5 * x[0]!)) ? 1 : 0].join(','));
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'application.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('a model name taken by another table', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('table_names');
  }, 60_000);
  afterAll(() => disposeIfOpened(wh));
  const train = (path: string, target: string, name?: string) =>
    trainTableModels(wh, {
      path,
      target,
      testShare: 0.3,
      seed: 1,
      kinds: ['scorecard'],
      actor: 'test',
      outDir: join(wh.dir, 'models'),
      log: () => undefined,
      ...(name ? { name } : {}),
    });

  it('is refused naming the conflict and --name; the same table (a column added) is a new version', async () => {
    const home = table(join(wh.dir, 'home'), ['ext_source', 'days_birth'], 'DEFAULTED', 1);
    expect((await train(home, 'DEFAULTED'))[0]!.model.version).toBe(1);
    // another table under the same file name: another target, or the same target without the earlier columns
    const german = table(join(wh.dir, 'x'), ['duration', 'amount'], 'creditability', 2);
    await expect(train(german, 'creditability')).rejects.toThrow(
      /^application_scorecard already has versions trained on another table \(application_scorecard@1: target table:application:DEFAULTED, this table's is table:application:creditability\): these models would register as its next version; give --name with another name to register them apart \(the name comes from the file name\)$/u,
    );
    const sameTarget = table(join(wh.dir, 'y'), ['duration', 'amount'], 'DEFAULTED', 3);
    await expect(train(sameTarget, 'DEFAULTED')).rejects.toThrow(
      /columns ext_source, days_birth that this table lacks/u,
    );
    expect((await train(german, 'creditability', 'german'))[0]!.model.model_name).toBe('german_scorecard');
    const grown = table(join(wh.dir, 'home2'), ['ext_source', 'days_birth', 'cnt_children'], 'DEFAULTED', 4);
    expect((await train(grown, 'DEFAULTED'))[0]!.model).toMatchObject({
      model_name: 'application_scorecard',
      version: 2,
    });
  }, 120_000);

  it('a file name without a letter a-z (德国信贷.csv) is refused naming --name; with it the models register', async () => {
    const german = table(join(wh.dir, 'cjk'), ['duration', 'amount'], 'creditability', 5);
    for (const file of ['德国信贷.csv', '德国 信贷 (2).csv', '2024.csv']) {
      const path = join(wh.dir, 'cjk', file);
      writeFileSync(path, readFileSync(german));
      await expect(train(path, 'creditability'), file).rejects.toThrow(
        `the file name ${file} gives the models no name (letters a-z, digits and _ only): give one with --name`,
      );
    }
    const named = join(wh.dir, 'cjk', '德国信贷.csv');
    expect((await train(named, 'creditability', 'german_cjk'))[0]!.model.model_name).toBe('german_cjk_scorecard');
    // letters a-z among others keep the name they give
    const mixed = join(wh.dir, 'cjk', '信贷_german.csv');
    writeFileSync(mixed, readFileSync(german));
    expect((await train(mixed, 'creditability'))[0]!.model.model_name).toBe('__german_scorecard');
  }, 120_000);
});
