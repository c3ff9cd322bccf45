import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  copyFileSync,
  existsSync,
  readFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateBook } from '../../../pipelines/generate/generate-book.ts';
import { csvRecords } from '../../../lib/csv-records.ts';
import { ingest } from '../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../pipelines/snapshot/build-snapshots.ts';
import { queryRows, type Warehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { migrate } from '../../../warehouse/migrations/index.ts';
import { buildFeatures } from '../../../models/features/build-features.ts';
import { defaultTarget, featureNames } from '../../../warehouse/feature-catalogue.ts';
import { loadFeatureRows } from '../../../models/data/load-features.ts';
import { modelFeatures, scoreModel } from '../../../models/model-types.ts';
import { largestCsi } from '../../../models/evaluate/csi.ts';
import { psiStatus } from '../../../models/evaluate/metrics.ts';
import { runEvaluate } from '../../../bin/commands/evaluate.ts';
import { networkInputs } from '../../../models/nn/forward-pass.ts';
import {
  championHistory,
  latestChampionEvent,
  loadModel,
  promote,
  RegistryError,
  type ModelVersion,
} from '../../../models/registry/registry.ts';
import { scoreMonthInDb, scoreMonthInNode, scoreMonthsInDb } from '../../../models/score.ts';
import { defaultGbmOptions, type GbmArtifact } from '../../../models/gbm/gbm.ts';
import { baselinesOf, defaultMonitor, monitorModel } from '../../../models/evaluate/monitor.ts';
import { trainBookModels } from '../../../models/workflows.ts';
import { runScore } from '../../../bin/commands/score.ts';
import { UserError } from '../../../lib/user-error.ts';
import { buildCaseList } from '../../../pipelines/cases/case-list.ts';
import { subset, type Dataset } from '../../../models/data/dataset.ts';
import { counterfactuals } from '../../../models/counterfactual/counterfactual.ts';
import { loanCounterfactuals } from '../../../models/counterfactual/book.ts';
import { actionOf, defaultBookActions } from '../../../models/counterfactual/actions.ts';
import { gradeLabels } from '../../../models/scorecard/scorecard.ts';
import { defaultStrategyTable } from '../../../pipelines/cases/strategy.ts';
import { initTf, type Tf } from '../../../models/tf.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../helpers/warehouse.ts';
import { defaultSettings } from '../../helpers/settings.ts';

const cut = '2023-06-30';
const dated: Record<string, string> = {
  'payments.csv': 'paid_date',
  'collection_actions.csv': 'action_date',
  'loan_events.csv': 'event_date',
};

/**
 * A copy of the book where everything dated after the cut is removed or altered: later collection
 * actions and events are dropped, half the later payments are dropped and the other half become
 * 1.00. Restructure events stay: a restructuring arrives as an amended schedule (schedule.csv)
 * plus its event, one contract change whose schedule keeps the installments before it, so the
 * two are kept or removed together and the schedule is not "after t" data.
 */
async function bookChangedAfterCut(src: string, dst: string) {
  mkdirSync(dst, { recursive: true });
  for (const f of readdirSync(src)) {
    const col = dated[f];
    if (!col) {
      copyFileSync(join(src, f), join(dst, f));
      continue;
    }
    const out = createWriteStream(join(dst, f));
    let idx = -1;
    let amountIdx = -1;
    let typeIdx = -1;
    let k = 0;
    const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    for await (const r of csvRecords(createReadStream(join(src, f), { encoding: 'utf8' }))) {
      if (idx < 0) {
        idx = r.fields.indexOf(col);
        amountIdx = r.fields.indexOf('amount');
        typeIdx = r.fields.indexOf('type');
        out.write(`${r.fields.map(q).join(',')}\n`);
        continue;
      }
      if (r.fields.length === 1 && r.fields[0] === '') continue;
      if (r.fields[idx]! > cut && r.fields[typeIdx] !== 'restructure') {
        if (f !== 'payments.csv' || k++ % 2 === 0) continue;
        r.fields[amountIdx] = '1.00';
      }
      out.write(`${r.fields.map(q).join(',')}\n`);
    }
    await new Promise((res) => out.end(res));
  }
}

/** Row i of ds alone, with some numeric features replaced. */
function withValues(ds: Dataset, i: number, values: Map<string, number>): Dataset {
  const one = subset(ds, [i]);
  return {
    ...one,
    columns: one.columns.map((c) =>
      c.kind === 'numeric' && values.has(c.name) ? { ...c, values: Float64Array.of(values.get(c.name)!) } : c,
    ),
  };
}

describe('early-warning models on a generated book', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let book: string;
  let models: ModelVersion[] = [];
  const monthEnd = '2024-06-30';

  beforeAll(async () => {
    wh = await testWarehouse('models');
    book = join(tmpDir('models'), 'book');
    await generateBook({ loans: 3000, months: 30, asOf: monthEnd, seed: 31, badRows: 0, outDir: book, format: 'csv' });
    await ingest(wh, [book], { piiSecret: 's' });
    await buildMonthEndSnapshots(wh, { asOf: monthEnd, settings: defaultSettings });
    const done = await trainBookModels(wh, {
      kinds: ['scorecard', 'network', 'gbm'],
      seed: 3,
      target: defaultTarget,
      ootMonths: 6,
      loanShare: 1,
      rebuildFeatures: true,
      actor: 'test',
      outDir: join(wh.dir, 'cards'),
      network: { epochs: 12 },
      gbm: { rounds: 40 },
    });
    models = done.map((d) => d.model);
  });
  afterAll(() => disposeIfOpened(wh));

  it('features built in passes (ranges of loan ids) are the features built in one', async () => {
    const table = async () =>
      (
        await queryRows<{ n: string; h: string }>(
          wh,
          `SELECT toString(count()) AS n, toString(sum(cityHash64(*))) AS h FROM ${wh.database}.ew_features`,
        )
      )[0];
    await buildFeatures(wh, { target: defaultTarget });
    const whole = await table();
    expect(Number(whole?.n)).toBeGreaterThan(0);
    for (const buckets of [3, 5]) {
      await buildFeatures(wh, { target: defaultTarget, buckets });
      expect(await table(), `${buckets} passes`).toEqual(whole);
    }
  });

  it('features at t do not change when any data after t changes (no leakage)', async () => {
    const other: Warehouse = { ...wh, database: `${wh.database}_cut` };
    await migrate(other);
    const changed = join(tmpDir('models-cut'), 'book');
    await bookChangedAfterCut(book, changed);
    await ingest(other, [changed], { piiSecret: 's' });
    await buildMonthEndSnapshots(other, { asOf: monthEnd, settings: defaultSettings });
    await buildFeatures(other, { target: defaultTarget });
    const cols = ['customer_id', 'branch', 'principal_balance', 'dpd', 'bucket', 'status', ...featureNames, 'eligible'];
    const row = (t: string) => `toString(tuple(${cols.map((c) => `${t}.${c}`).join(', ')}))`;
    const [r] = await queryRows<{ a: string; b: string; same: string }>(
      wh,
      `
      SELECT (SELECT count() FROM ${wh.database}.ew_features WHERE month_end <= {cut:Date}) AS a,
             (SELECT count() FROM ${other.database}.ew_features WHERE month_end <= {cut:Date}) AS b,
             (SELECT count() FROM ${wh.database}.ew_features AS x INNER JOIN ${other.database}.ew_features AS y
                ON x.loan_id = y.loan_id AND x.month_end = y.month_end WHERE x.month_end <= {cut:Date} AND ${row('x')} = ${row('y')}) AS same`,
      { cut },
    );
    expect(Number(r!.a)).toBeGreaterThan(10_000);
    expect({ b: Number(r!.b), same: Number(r!.same) }).toEqual({ b: Number(r!.a), same: Number(r!.a) });
    // and the change did reach the later months
    const [d] = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.ew_features AS x INNER JOIN ${other.database}.ew_features AS y
      ON x.loan_id = y.loan_id AND x.month_end = y.month_end WHERE x.month_end > {cut:Date} AND ${row('x')} != ${row('y')}`,
      { cut },
    );
    expect(Number(d!.n)).toBeGreaterThan(100);
  });

  it('trains a scorecard, a network and boosted trees that rank risk out of time', () => {
    expect(models.map((m) => [m.model_name, m.version])).toEqual([
      ['dpd30_3m_scorecard', 1],
      ['dpd30_3m_network', 1],
      ['dpd30_3m_gbm', 1],
    ]);
    for (const m of models) {
      expect(m.metrics.test.auc).toBeGreaterThan(0.75);
      expect(m.metrics.split).toMatch(/out-of-time/);
      expect(existsSync(join(wh.dir, 'cards', m.model_name, 'v1', 'model-card.md'))).toBe(true);
    }
  });

  it('calibration on the held-back latest training months lowers the ECE of every model out of time, and the card shows it', () => {
    for (const m of models) {
      const c = m.metrics.probability_calibration!;
      expect(c.method).toBe('platt');
      expect(c.held_back).toMatch(/^the latest training month-ends \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)$/u);
      expect(c.rows).toBeGreaterThan(m.metrics.train.n / 8);
      expect(c.a).toBeGreaterThan(0);
      expect(c.test.ece_after).toBeLessThan(c.test.ece_before);
      // the reliability curve: ten equal-count bins of the test part, the same rows before and after
      expect(c.test.reliability_after.map((r) => r.n)).toEqual(c.test.reliability_before.map((r) => r.n));
      expect(c.test.reliability_after).toHaveLength(10);
      expect(c.test.reliability_after.reduce((s, r) => s + r.n, 0)).toBe(m.metrics.test.n);
      // the card's test metrics are the calibrated model's: its calibration table is the curve after
      expect(m.metrics.calibration).toEqual(c.test.reliability_after);
      const card = readFileSync(join(wh.dir, 'cards', m.model_name, 'v1', 'model-card.md'), 'utf8');
      expect(card).toContain('## Probability calibration');
      expect(card).toContain(`test ${c.test.ece_before.toFixed(4)} → ${c.test.ece_after.toFixed(4)}`);
    }
  });

  it('in-database scores equal the TypeScript scorer within 1e-9 (probability, points) and exactly (grade, reasons)', async () => {
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    for (const m of models) {
      const n = await scoreMonthInDb(wh, m, monthEnd);
      expect(n).toBe(ds.n);
      const sql = await queryRows<{
        loan_id: string;
        probability: number;
        points: number;
        grade: string;
        reasons: string[];
      }>(
        wh,
        `SELECT loan_id, probability, points, grade, reasons FROM ${wh.database}.scores WHERE model_name = {n:String} AND month_end = {m:Date}`,
        { n: m.model_name, m: monthEnd },
      );
      const byId = new Map(sql.map((r) => [r.loan_id, r]));
      const ts = scoreModel(m.artifact, ds);
      let maxDiff = 0;
      let maxPoints = 0;
      for (let i = 0; i < ds.n; i++) {
        const r = byId.get(ds.ids[i]!)!;
        maxDiff = Math.max(maxDiff, Math.abs(r.probability - ts.probability[i]!));
        maxPoints = Math.max(maxPoints, Math.abs(r.points - ts.points[i]!));
        expect([r.grade, r.reasons]).toEqual([ts.grade[i], ts.reasons[i]]);
      }
      expect(maxDiff).toBeLessThan(1e-9);
      expect(maxPoints).toBeLessThan(1e-9);
      // the Node path writes the same scores
      await scoreMonthInNode(wh, m, monthEnd);
      const [again] = await queryRows<{ n: string; d: number }>(
        wh,
        `SELECT count() AS n, max(abs(probability - {p:Float64})) AS d FROM ${wh.database}.scores WHERE model_name = {n:String} AND loan_id = {id:String}`,
        { n: m.model_name, id: ds.ids[0]!, p: ts.probability[0]! },
      );
      expect(Number(again!.n)).toBe(1);
      expect(again!.d).toBeLessThan(1e-12);
    }
  });

  it('boosted trees of the default size (400 trees of depth 4) score in the database as in Node', async () => {
    // the test's model has 40 rounds; `npm start` promoted one of 400, whose query passed the engine's 50,000-node syntax-tree limit
    const m = models.find((x) => x.artifact.kind === 'gbm')!;
    const art = m.artifact as GbmArtifact;
    const full = defaultGbmOptions.rounds;
    const trees = Array.from({ length: full }, (_, i) => art.trees[i % art.trees.length]!);
    const big: ModelVersion = { ...m, version: 99, artifact: { ...art, trees, learningRate: art.learningRate / 10 } };
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    expect(await scoreMonthInDb(wh, big, monthEnd)).toBe(ds.n);
    const sql = await queryRows<{ loan_id: string; probability: number }>(
      wh,
      `SELECT loan_id, probability FROM ${wh.database}.scores WHERE model_name = {n:String} AND model_version = 99 AND month_end = {m:Date}`,
      { n: m.model_name, m: monthEnd },
    );
    const ts = scoreModel(big.artifact, ds);
    const byId = new Map(ds.ids.map((id, i) => [id, ts.probability[i]!]));
    expect(sql).toHaveLength(ds.n);
    for (const r of sql) expect(Math.abs(r.probability - byId.get(r.loan_id)!)).toBeLessThan(1e-9);
  });

  it('several month-ends in one statement score as each month-end alone (the demo scores its history so)', async () => {
    const m = models[0]!;
    const months = ['2024-04-30', '2024-05-31', monthEnd];
    const read = () =>
      queryRows<{ k: string }>(
        wh,
        `SELECT concat(toString(month_end), loan_id, toString(probability), grade, arrayStringConcat(reasons, '|')) AS k
         FROM ${wh.database}.scores WHERE model_name = {n:String} AND model_version = {v:UInt32} AND has({ms:Array(Date)}, month_end) ORDER BY k`,
        { n: m.model_name, v: m.version, ms: months },
      );
    for (const me of months) await scoreMonthInDb(wh, m, me);
    const alone = await read();
    const counts = await scoreMonthsInDb(wh, m, months);
    expect(await read()).toEqual(alone);
    for (const me of months)
      expect(counts.get(me)).toBe((await loadFeatureRows(wh, { mode: 'month', monthEnd: me })).n);
  });

  it("the case list's expected loss uses the calibrated PD of the model's stored score", async () => {
    const m = models[0]!;
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    const ts = scoreModel(m.artifact, ds);
    const calibrated = new Map(ds.ids.map((id, i) => [id, ts.probability[i]!]));
    const cases = await buildCaseList(wh, {
      asOf: monthEnd,
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: { name: m.model_name, version: m.version },
    });
    const fromModel = cases.filter((c) => c.probability_source === 'model');
    expect(fromModel.length).toBeGreaterThan(10);
    for (const c of fromModel) {
      expect(Math.abs(c.probability - calibrated.get(c.loan_id)!)).toBeLessThan(1e-9);
      expect(c.expected_loss).toBeCloseTo(c.probability * c.balance, 1);
    }
  });

  it('counterfactuals: applying the proposed payment and re-scoring gives the grade it names, and one step less does not (every model, many loans)', async () => {
    const all = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    const counts: [string, number, number][] = [];
    for (const m of models) {
      const graded = scoreModel(m.artifact, all);
      // every third loan below grade A
      const pick = Int32Array.from(all.ids.keys()).filter((i) => graded.grade[i] !== 'A' && i % 3 === 0);
      const ds = subset(all, pick);
      const found = counterfactuals(m.artifact, ds, { actions: defaultBookActions, subject: 'loan' });
      // the book's path (a few loans per turn of the event loop) finds the same for every loan
      const byTurns = await loanCounterfactuals(
        wh,
        m.artifact,
        ds.ids.map((loan_id) => ({ loan_id, month_end: monthEnd })),
      );
      expect(ds.ids.map((id) => byTurns.get(id) ?? null)).toEqual(found);
      let reached = 0;
      found.forEach((cf, i) => {
        expect(cf).not.toBeNull();
        const c = cf!;
        expect(gradeLabels.indexOf(c.target_grade)).toBe(gradeLabels.indexOf(c.from_grade) - 1);
        if (!c.reached) {
          expect(c.text.en).toMatch(
            /^no change of the actionable features .* moves this loan from grade [B-E] to [A-D]$/u,
          );
          return;
        }
        reached++;
        // re-score the row with the changed features, independently of the search
        const changed = new Map<string, number>();
        for (const ch of c.changes) for (const [f, v] of Object.entries(ch.features)) changed.set(f, v.to);
        const again = scoreModel(m.artifact, withValues(ds, i, changed));
        expect(again.grade[0]).toBe(c.grade);
        expect(gradeLabels.indexOf(again.grade[0]!)).toBeLessThanOrEqual(gradeLabels.indexOf(c.target_grade));
        expect(again.probability[0]).toBeCloseTo(c.probability_after, 12);
        expect(c.points_gain).toBeGreaterThan(0);
        expect(c.text.en).toMatch(
          /^(paying ¥[\d,.]+ of the overdue amount|prepaying ¥[\d,.]+ of principal)( and prepaying ¥[\d,.]+ of principal)? moves this loan from grade [B-E] to [A-D]$/u,
        );
        expect(c.text.zh).toMatch(/^(偿还逾期金额|提前偿还本金) ¥[\d,.]+.* 可使该笔贷款由 [B-E] 级升至 [A-D] 级$/u);
        // the smallest: one ¥100 step less of a single payment does not reach the target
        if (c.changes.length === 1 && c.changes[0]!.amount > 100 && c.changes[0]!.amount <= 20_000) {
          const [only] = c.changes;
          const action = actionOf(defaultBookActions.find((a) => a.type === only!.action)!);
          const row = new Map(ds.columns.map((col) => [col.name, col.kind === 'numeric' ? col.values[i]! : null]));
          const less = action.apply(row, Math.ceil(only!.amount / 100) * 100 - 100);
          const g = scoreModel(m.artifact, withValues(ds, i, less)).grade[0]!;
          expect(gradeLabels.indexOf(g)).toBeGreaterThan(gradeLabels.indexOf(c.target_grade));
        }
      });
      counts.push([m.model_name, found.length, reached]);
    }
    for (const [, n] of counts) expect(n).toBeGreaterThan(100);
    // a model may have learnt that paying does not lower the risk (this book's scorecard: a low 3-month
    // paid ratio is its safest bin), but the models together must propose many changes to check
    expect(counts.reduce((s, [, , r]) => s + r, 0)).toBeGreaterThan(50);
  });

  it('the network scorer equals the tfjs model built from the same weights', async () => {
    const tf = await initTf();
    const net = models.find((m) => m.artifact.kind === 'network')!.artifact;
    if (net.kind !== 'network') throw new Error('expected a network');
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    const model = tf.sequential();
    net.layers.forEach((l, i) => {
      model.add(
        tf.layers.dense({
          units: l.bias.length,
          activation: l.activation,
          ...(i === 0 ? { inputShape: [net.inputs.length] } : {}),
        }),
      );
    });
    model.setWeights(net.layers.flatMap((l) => [tf.tensor2d(l.weights), tf.tensor1d(l.bias)]));
    const x = tf.tensor2d(Float32Array.from(networkInputs(net.inputs, ds)), [ds.n, net.inputs.length]);
    const p = await (model.predict(x) as Tf.Tensor).data();
    const ts = scoreModel(net, ds).probability;
    let maxDiff = 0;
    for (let i = 0; i < ds.n; i++) maxDiff = Math.max(maxDiff, Math.abs(p[i]! - ts[i]!));
    expect(maxDiff).toBeLessThan(1e-5); // tfjs computes in float32
  });

  it('save → load → score gives identical scores', async () => {
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd });
    for (const m of models) {
      const loaded = await loadModel(wh, m.model_name, m.version);
      expect(scoreModel(loaded.artifact, ds)).toEqual(scoreModel(m.artifact, ds));
    }
  });

  it('champion gate: the first model needs stable PSI, a challenger must beat the champion by the margin; history keeps who, when, why', async () => {
    const sorted = [...models].sort((a, b) => a.metrics.test.auc - b.metrics.test.auc);
    const [weak, strong] = [sorted[0]!, sorted.at(-1)!];
    await expect(
      promote(wh, {
        name: weak.model_name,
        version: 1,
        actor: 'ann',
        reason: 'psi gate',
        gate: { aucMargin: 0, maxPsi: 1e-9 },
      }),
    ).rejects.toThrow(/score PSI .* is not below/);
    await promote(wh, { name: weak.model_name, version: 1, actor: 'ann', reason: 'first champion' });
    await expect(
      promote(wh, {
        name: strong.model_name,
        version: 1,
        actor: 'bob',
        reason: 'needs a big margin',
        gate: { aucMargin: 0.5, maxPsi: 0.25 },
      }),
    ).rejects.toBeInstanceOf(RegistryError);
    await promote(wh, {
      name: strong.model_name,
      version: 1,
      actor: 'bob',
      reason: 'beats the scorecard',
      gate: { aucMargin: 0, maxPsi: 0.25 },
    });
    await expect(promote(wh, { name: weak.model_name, version: 1, actor: 'ann', reason: 'back' })).rejects.toThrow(
      /does not beat the champion/,
    );
    const h = await championHistory(wh, 'dpd30_3m');
    expect(h.map((e) => [e.model_name, e.actor, e.reason])).toEqual([
      [weak.model_name, 'ann', 'first champion'],
      [strong.model_name, 'bob', 'beats the scorecard'],
    ]);
    expect(h[1]!.champion_auc).toBeCloseTo(weak.metrics.test.auc, 10);
  });

  it('monitors PSI / CSI and realised AUC for each month after training', async () => {
    const rows = await monitorModel(wh, models[0]!);
    // the six out-of-time month-ends (outcomes matured) and the three latest (outcome window still open)
    expect(rows.length).toBe(9);
    expect(rows.filter((r) => r.auc !== null).length).toBe(6);
    for (const r of rows) expect(r.score_psi).toBeGreaterThanOrEqual(0);
    // a date's monitoring (the model_drift warning) reads the months up to it only, with the same figures
    const until = rows[4]!.month_end;
    expect(await monitorModel(wh, models[0]!, { ...defaultMonitor, until })).toEqual(
      rows.filter((r) => r.month_end <= until),
    );
  });

  it('every model kind gets a CSI of each feature it reads for each month; the table shows the largest, the store keeps them', async () => {
    expect(models.map((m) => m.kind)).toEqual(['scorecard', 'network', 'gbm']);
    for (const m of models) {
      const rows = await monitorModel(wh, m);
      expect(rows.length).toBe(9);
      for (const r of rows) {
        expect(Object.keys(r.csi).sort()).toEqual(modelFeatures(m.artifact).sort());
        for (const v of Object.values(r.csi)) expect(v).toBeGreaterThanOrEqual(0);
      }
    }
    const gbm = models[2]!;
    expect(gbm.artifact.featureBaselines?.map((b) => b.feature).sort()).toEqual(modelFeatures(gbm.artifact).sort());
    // a version trained before artifacts carried baselines: its training window gives them, close to the stored ones
    const { featureBaselines: _, ...older } = gbm.artifact;
    const fromStore = await monitorModel(wh, gbm);
    const fromWindow = await monitorModel(wh, { ...gbm, artifact: older });
    // read once per process (the demo's warnings monitor the champion at 15 dates)
    const again = await baselinesOf(wh, { ...gbm, artifact: older });
    expect(await baselinesOf(wh, { ...gbm, artifact: older })).toBe(again);
    expect(again.map((b) => b.feature).sort()).toEqual(modelFeatures(gbm.artifact).sort());
    for (const [k, r] of fromWindow.entries()) {
      expect(Object.keys(r.csi).sort()).toEqual(Object.keys(fromStore[k]!.csi).sort());
      for (const [f, v] of Object.entries(r.csi)) expect(Math.abs(v - fromStore[k]!.csi[f]!)).toBeLessThan(0.05);
    }
    const lines: string[] = [];
    const out = { line: (l: string) => void lines.push(l), write: () => Promise.resolve() };
    await runEvaluate(wh, out, { model: `${gbm.model_name}@${gbm.version}`, format: 'table' });
    expect(lines.join('\n')).toMatch(/largest CSI/u);
    const months = fromStore.map((r) => r.month_end);
    for (const month of months) {
      const top = largestCsi(fromStore.find((r) => r.month_end === month)!.csi)!;
      // with its status: a feature past "act" beside a score still stable read as a healthy month
      expect(lines.find((l) => l.includes(month))).toContain(
        `${top.csi.toFixed(4)} ${top.variable} (${psiStatus(top.csi)})`,
      );
    }
    const stored = await queryRows<{ csi: string }>(
      wh,
      `SELECT argMax(csi, computed_at) AS csi FROM ${tableRef(wh, 'model_monitoring')} WHERE model = {m:String} GROUP BY month_end`,
      { m: `${gbm.model_name}@${gbm.version}` },
    );
    expect(stored.length).toBe(9);
    for (const r of stored)
      expect(Object.keys(JSON.parse(r.csi) as object).sort()).toEqual(modelFeatures(gbm.artifact).sort());
  });

  it("monitoring counts the target's eligible loans (active, dpd ≤ 30), fewer than the active loans score scores, and says so", async () => {
    const rows = await monitorModel(wh, models[0]!);
    const counts = await queryRows<{ m: string; active: string; eligible: string }>(
      wh,
      `SELECT toString(month_end) AS m, count() AS active, countIf(eligible = 1) AS eligible
      FROM ${tableRef(wh, 'ew_features')} WHERE has({ms:Array(Date)}, month_end) GROUP BY month_end`,
      { ms: rows.map((r) => r.month_end) },
    );
    expect(counts.length).toBe(rows.length);
    for (const r of rows) {
      const c = counts.find((x) => x.m === r.month_end)!;
      expect(r.n).toBe(Number(c.eligible));
      // what score scores at that month-end: every active loan, the ones past 30 days too
      expect((await loadFeatureRows(wh, { mode: 'month', monthEnd: r.month_end })).n).toBe(Number(c.active));
    }
    expect(counts.some((c) => Number(c.active) > Number(c.eligible))).toBe(true);
    const lines: string[] = [];
    await runEvaluate(
      wh,
      { line: (l: string) => void lines.push(l), write: () => Promise.resolve() },
      { model: `${models[0]!.model_name}@${models[0]!.version}`, format: 'table' },
    );
    expect(lines.find((l) => l.includes('month-end'))).toMatch(/eligible loans/u);
  });

  // last: it rebuilds the snapshots
  it('score rebuilds features that are older than the snapshots before scoring', async () => {
    await buildMonthEndSnapshots(wh, { asOf: '2024-05-31', settings: defaultSettings });
    const r = await runScore(wh, {
      model: `${models[0]!.model_name}@1`,
      'as-of': '2024-05-31',
      'in-db': true,
      target: 'dpd30_3m',
    });
    const [f] = await queryRows<{ me: string }>(
      wh,
      `SELECT toString(max(month_end)) AS me FROM ${wh.database}.ew_features`,
    );
    expect(f!.me).toBe('2024-05-31');
    expect(r.n).toBeGreaterThan(0);

    // the case list's champion's score keeps its likely cases' counterfactuals; a challenger's keeps none
    const kept = async (name: string) =>
      Number(
        (
          await queryRows<{ n: string }>(
            wh,
            `SELECT count() AS n FROM ${wh.database}.loan_counterfactuals WHERE model_name = {m:String} AND month_end = '2024-05-31'`,
            { m: name },
          )
        )[0]!.n,
      );
    const listed = (await latestChampionEvent(wh, 'dpd30_3m'))!;
    const challenger = models.find((m) => m.model_name !== listed.model_name)!;
    await runScore(wh, {
      model: `${challenger.model_name}@1`,
      'as-of': '2024-05-31',
      'in-db': true,
      target: 'dpd30_3m',
    });
    expect(await kept(challenger.model_name)).toBe(0);
    await runScore(wh, { model: undefined, 'as-of': '2024-05-31', 'in-db': true, target: 'dpd30_3m' });
    expect(await kept(listed.model_name)).toBeGreaterThan(0);

    // --as-of scores the last month-end on or before it, which the snapshot must hold: a month it has not
    // reached or one before its first is refused, not "scored 0 loans" with success
    const at = (asOf: string) => runScore(wh, { model: undefined, 'as-of': asOf, 'in-db': false, target: 'dpd30_3m' });
    expect((await at('2024-06-15')).monthEnd).toBe('2024-05-31');
    for (const [asOf, why] of [
      ['2024-06-30', /^--as-of 2024-06-30: its month-end 2024-06-30 is after the snapshot's last 2024-05-31: /u],
      ['2030-01-31', /after the snapshot's last 2024-05-31/u],
      ['2019-01-31', /^--as-of 2019-01-31: its month-end 2019-01-31 is before the snapshot's first \d{4}-\d\d-\d\d: /u],
    ] as const) {
      const e = await at(asOf).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(why);
    }
  });
});
