import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { roles, type Role } from '../../../api/auth/permissions.ts';
import { csvRecords } from '../../../lib/csv-records.ts';
import { scoreTableFile, scoreTableRecords, type TableScore } from '../../../models/score-table.ts';
import type { Counterfactual } from '../../../models/counterfactual/counterfactual.ts';
import { gradeLabels } from '../../../models/scorecard/scorecard.ts';
import { trainTableModels, type Registered } from '../../../models/workflows.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { sharedData } from '../../helpers/shared-data.ts';
import { disposeIfOpened, testWarehouse } from '../../helpers/warehouse.ts';

/** POST /v1/scores with raw feature rows for a table model, beside the loan-id body it already took. */
describe('POST /v1/scores with raw rows', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let app: ReturnType<typeof createApp>;
  let model: Registered['model'];
  const keys = {} as Record<Role, string>;
  // a collector key needs a region of the book, and this warehouse holds no book: the role matrix covers collectors
  const tableRoles = roles.filter((r) => r !== 'collector');
  const german = sharedData('german_credit', 'germancredit.csv');
  const rows: Record<string, string | number | null>[] = [];

  beforeAll(async () => {
    wh = await testWarehouse('table_scores_api');
    [{ model }] = (await trainTableModels(wh, {
      path: german,
      target: 'creditability',
      badValue: 'bad',
      testShare: 0.3,
      seed: 3,
      kinds: ['scorecard'],
      actor: 'test',
      outDir: join(wh.dir, 'models'),
      log: () => undefined,
    })) as [Registered];
    let header: string[] | null = null;
    for await (const r of csvRecords(createReadStream(german, { encoding: 'utf8' }))) {
      if (r.fields.length < 2) continue;
      if (!header) header = r.fields;
      else if (rows.length < 200)
        rows.push(
          Object.fromEntries(
            header.map((h, j) => [h, /^\d+$/u.test(r.fields[j]!) ? Number(r.fields[j]) : r.fields[j]!]),
          ),
        );
    }
    for (const role of tableRoles) keys[role] = (await createApiKey(wh, { role, label: role })).key;
    app = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 100_000,
      maxBodyBytes: 4 * 1024 * 1024,
      snapshotSettings: defaultSettings,
    });
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const post = (body: unknown, key = keys.admin) =>
    app.request('/v1/scores', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('scores the rows in order, the same as the file', async () => {
    const r = await post({ model: `${model.model_name}@${model.version}`, rows });
    expect(r.status).toBe(200);
    const { scores } = (await r.json()) as { scores: TableScore[] };
    const fromFile = (await scoreTableFile(model, german)).scores.slice(0, rows.length);
    expect(scores).toHaveLength(rows.length);
    expect(scores.map((s) => s.probability)).toEqual(fromFile.map((s) => s.probability));
    expect(scores[0]).toEqual({ ...fromFile[0], counterfactual: null, counterfactual_unavailable: null });
    expect(scores[0]).toMatchObject({ row: 1, model_name: 'germancredit_scorecard', model_version: 1 });
    // no version: the latest
    expect((await post({ model: model.model_name, rows: rows.slice(0, 1) })).status).toBe(200);
  });

  it('counterfactuals for raw rows: the proposed change, applied and re-scored, reaches the grade it names (every row)', async () => {
    const actions = [
      { type: 'feature', feature: 'duration_in_month', direction: 'decrease', step: 1, bound: 4 },
      { type: 'feature', feature: 'credit_amount', direction: 'decrease', step: 100, bound: 250 },
    ];
    const r = await post({ model: `${model.model_name}@${model.version}`, rows, actions });
    expect(r.status).toBe(200);
    const { scores } = (await r.json()) as {
      scores: (TableScore & {
        counterfactual: Counterfactual | null;
        counterfactual_unavailable: { text: { en: string } } | null;
      })[];
    };
    let reached = 0;
    scores.forEach((s, i) => {
      const cf = s.counterfactual;
      if (s.grade === 'A') {
        expect(cf).toBeNull();
        expect(s.counterfactual_unavailable?.text.en).toBe('No counterfactual: grade A is already the best grade.');
        return;
      }
      expect(s.counterfactual_unavailable).toBeNull();
      expect(cf!.from_grade).toBe(s.grade);
      if (!cf!.reached) return;
      reached++;
      const changed = { ...rows[i]! };
      for (const ch of cf!.changes) for (const [f, v] of Object.entries(ch.features)) changed[f] = v.to;
      const {
        scores: [again],
      } = scoreTableRecords(model, [changed]);
      expect(again!.grade).toBe(cf!.grade);
      expect(gradeLabels.indexOf(again!.grade)).toBeLessThanOrEqual(gradeLabels.indexOf(cf!.target_grade));
      expect(cf!.text.en).toMatch(
        /^reducing (duration_in_month|credit_amount) by [\d.]+( and reducing credit_amount by [\d.]+)? moves this row from grade [B-E] to [A-D]$/u,
      );
      expect(cf!.text.zh).toMatch(/可使该行由 [B-E] 级升至 [A-D] 级$/u);
    });
    expect(reached).toBeGreaterThan(20);
    // a target grade given; an action on a column the model does not read as a number is a 400 naming it
    const two = await post({ model: model.model_name, rows: rows.slice(0, 20), actions, target_grade: 'A' });
    const body = (await two.json()) as { scores: { counterfactual: Counterfactual | null; grade: string }[] };
    for (const s of body.scores) if (s.grade !== 'A') expect(s.counterfactual!.target_grade).toBe('A');
    // the worst grade as the target: every row is there already, and each answer says so
    const worst = await post({ model: model.model_name, rows: rows.slice(0, 20), actions, target_grade: 'E' });
    const none = (await worst.json()) as {
      scores: { counterfactual: unknown; counterfactual_unavailable: { text: { en: string } } | null }[];
    };
    for (const s of none.scores) {
      expect(s.counterfactual).toBeNull();
      expect(s.counterfactual_unavailable?.text.en).toMatch(/^No counterfactual: grade [A-E] is already/u);
    }
    const bad = await post({
      model: model.model_name,
      rows: rows.slice(0, 1),
      actions: [{ type: 'feature', feature: 'purpose', direction: 'decrease', step: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/action on \\"purpose\\"/u);
  });

  it('returns the rows per column whose category the model never saw ({} when none), declared in the OpenAPI document', async () => {
    if (model.artifact.kind !== 'scorecard') throw new Error('expected a scorecard');
    const [first, second] = model.artifact.variables.filter((v) => v.kind === 'categorical').map((v) => v.feature);
    const changed = rows.map((r, i) => ({
      ...r,
      ...(i < 37 ? { [first!]: 'a category never seen' } : i < 40 ? { [first!]: null } : {}),
      ...(i === 50 ? { [second!]: 'also new' } : {}),
    }));
    const r = await post({ model: `${model.model_name}@${model.version}`, rows: changed });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { scores: TableScore[]; unseen_categories: Record<string, number> };
    expect(body.unseen_categories).toEqual({ [first!]: 37, [second!]: 1 });
    expect(body.scores).toHaveLength(rows.length);
    const plain = (await (await post({ model: model.model_name, rows })).json()) as { unseen_categories: unknown };
    expect(plain.unseen_categories).toEqual({});
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
    };
    expect(JSON.stringify(doc.paths['/v1/scores']!.post.responses['200'])).toMatch(
      /"unseen_categories":\{"type":"object","additionalProperties":\{"type":"integer"/u,
    );
  });

  it('a column blank on every row, never missing in training, is counted and flagged, as unseen categories are', async () => {
    if (model.artifact.kind !== 'scorecard') throw new Error('expected a scorecard');
    const numeric = model.artifact.variables.find(
      (v) => !v.bins.some((b) => b.rule.type === 'missing' && b.count > 0),
    )!.feature;
    const blank = rows.map((r) => ({ ...r, [numeric]: null }));
    const body = (await (await post({ model: model.model_name, rows: blank })).json()) as {
      unseen_missing: Record<string, number>;
      missing_above_training: Record<string, unknown>;
    };
    expect(body.unseen_missing).toEqual({ [numeric]: rows.length });
    expect(body.missing_above_training).toEqual({
      [numeric]: { rows: rows.length, batch_share: 1, training_share: 0 },
    });
    const plain = (await (await post({ model: model.model_name, rows })).json()) as typeof body;
    expect([plain.unseen_missing, plain.missing_above_training]).toEqual([{}, {}]);
    const doc = JSON.stringify(await (await app.request('/openapi.json')).json());
    expect(doc).toMatch(/"missing_above_training":\{"type":"object"/u);
  });

  it('permission as batch scoring: admin and modeler only', async () => {
    for (const role of tableRoles)
      expect((await post({ model: model.model_name, rows: rows.slice(0, 1) }, keys[role])).status).toBe(
        role === 'admin' || role === 'modeler' ? 200 : 403,
      );
  });

  it('refusals: missing column and type mismatch name the column; unknown model 404; too many rows 400 or 413', async () => {
    const name = `${model.model_name}@${model.version}`;
    const first = rows[0]!;
    if (model.artifact.kind !== 'scorecard') throw new Error('expected a scorecard');
    const numeric = model.artifact.variables.find((v) => v.kind === 'numeric')!.feature;
    const { [numeric]: _gone, ...without } = first;

    const missing = await post({ model: name, rows: [first, without] });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(
      new RegExp(`^row 2: no column "${numeric}"`, 'u'),
    );
    const mismatch = await post({ model: name, rows: [{ ...first, [numeric]: 'lots' }] });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toMatch(
      new RegExp(`column ${numeric}, row 1: "lots" is not a number`, 'u'),
    );
    expect((await post({ model: name, rows: [{ ...first, [numeric]: true }] })).status).toBe(400);
    expect((await post({ model: 'nobody@1', rows: [first] })).status).toBe(404);
    expect((await post({ model: name, rows: [] })).status).toBe(400);
    expect((await post({ model: "x'; DROP", rows: [first] })).status).toBe(400);
    const many = await post({ model: name, rows: Array.from({ length: 10_001 }, () => ({ a: 1 })) });
    expect([400, 413]).toContain(many.status);
    // the documented 10,000 rows fit: a body of several megabytes (the server's general limit is 1 MB)
    const wide = { ...first, padding_column_not_read: 'x'.repeat(300) };
    const full = await post({ model: name, rows: Array.from({ length: 10_000 }, () => wide) });
    expect(full.status).toBe(200);
    expect(((await full.json()) as { scores: unknown[] }).scores).toHaveLength(10_000);
    const over = await post({
      model: name,
      rows: [{ ...first, padding_column_not_read: 'x'.repeat(17 * 1024 * 1024) }],
    });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(
      /up to 10,000 rows in 16777216 bytes/u,
    );
    // the loan-id body is unchanged: no champion here, so 404 (not a 400 from the new body)
    expect((await post({ loan_ids: ['L1'] })).status).toBe(404);
  });

  it('both bodies are in the OpenAPI document, which stays valid', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, unknown> };
    };
    const validation = await new Validator().validate(doc);
    expect(validation.errors ?? [], JSON.stringify(validation.errors ?? []).slice(0, 1000)).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['LoanScoreRequest', 'TableScoreRequest', 'TableScore']),
    );
  });
});
