import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auc, brier, ece } from '../../../models/evaluate/metrics.ts';
import { fingerprint, subset } from '../../../models/data/dataset.ts';
import { loadFeatureTable } from '../../../models/data/load-table.ts';
import { randomSplit } from '../../../models/data/split.ts';
import { readSplitFile } from '../../../models/data/split-file.ts';
import { scoreModel } from '../../../models/model-types.ts';
import { listModels, type ModelVersion } from '../../../models/registry/registry.ts';
import { scoreTableFile, scoreTableRecords, tableModelTarget, type RowValue } from '../../../models/score-table.ts';
import { knownCategories } from '../../../models/unseen-categories.ts';
import { trainTableModels, type Registered } from '../../../models/workflows.ts';
import { UserError } from '../../../lib/user-error.ts';
import { csvRecords } from '../../../lib/csv-records.ts';
import { createReadStream } from 'node:fs';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../helpers/warehouse.ts';
import { sharedData } from '../../helpers/shared-data.ts';

const german = sharedData('german_credit', 'germancredit.csv');
const load = { target: 'creditability', badValue: 'bad' };

async function readCsv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const all: string[][] = [];
  for await (const r of csvRecords(createReadStream(path, { encoding: 'utf8' })))
    if (r.fields.length > 1) all.push(r.fields);
  const [header, ...rows] = all;
  return { header: header!, rows };
}

/** Score a table with the model trained on it: round trip, split file, refusals; one-class refusal before registering. */
describe('score any table with a table model', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let trained: Registered[];
  const logs: string[] = [];
  const dir = tmpDir('score-table');

  beforeAll(async () => {
    wh = await testWarehouse('score_table');
    trained = await trainTableModels(wh, {
      path: german,
      ...load,
      testShare: 0.3,
      seed: 7,
      kinds: ['scorecard', 'network', 'gbm'],
      actor: 'test',
      outDir: join(dir, 'models'),
      log: (l) => logs.push(l),
    });
  }, 240_000);
  afterAll(() => disposeIfOpened(wh));

  it('prints a line per stage, each epoch and every 25 rounds with the running validation AUC', () => {
    expect(logs[0]).toMatch(/^loading .*germancredit\.csv$/u);
    expect(logs).toContain('loaded 1000 rows: 7 numeric and 13 categorical features');
    expect(logs).toContain('split (seed 7): 700 rows to train, 300 to test');
    expect(logs).toContain('scorecard: binning 20 features, selecting, fitting');
    expect(logs.some((l) => /^network epoch 1: validation loss \d\.\d+, AUC 0\.\d{4}$/u.test(l))).toBe(true);
    expect(logs.some((l) => /^gbm round 25: validation loss \d\.\d+, AUC 0\.\d{4}$/u.test(l))).toBe(true);
    expect(logs.some((l) => /^network: trained in [\d.]+ s; test AUC 0\.\d{4}$/u.test(l))).toBe(true);
    expect(logs.filter((l) => l.startsWith('registered '))).toHaveLength(3);
  });

  it('the split file reproduces the card: its training rows give the registered fingerprint', async () => {
    const ds = await loadFeatureTable(german, load);
    for (const { model, cardDir } of trained) {
      expect(model.metrics.split_file).toBe('split.csv');
      expect(readFileSync(join(cardDir, 'model-card.md'), 'utf8')).toMatch(/train\/test membership: `split\.csv`/u);
      const split = readSplitFile(join(cardDir, 'split.csv'));
      expect(split.train.length).toBe(model.metrics.train.n);
      expect(split.test.length).toBe(model.metrics.test.n);
      expect(await fingerprint(subset(ds, split.train))).toBe(model.fingerprint);
      // the held-back part (early stopping and calibration) is inside the training window
      expect(split.heldBack.length).toBe(model.metrics.probability_calibration!.rows);
      const train = new Set(split.train);
      expect(Array.from(split.heldBack).every((i) => train.has(i))).toBe(true);
    }
    expect(Array.from(readSplitFile(join(trained[0]!.cardDir, 'split.csv')).train)).toEqual(
      Array.from(randomSplit(ds, 0.7, 7).trainIdx),
    );
  });

  it('scoring the file gives the in-training probabilities and the card test AUC to 1e-9', async () => {
    const ds = await loadFeatureTable(german, load);
    for (const { model, cardDir } of trained) {
      const { scores, unseenCategories } = await scoreTableFile(model, german);
      expect(unseenCategories).toEqual({});
      expect(scores).toHaveLength(1000);
      const { test } = readSplitFile(join(cardDir, 'split.csv'));
      const pTest = Float64Array.from(test, (i) => scores[i]!.probability);
      const testDs = subset(ds, test);
      expect(Math.abs(auc(pTest, testDs.label) - model.metrics.test.auc)).toBeLessThan(1e-9);
      // the scores are the calibrated probabilities the card measured: Brier and ECE after calibration
      expect(Math.abs(brier(pTest, testDs.label) - model.metrics.test.brier)).toBeLessThan(1e-12);
      expect(Math.abs(ece(pTest, testDs.label) - model.metrics.probability_calibration!.test.ece_after)).toBeLessThan(
        1e-12,
      );
      const inTraining = scoreModel(model.artifact, testDs);
      test.forEach((i, k) => {
        expect(scores[i]!.probability).toBe(inTraining.probability[k]);
        expect(scores[i]!.points).toBe(inTraining.points[k]);
        expect(scores[i]!.grade).toBe(inTraining.grade[k]);
        expect(scores[i]!.reasons).toEqual(inTraining.reasons[k]);
      });
      expect(scores[0]).toMatchObject({ row: 1, model_name: model.model_name, model_version: model.version });
      expect(scores[0]!.grade).toMatch(/^[A-E]$/u);
    }
    expect(trained[0]!.model.artifact.kind).toBe('scorecard');
    expect((await scoreTableFile(trained[0]!.model, german)).scores.some((s) => s.reasons.length === 3)).toBe(true);
  });

  it('JSON rows (numbers as numbers, extra keys, no target) score the same as the file', async () => {
    const { header, rows } = await readCsv(german);
    const model = trained[0]!.model;
    const { scores: fromFile } = await scoreTableFile(model, german);
    const records = rows.slice(0, 50).map((r) => {
      const o: Record<string, RowValue> = { extra_column: 'ignored' };
      header.forEach((h, j) => {
        if (h !== 'creditability') o[h] = Number.isFinite(Number(r[j])) ? Number(r[j]) : r[j]!;
      });
      return o;
    });
    const { scores: fromJson } = scoreTableRecords(model, records);
    expect(fromJson.map((s) => s.probability)).toEqual(fromFile.slice(0, 50).map((s) => s.probability));
  });

  it('missing columns and type mismatches are refused naming the column; an unseen category scores as the riskiest bin', async () => {
    const model = trained[0]!.model;
    if (model.artifact.kind !== 'scorecard') throw new Error('expected the scorecard first');
    const { header, rows } = await readCsv(german);
    const cells: Record<string, string> = Object.fromEntries(header.map((h, j) => [h, rows[0]![j]!]));
    const row: Record<string, RowValue> = cells;
    const numericVar = model.artifact.variables.find((v) => v.kind === 'numeric')!;
    const catVar = model.artifact.variables.find((v) => v.kind === 'categorical')!;

    const { [numericVar.feature]: _gone, ...without } = row;
    expect(() => scoreTableRecords(model, [row, without])).toThrow(UserError);
    expect(() => scoreTableRecords(model, [row, without])).toThrow(
      new RegExp(`^row 2: no column "${numericVar.feature}", which germancredit_scorecard@1 reads`, 'u'),
    );
    expect(() => scoreTableRecords(model, [{ ...row, [numericVar.feature]: 'lots' }])).toThrow(
      new RegExp(`column ${numericVar.feature}, row 1: "lots" is not a number`, 'u'),
    );
    expect(() => scoreTableRecords(model, [{ ...row, [numericVar.feature]: true }])).toThrow(
      new RegExp(`row 1, column "${numericVar.feature}": expected a number, text or null, got boolean`, 'u'),
    );

    const badFile = join(dir, 'no-column.csv');
    writeFileSync(badFile, `${header.filter((h) => h !== catVar.feature).join(',')}\n`);
    await expect(scoreTableFile(model, badFile)).rejects.toThrow(
      new RegExp(`no-column\\.csv: no column "${catVar.feature}"`, 'u'),
    );

    const {
      scores: [unseen],
    } = scoreTableRecords(model, [{ ...row, [catVar.feature]: 'never seen in training' }]);
    const {
      scores: [known],
    } = scoreTableRecords(model, [row]);
    const riskiest = catVar.bins.reduce((a, b) => (b.woe > a.woe ? b : a));
    const knownBin = catVar.bins.find(
      (b) => b.rule.type === 'categories' && b.rule.values.includes(cells[catVar.feature]!),
    )!;
    expect(unseen!.points - known!.points).toBeCloseTo(riskiest.points - knownBin.points, 9);
  });

  it('counts the rows of each column whose category the model never saw (every kind), none for missing cells', async () => {
    const { header, rows } = await readCsv(german);
    const records = rows
      .slice(0, 60)
      .map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]!])) as Record<string, RowValue>);
    for (const { model } of trained) {
      const known = knownCategories(model.artifact);
      const [first, second] = [...known.keys()];
      expect(first, model.model_name).toBeDefined();
      // 37 rows with a new category in one column, one in another (when the model reads two), three left empty
      const changed = records.map((r, i) => ({
        ...r,
        ...(i < 37 ? { [first!]: 'a category never seen' } : i < 40 ? { [first!]: null } : {}),
        ...(second !== undefined && i === 59 ? { [second]: 'also new' } : {}),
      }));
      const { unseenCategories } = scoreTableRecords(model, changed);
      expect(unseenCategories, model.model_name).toEqual(
        second === undefined ? { [first!]: 37 } : { [first!]: 37, [second]: 1 },
      );
      expect(scoreTableRecords(model, records).unseenCategories).toEqual({});
    }
    // a file the same: the categories of the table the model was trained on are all known
    expect((await scoreTableFile(trained[2]!.model, german)).unseenCategories).toEqual({});
  });

  it('a model trained with --missing-markers scores a table holding them as it trained: each such cell as an empty one', async () => {
    const { header, rows } = await readCsv(german);
    const amount = header.indexOf('credit_amount');
    const write = (name: string, cell: string) => {
      const path = join(dir, name);
      const marked = rows.map((r, i) => (i % 40 === 3 ? r.map((v, j) => (j === amount ? cell : v)) : r));
      const field = (v: string) => (/[",\r\n]/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
      writeFileSync(path, `${[header, ...marked].map((r) => r.map(field).join(',')).join('\n')}\n`);
      return path;
    };
    const unknown = write('german-unknown.csv', 'unknown');
    const [scorecard] = await trainTableModels(wh, {
      path: unknown,
      ...load,
      missingMarkers: ['NA', 'unknown'],
      testShare: 0.3,
      seed: 7,
      kinds: ['scorecard'],
      actor: 'test',
      outDir: join(dir, 'models'),
      log: () => undefined,
      name: 'marked',
    });
    const model = scorecard!.model;
    expect(model.artifact.missingMarkers).toEqual(['NA', 'unknown']);
    const byMarker = (await scoreTableFile(model, unknown)).scores.map((x) => x.probability);
    const byEmpty = (await scoreTableFile(model, write('german-empty.csv', ''))).scores.map((x) => x.probability);
    expect(byMarker).toEqual(byEmpty);
    // the default markers of a model trained without the flag: none recorded, 'unknown' still refused
    expect(trained[0]!.model.artifact.missingMarkers).toBeUndefined();
    await expect(scoreTableFile(trained[0]!.model, unknown)).rejects.toThrow(/"unknown" is not a number/u);
  });

  it('a book model is refused for rows, with one line', () => {
    const book: ModelVersion = { ...trained[0]!.model, model_name: 'dpd30_3m_scorecard', target: 'dpd30_3m' };
    expect(() => tableModelTarget(book)).toThrow(/is a book model \(target dpd30_3m\).*train --table/u);
    expect(() => scoreTableRecords(book, [{}])).toThrow(UserError);
    expect(tableModelTarget(trained[0]!.model)).toBe('creditability');
  });

  it('a test part with one class is one clear error before anything is trained or registered', async () => {
    const before = await listModels(wh);
    const tiny = join(dir, 'tiny.csv');
    // 10 rows, one bad: with a 30% test share most seeds leave the test part all good
    writeFileSync(
      tiny,
      `x,c,y\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'},${i === 0 ? 1 : 0}`).join('\n')}\n`,
    );
    const ds = await loadFeatureTable(tiny, { target: 'y' });
    const seed = [1, 2, 3, 4, 5, 6, 7, 8].find((s) => randomSplit(ds, 0.7, s).test.label.every((y) => y === 0))!;
    const attempt = trainTableModels(wh, {
      path: tiny,
      target: 'y',
      testShare: 0.3,
      seed,
      kinds: ['scorecard'],
      actor: 'test',
      outDir: join(dir, 'models'),
      log: () => undefined,
    });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(
      trainTableModels(wh, {
        path: tiny,
        target: 'y',
        testShare: 0.3,
        seed,
        kinds: ['scorecard'],
        actor: 'test',
        outDir: join(dir, 'models'),
        log: () => undefined,
      }),
    ).rejects.toThrow(/^the test part has 3 rows, all good: a model cannot be measured \(AUC needs both outcomes\)/u);
    expect(await listModels(wh)).toEqual(before);
  });

  const trainOn = (path: string, testShare = 0.3) =>
    trainTableModels(wh, {
      path,
      target: 'y',
      testShare,
      seed: 1,
      kinds: ['scorecard', 'gbm'],
      actor: 'test',
      outDir: join(dir, 'models'),
      log: () => undefined,
    });
  const table = (name: string, rows: number, bad: (i: number) => boolean) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `x,c,y\n${Array.from({ length: rows }, (_, i) => `${i % 17},${i % 3 ? 'a' : 'b'},${bad(i) ? 1 : 0}`).join('\n')}\n`,
    );
    return path;
  };

  it('a table of one outcome says so, whatever its size: no seed or test share helps', async () => {
    const before = await listModels(wh);
    for (const rows of [12, 400])
      // every row bad (a file of one outcome with --bad-value naming it; a bad value no row has is refused when read)
      await expect(trainOn(table(`one-${rows}.csv`, rows, () => true))).rejects.toThrow(
        new RegExp(
          `^all ${rows} rows are bad: the target has one outcome in every row, and a model needs both; for a table check --target and --bad-value`,
          'u',
        ),
      );
    expect(await listModels(wh)).toEqual(before);
  });

  it('fewer than 10 rows of an outcome to fit on is refused before anything is trained or registered', async () => {
    const before = await listModels(wh);
    // 40 rows, one in four bad: both parts hold both outcomes, yet about 20 rows are fitted on, 5 of them bad
    await expect(trainOn(table('forty.csv', 40, (i) => i % 4 === 0))).rejects.toThrow(
      /^the models would be fitted on \d+ rows \(the training part less a seeded random 20 % of the training rows \(seed 1\), held back\), \d+ bad and \d+ good: fewer than 10 of an outcome/u,
    );
    // a test share of 99 % leaves a few training rows
    await expect(
      trainOn(
        table('most-test.csv', 400, (i) => i % 4 === 0),
        0.99,
      ),
    ).rejects.toThrow(/^the models would be fitted on \d+ rows/u);
    expect(await listModels(wh)).toEqual(before);
  });
});
