import { packTemplates } from '../../../reports/catalogue.ts';
import { metricNames } from '../../../warehouse/metrics/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../warehouse/connection.ts';
import { loadModel, registerModel } from '../../../models/registry/registry.ts';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { roles, type Role } from '../../../api/auth/permissions.ts';
import { fireWarnings } from '../../../pipelines/warnings/fire-warnings.ts';
import { parseWarningRules } from '../../../pipelines/warnings/rules.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { withScoredChampion } from '../../helpers/scored-champion.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportPack } from '../../../reports/pack.ts';
import { cjkFontFile } from '../../../reports/render/fonts.ts';
import { packInputs } from '../../../reports/archive/fingerprint.ts';
import { packFiles } from '../../../reports/archive/pack-files.ts';
import { consoleBrowser } from '../../helpers/console-browser.ts';
import { archivePack } from '../../../reports/archive/store.ts';

describe('HTTP API', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  const keys = {} as Record<Role | 'collector_north', string>;
  const logs: Record<string, unknown>[] = [];
  let loanInRegion = { id: '', region: '' };

  beforeAll(async () => {
    wh = await warehouseWithBook('api', { loans: 1500, months: 24, seed: 8 });
    const champion = await withScoredChampion(wh, { scoreMonthEnds: ['2024-06-30'] });
    const [l] = await queryRows<{ loan_id: string; region: string }>(
      wh,
      `SELECT s.loan_id AS loan_id, l.region AS region FROM ${wh.database}.scores AS s
      INNER JOIN ${wh.database}.loans AS l ON l.loan_id = s.loan_id ORDER BY s.loan_id LIMIT 1`,
    );
    loanInRegion = { id: l!.loan_id, region: l!.region };
    for (const role of roles)
      keys[role] = (
        await createApiKey(wh, { role, region: role === 'collector' ? loanInRegion.region : undefined, label: role })
      ).key;
    const [other] = await queryRows<{ region: string }>(
      wh,
      `SELECT DISTINCT toString(region) AS region FROM ${wh.database}.loans WHERE region != {r:String} ORDER BY region LIMIT 1`,
      { r: loanInRegion.region },
    );
    keys.collector_north = (await createApiKey(wh, { role: 'collector', region: other!.region })).key;
    await fireWarnings(wh, {
      asOf: '2024-06-30',
      settings: defaultSettings,
      champion,
      rules: parseWarningRules({
        rules: [
          { id: 'overdue_2', kind: 'consecutive_overdue', months: 2 },
          { id: 'high', kind: 'score_above', threshold: 0.2 },
          { id: 'any_overdue', kind: 'overdue_amount', limit: 0 },
        ],
      }),
    });
    app = createApp({
      wh,
      log: (e) => logs.push(e),
      rateLimitPerMinute: 100_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  const call = (
    path: string,
    o: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    app.request(path, {
      method: o.method ?? 'GET',
      headers: {
        ...(o.key ? { authorization: `Bearer ${o.key}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });

  it('health needs no key; every /v1 route needs a valid one', async () => {
    expect((await call('/health')).status).toBe(200);
    expect((await call('/v1/models')).status).toBe(401);
    const bad = await call('/v1/models', { key: 'lw_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('every route × every role: allowed, or 403', async () => {
    const routes: [string, string, unknown, Role[]][] = [
      ['GET', `/v1/loans/${loanInRegion.id}/score`, undefined, ['admin', 'modeler', 'collector']],
      ['POST', '/v1/scores', { loan_ids: [loanInRegion.id] }, ['admin', 'modeler']],
      ...['overdue', 'vintage', 'roll-rate', 'recovery', 'classification', 'collections'].map(
        (m) =>
          ['GET', `/v1/metrics/${m}`, undefined, ['admin', 'modeler', 'executive', 'auditor']] as [
            string,
            string,
            unknown,
            Role[],
          ],
      ),
      ['GET', '/v1/models', undefined, ['admin', 'modeler', 'executive', 'auditor']],
      ['GET', '/v1/cases?as_of=2024-06-15&limit=5', undefined, ['admin', 'collector']],
      ['GET', '/v1/warnings?as_of=2024-06-30&limit=5', undefined, ['admin', 'modeler', 'collector', 'auditor']],
      ['GET', '/v1/reports/overdue-trend?period=2024-06&format=json', undefined, ['admin', 'executive', 'auditor']],
      ['GET', '/v1/audit?limit=5', undefined, ['admin', 'auditor']],
      ['POST', '/v1/models/dpd30_3m_scorecard/1/promote', { reason: 'role check' }, ['admin', 'modeler']],
    ];
    for (const [method, path, body, allowed] of routes) {
      for (const role of roles) {
        const r = await call(path, { key: keys[role], method, body });
        // promote of the current champion is a 409 (gate), still past the role check
        const expected = allowed.includes(role) ? (path.endsWith('/promote') ? 409 : 200) : 403;
        expect(r.status, `${role} ${method} ${path}: ${await r.clone().text()}`).toBe(expected);
      }
    }
  });

  it("collectors see only their own region, and with a team only their team's loans", async () => {
    expect((await call(`/v1/loans/${loanInRegion.id}/score`, { key: keys.collector })).status).toBe(200);
    expect((await call(`/v1/loans/${loanInRegion.id}/score`, { key: keys.collector_north })).status).toBe(404);
    // the attempt beyond the key's scope is audited as a 403 is (the answer stays a 404: it does not say the loan exists)
    const [outOfScope] = await queryRows<{ target: string; details: string }>(
      wh,
      `SELECT target, details FROM ${wh.database}.audit_log WHERE action = 'scores.out_of_scope' ORDER BY at DESC LIMIT 1`,
    );
    expect(outOfScope).toMatchObject({ target: loanInRegion.id });
    expect(JSON.parse(outOfScope!.details)).toMatchObject({ loan_ids: [loanInRegion.id], count: 1 });
    // a scored loan of the region in a team, and another team of the region: the loan's own team sees its score
    const teams = `SELECT loan_id, argMax(team, (action_date, action_id)) AS team FROM ${wh.database}.collection_actions GROUP BY loan_id`;
    const [t] = await queryRows<{ loan_id: string; team: string }>(
      wh,
      `SELECT cur.loan_id AS loan_id, cur.team AS team FROM (${teams}) AS cur
       INNER JOIN ${wh.database}.loans AS l ON l.loan_id = cur.loan_id
       INNER JOIN (SELECT DISTINCT loan_id FROM ${wh.database}.scores) AS s ON s.loan_id = cur.loan_id
       WHERE l.region = {r:String} AND cur.team != '' ORDER BY cur.loan_id LIMIT 1`,
      { r: loanInRegion.region },
    );
    const [o] = await queryRows<{ team: string }>(
      wh,
      `SELECT DISTINCT cur.team AS team FROM (${teams}) AS cur INNER JOIN ${wh.database}.loans AS l ON l.loan_id = cur.loan_id
       WHERE l.region = {r:String} AND cur.team NOT IN ('', {t:String}) ORDER BY team LIMIT 1`,
      { r: loanInRegion.region, t: t!.team },
    );
    const key = async (team: string) =>
      (await createApiKey(wh, { role: 'collector', region: loanInRegion.region, team, label: team })).key;
    const path = `/v1/loans/${t!.loan_id}/score`;
    expect((await call(path, { key: await key(t!.team) })).status).toBe(200);
    expect((await call(path, { key: await key(o!.team) })).status).toBe(404);
  });

  /** the riskiest scored loan not at the best grade, at DPD ≤ 30 at its month-end (inside the model's population) or past it */
  const riskiestScored = async (inPopulation: boolean) => {
    const [r] = await queryRows<{ loan_id: string; dpd: number }>(
      wh,
      `SELECT s.loan_id AS loan_id, m.dpd AS dpd FROM ${wh.database}.scores AS s
      INNER JOIN ${wh.database}.loan_month AS m ON m.loan_id = s.loan_id AND m.month_end = s.month_end
      WHERE s.grade != 'A' AND ${inPopulation ? 'm.dpd <= 30' : 'm.dpd > 30'}
      ORDER BY s.probability DESC, s.loan_id LIMIT 1`,
    );
    return r!;
  };

  it('a score lookup computes the counterfactual only when asked for (counterfactual=true or a target grade)', async () => {
    const graded = await riskiestScored(true);
    const path = `/v1/loans/${graded.loan_id}/score`;
    const plain = (await (await call(path, { key: keys.admin })).json()) as {
      grade: string;
      in_population: boolean;
      counterfactual: unknown;
      counterfactual_unavailable: unknown;
    };
    expect(plain).toMatchObject({ in_population: true, counterfactual: null, counterfactual_unavailable: null });
    const asked = (await (await call(`${path}?counterfactual=true`, { key: keys.admin })).json()) as {
      grade: string;
      counterfactual: { from_grade: string; text: { en: string } } | null;
    };
    expect({ ...asked, counterfactual: null }).toEqual(plain);
    expect(asked.counterfactual?.from_grade).toBe(plain.grade);
    expect(asked.counterfactual?.text.en).toMatch(/\S/u);
    const toA = (await (await call(`${path}?target_grade=A`, { key: keys.admin })).json()) as {
      counterfactual: { target_grade: string } | null;
    };
    expect(toA.counterfactual?.target_grade).toBe('A');
    // a target the loan's grade already reaches: no search, and the answer says why instead of a bare null
    const reached = (await (await call(`${path}?target_grade=${plain.grade}`, { key: keys.admin })).json()) as {
      counterfactual: unknown;
      counterfactual_unavailable: { reason: string; text: { en: string; zh: string } } | null;
    };
    expect(reached.counterfactual).toBeNull();
    expect(reached.counterfactual_unavailable?.text.en).toBe(
      `No counterfactual: grade ${plain.grade} is already the target grade.`,
    );
    expect((await call(`${path}?counterfactual=yes`, { key: keys.admin })).status).toBe(400);
    const batch = (await (
      await call('/v1/scores', { key: keys.admin, method: 'POST', body: { loan_ids: [graded.loan_id] } })
    ).json()) as { scores: { counterfactual: unknown }[] };
    expect(batch.scores[0]!.counterfactual).toBeNull();
  });

  it("the console's loan page: a counterfactual only inside the model's population, outside it the reason, in both languages", async () => {
    const b = consoleBrowser(() => app);
    expect((await b.signIn(keys.admin)).status).toBe(303);
    const page = async (loanId: string, lang: string) =>
      (await b.request(`/console/loans/${loanId}?as_of=2024-06-30&lang=${lang}`)).text();
    const past = await riskiestScored(false);
    const inside = await riskiestScored(true);
    for (const lang of ['en', 'zh-CN']) {
      const outside = await page(past.loan_id, lang);
      expect(outside).not.toContain('id="counterfactual"');
      expect(outside).toMatch(
        lang === 'en'
          ? new RegExp(`id="score-population"[^>]*>\\s*No counterfactual: the loan was ${past.dpd} days past due`, 'u')
          : new RegExp(`id="score-population"[^>]*>\\s*不提供反事实建议：.*已逾期 ${past.dpd} 天`, 'u'),
      );
      const within = await page(inside.loan_id, lang);
      expect(within).not.toContain('id="score-population"');
      expect(within).toContain('id="counterfactual"');
    }
    // a loan at the best grade: no better one to reach, and the page says so rather than nothing
    const [best] = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT s.loan_id AS loan_id FROM ${wh.database}.scores AS s
      INNER JOIN ${wh.database}.loan_month AS m ON m.loan_id = s.loan_id AND m.month_end = s.month_end
      WHERE s.grade = 'A' AND m.dpd <= 30 AND s.month_end = (SELECT max(month_end) FROM ${wh.database}.scores)
      ORDER BY s.loan_id LIMIT 1`,
    );
    const atBest = await page(best!.loan_id, 'en');
    expect(atBest).not.toContain('id="counterfactual"');
    expect(atBest).toContain('No counterfactual: grade A is already the best grade.');
  });

  it("a loan outside the model's population gets no counterfactual sentence, but why, in English and Chinese", async () => {
    const past = await riskiestScored(false);
    interface Answer {
      loan_id: string;
      in_population: boolean;
      population_reason: string;
      counterfactual: unknown;
      counterfactual_unavailable: { reason: string; text: { en: string; zh: string } } | null;
    }
    const path = `/v1/loans/${past.loan_id}/score`;
    const plain = (await (await call(path, { key: keys.admin })).json()) as Answer;
    expect(plain).toMatchObject({ in_population: false, counterfactual: null, counterfactual_unavailable: null });
    for (const query of ['counterfactual=true', 'target_grade=A']) {
      const asked = (await (await call(`${path}?${query}`, { key: keys.admin })).json()) as Answer;
      expect(asked.counterfactual, query).toBeNull();
      expect(asked.counterfactual_unavailable?.reason).toBe(plain.population_reason);
      expect(asked.counterfactual_unavailable?.text.en).toMatch(
        new RegExp(
          `^No counterfactual: the loan was ${past.dpd} days past due at \\d{4}-\\d{2}-\\d{2}, outside the model's population`,
          'u',
        ),
      );
      expect(asked.counterfactual_unavailable?.text.zh).toMatch(
        new RegExp(`^不提供反事实建议：.*已逾期 ${past.dpd} 天`, 'u'),
      );
    }
    // a batch with both: the one inside gets its counterfactual, the one outside the reason
    const inside = await riskiestScored(true);
    const batch = (await (
      await call('/v1/scores', {
        key: keys.admin,
        method: 'POST',
        body: { loan_ids: [past.loan_id, inside.loan_id], counterfactual: true },
      })
    ).json()) as { scores: Answer[] };
    const byLoan = new Map(batch.scores.map((s) => [s.loan_id, s]));
    expect(byLoan.get(past.loan_id)).toMatchObject({ counterfactual: null, in_population: false });
    expect(byLoan.get(past.loan_id)!.counterfactual_unavailable?.reason).toBe(plain.population_reason);
    expect(byLoan.get(inside.loan_id)).toMatchObject({ in_population: true, counterfactual_unavailable: null });
    expect(byLoan.get(inside.loan_id)!.counterfactual).not.toBeNull();
  });

  it('bad parameters give 400 with field-level messages; unknown routes 404; big bodies 413', async () => {
    const r = await call('/v1/metrics/overdue?basis=weight&from=yesterday', { key: keys.admin });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(['basis', 'from']);
    expect((await call('/v1/metrics/overdue?group_by=favourite_colour', { key: keys.admin })).status).toBe(400);
    expect((await call('/v1/scores', { key: keys.admin, method: 'POST', body: { loan_ids: [] } })).status).toBe(400);
    expect((await call('/v1/scores', { key: keys.admin, method: 'POST', body: '{not json' })).status).toBe(400);
    expect((await call('/v1/nothing', { key: keys.admin })).status).toBe(404);
    // a body over the server's limit is a 413 on every route but the table-scoring one (room for its 10,000 rows)
    const loanIds = Array.from({ length: 9000 }, (_, i) => `L${i}`);
    const huge = await call('/v1/collection-actions', { key: keys.admin, method: 'POST', body: { loan_ids: loanIds } });
    expect(huge.status).toBe(413);
    const scores = await call('/v1/scores', { key: keys.admin, method: 'POST', body: { loan_ids: loanIds } });
    expect(scores.status).toBe(400);
  });

  it('metrics as CSV parse back to the JSON rows; ETag gives 304', async () => {
    const json = (await (await call('/v1/metrics/overdue', { key: keys.executive })).json()) as {
      rows: Record<string, unknown>[];
      columns: { name: string }[];
    };
    const csvRes = await call('/v1/metrics/overdue', { key: keys.executive, headers: { accept: 'text/csv' } });
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csvRes.text()).trim().split('\n');
    expect(lines[0]!.split(',')).toEqual(json.columns.map((c) => c.name));
    expect(lines.length - 1).toBe(json.rows.length);
    expect(lines[1]!.split(',')[0]).toBe(String(json.rows[0]![json.columns[0]!.name]));
    const first = await call('/v1/metrics/vintage', { key: keys.executive });
    const etag = first.headers.get('etag')!;
    expect(
      (await call('/v1/metrics/vintage', { key: keys.executive, headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
  });

  it('every metric route’s documented example has the columns the route answers with (its request without parameters)', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<
        string,
        { get?: { responses: Record<string, { content?: Record<string, { example?: unknown }> }> } }
      >;
    };
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/metrics/'));
    expect(paths.length).toBe(metricNames.length + 1);
    for (const path of paths) {
      const example = doc.paths[path]!.get!.responses['200']!.content!['application/json']!.example as {
        metric: string;
        title: string;
        columns: unknown[];
        rows: Record<string, unknown>[];
        basis: string;
        request: Record<string, unknown>;
      };
      expect(example.rows, path).toHaveLength(1);
      const res = await call(path, { key: keys.admin });
      expect(res.status, path).toBe(200);
      const body = (await res.json()) as {
        metric: string;
        title: string;
        columns: unknown[];
        basis: string;
        request: Record<string, unknown>;
        rows: Record<string, unknown>[];
      };
      expect(example.columns, path).toEqual(body.columns);
      expect([example.metric, example.title, example.basis], path).toEqual([body.metric, body.title, body.basis]);
      expect({ ...example.request, as_of: body.request.as_of }, path).toEqual(body.request);
      // each value of the kind the route sends (a number or text), where the answer has one
      for (const [column, value] of Object.entries(example.rows[0]!)) {
        const sent = body.rows.map((r) => r[column]).find((v) => v !== null && v !== undefined);
        if (sent !== undefined) expect(typeof value, `${path} ${column}`).toBe(typeof sent);
      }
    }
  });

  it('a promotion through the API is audited, refused or not', async () => {
    const r = await call('/v1/models/dpd30_3m_scorecard/1/promote', {
      key: keys.modeler,
      method: 'POST',
      body: { reason: 'audit me' },
    });
    expect(r.status).toBe(409);
    const rows = await queryRows<{ action: string; role: string; details: string }>(
      wh,
      `SELECT action, role, details FROM ${wh.database}.audit_log WHERE details LIKE '%audit me%'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'model.promote', role: 'modeler' });
  });

  it('case lists: collectors pinned to their region, CSV, pages, and every pull audited', async () => {
    const r = await call('/v1/cases?as_of=2024-06-15&region=elsewhere&limit=1000', { key: keys.collector });
    const body = (await r.json()) as { cases: { region: string; rank: number }[] };
    expect(body.cases.length).toBeGreaterThan(0);
    for (const c of body.cases) expect(c.region).toBe(loanInRegion.region);
    // the region asked for beyond the key's own is kept beside the one served
    const [pull] = await queryRows<{ details: string }>(
      wh,
      `SELECT details FROM ${wh.database}.audit_log WHERE action = 'cases.pull' AND role = 'collector' ORDER BY at DESC LIMIT 1`,
    );
    expect(JSON.parse(pull!.details)).toMatchObject({ region: [loanInRegion.region], asked_region: ['elsewhere'] });
    const p1 = (await (await call('/v1/cases?as_of=2024-06-15&limit=3', { key: keys.admin })).json()) as {
      cases: { rank: number }[];
      next_cursor: string;
    };
    const p2 = (await (
      await call(`/v1/cases?as_of=2024-06-15&limit=3&cursor=${p1.next_cursor}`, { key: keys.admin })
    ).json()) as { cases: { rank: number }[] };
    expect([...p1.cases, ...p2.cases].map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const csv = await (
      await call('/v1/cases?as_of=2024-06-15&limit=2', { key: keys.admin, headers: { accept: 'text/csv' } })
    ).text();
    expect(csv.split('\n')[0]).toMatch(/^rank,loan_id,region/);
    expect(csv.trim().split('\n')).toHaveLength(3);
    const pulls = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.audit_log WHERE action = 'cases.pull'`,
    );
    expect(Number(pulls[0]!.n)).toBeGreaterThanOrEqual(4);
    expect((await call('/v1/cases?as_of=2024-06-15&stage=soon', { key: keys.admin })).status).toBe(400);
  });

  it('auditors read the audit log through the API: newest first, by action, in pages', async () => {
    interface Page {
      entries: { at: string; action: string; role: string; target: string; details: Record<string, unknown> }[];
      next_cursor: string | null;
    }
    const all = (await (await call('/v1/audit?limit=1000', { key: keys.auditor })).json()) as Page;
    expect(all.entries.some((e) => e.action === 'model.promote' && e.details.reason === 'audit me')).toBe(true);
    expect(all.entries.some((e) => e.action === 'cases.pull' && e.role === 'collector')).toBe(true);
    expect(all.entries.map((e) => e.at)).toEqual([...all.entries.map((e) => e.at)].sort().reverse());
    const pulls = (await (await call('/v1/audit?action=cases.pull&limit=1000', { key: keys.admin })).json()) as Page;
    expect(pulls.entries.length).toBeGreaterThan(0);
    expect(pulls.entries.every((e) => e.action === 'cases.pull')).toBe(true);
    const p1 = (await (await call('/v1/audit?limit=2', { key: keys.auditor })).json()) as Page;
    const p2 = (await (await call(`/v1/audit?limit=2&cursor=${p1.next_cursor}`, { key: keys.auditor })).json()) as Page;
    expect([...p1.entries, ...p2.entries]).toEqual(all.entries.slice(0, 4));
    for (const bad of ['from=2024-02-30', 'action=%27%3B%20DROP', 'limit=0', 'cursor=xyz'])
      expect((await call(`/v1/audit?${bad}`, { key: keys.auditor })).status, bad).toBe(400);
  });

  it('warnings: rule and evidence, collectors pinned to their region, filters, CSV and pages', async () => {
    const all = (await (await call('/v1/warnings?as_of=2024-06-30&limit=1000', { key: keys.admin })).json()) as {
      warnings: { rule_id: string; loan_id: string; region: string; evidence: Record<string, unknown> }[];
    };
    expect(new Set(all.warnings.map((w) => w.rule_id))).toEqual(new Set(['overdue_2', 'high', 'any_overdue']));
    expect(all.warnings.find((w) => w.rule_id === 'overdue_2')!.evidence).toMatchObject({ month_end: '2024-06-30' });
    const mine = (await (
      await call('/v1/warnings?as_of=2024-06-30&limit=1000&region=elsewhere', { key: keys.collector })
    ).json()) as typeof all;
    expect(mine.warnings.length).toBe(all.warnings.filter((w) => w.region === loanInRegion.region).length);
    expect(mine.warnings.every((w) => w.region === loanInRegion.region)).toBe(true);
    const high = (await (
      await call('/v1/warnings?as_of=2024-06-30&rule=high&limit=1000', { key: keys.modeler })
    ).json()) as typeof all;
    expect(high.warnings.length).toBe(all.warnings.filter((w) => w.rule_id === 'high').length);
    const p1 = (await (
      await call('/v1/warnings?as_of=2024-06-30&limit=3', { key: keys.admin })
    ).json()) as typeof all & { next_cursor: string };
    const p2 = (await (
      await call(`/v1/warnings?as_of=2024-06-30&limit=3&cursor=${p1.next_cursor}`, { key: keys.admin })
    ).json()) as typeof all;
    expect([...p1.warnings, ...p2.warnings]).toEqual(all.warnings.slice(0, 6));
    const csv = await (
      await call('/v1/warnings?as_of=2024-06-30&limit=2', { key: keys.auditor, headers: { accept: 'text/csv' } })
    ).text();
    expect(csv.split('\n')[0]).toMatch(/^as_of,rule_id,kind,severity,loan_id/);
    for (const bad of [
      'as_of=2024-02-30',
      'as_of=2024-06-30&kind=nonsense',
      'as_of=2024-06-30&severity=loud',
      'as_of=2024-06-30&cursor=abc',
      'as_of=2024-06-30&region=%27%3B%20DROP',
    ]) {
      const r = await call(`/v1/warnings?${bad}`, { key: keys.admin });
      expect(r.status, bad).toBe(400);
    }
  });

  it('reports: a chart in every format, a pack as html or pdf; bad names, formats and periods are 400s', async () => {
    const get = (q: string) => call(`/v1/reports/${q}`, { key: keys.executive });
    // one chart as HTML carries its font as a pack page does (a machine without CJK fonts drew boxes)
    const chartHtml = await (await get('roll-rate-heatmap?period=2024-06&format=html')).text();
    expect(chartHtml).toMatch(/@font-face\s*\{[^}]*src:\s*url\(["']?data:font\/woff;base64,/u);
    const png = await get('overdue-trend?period=2024-06&lang=en&format=png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const svg = await (await get('roll-rate-heatmap?period=2024-06&format=svg')).text();
    expect(svg).toMatch(/^<svg[\s\S]*滚动率矩阵/u);
    const spec = (await (await get('npl-deviation?period=2024-06&format=json')).json()) as {
      $schema: string;
      data: { values: unknown[] };
    };
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.data.values.length).toBe(12);
    expect((await (await get('npl-deviation?period=2024-06&format=csv')).text()).split('\n')[0]).toMatch(
      /^month_end,outstanding/,
    );
    const html = await get('management?period=2024-06&lang=en');
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    // one figure per chart of the pack, whatever charts the catalogue holds
    expect((await html.text()).match(/<figure class="chart"/g)?.length).toBe(packTemplates('management').length);
    // a month before the data is refused, not drawn as an empty chart read as that month's
    const early = await get('ifrs9-ecl?period=2015-01&lang=en&format=json');
    expect(early.status).toBe(400);
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(
      /^period 2015-01 is before the data's first month-end \d{4}-\d{2}-\d{2}: there is nothing to report/u,
    );
    const pdf = await get('regulatory?period=2024-06&format=pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    for (const bad of [
      'management?period=2024-06&format=png',
      'no-such-chart?period=2024-06',
      'overdue-trend?period=2024-13',
      'overdue-trend?period=2031-01',
      'overdue-trend?period=2024-06&lang=fr',
      'overdue-trend?period=2024-06&format=gif',
      'overdue-trend?period=2024-06&colour=red',
    ]) {
      const r = await get(bad);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    }
  });

  it('the report archive: listed with its inputs and hashes, each file served as archived; a bad id or file is refused', async () => {
    const dir = tmpDir('api-archive');
    await buildReportPack(wh, {
      pack: 'regulatory',
      period: '2024-06',
      lang: 'en',
      formats: ['html'],
      outDir: dir,
      fontFile: cjkFontFile(),
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: string[] };
    const { entry } = await archivePack(wh, {
      pack: 'regulatory',
      period: '2024-06',
      monthEnd: '2024-06-30',
      segment: {},
      lang: 'en',
      inputs: await packInputs(wh, '2024-06-30'),
      from: dir,
      files: packFiles(dir, manifest.files),
      root: join(dir, 'archive'),
      generatedAt: new Date('2024-07-03T06:00:00Z'),
    });
    const get = (q: string, role: Role = 'auditor') => call(q, { key: keys[role] });
    const list = (await (await get('/v1/reports/archive?period=2024-06&pack=regulatory')).json()) as {
      archive: { id: string; generated_at: string; files: { name: string; sha256: string; bytes: number }[] }[];
    };
    expect(list.archive.map((e) => e.id)).toEqual([entry.id]);
    expect(list.archive[0]!.generated_at).toBe('2024-07-03T06:00:00.000Z');
    expect(((await (await get('/v1/reports/archive?period=2024-05')).json()) as { archive: [] }).archive).toEqual([]);
    for (const f of list.archive[0]!.files) {
      const r = await get(`/v1/reports/archive/${entry.id}/${f.name}`, 'executive');
      expect(r.status, f.name).toBe(200);
      const body = Buffer.from(await r.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex'), f.name).toBe(f.sha256);
      expect(r.headers.get('x-content-sha256'), f.name).toBe(f.sha256);
      expect(body.length, f.name).toBe(f.bytes);
    }
    const html = await get(`/v1/reports/archive/${entry.id}/report.html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/u);
    expect((await get(`/v1/reports/archive/${entry.id}/npl-deviation.csv`)).headers.get('content-type')).toMatch(
      /^text\/csv/u,
    );
    for (const [path, status] of [
      [`/v1/reports/archive/${entry.id}/no-such.csv`, 404],
      [`/v1/reports/archive/2024-06-regulatory-en-000000000000/report.html`, 404],
      [`/v1/reports/archive/${entry.id}/..%2Fmanifest.json`, 400],
      ['/v1/reports/archive/not-an-id/report.html', 400],
      ['/v1/reports/archive?period=2024-13', 400],
      ['/v1/reports/archive?pack=weekly', 400],
    ] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
    }
    expect((await get('/v1/reports/archive', 'collector')).status).toBe(403);
    expect((await get(`/v1/reports/archive/${entry.id}/report.html`, 'modeler')).status).toBe(403);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists are cursor-paginated: pages follow each other, a forged cursor is a 400', async () => {
    const m = await loadModel(wh, 'dpd30_3m_scorecard', 1);
    for (let i = 0; i < 2; i++)
      await registerModel(wh, {
        model_name: m.model_name,
        target: m.target,
        kind: m.kind,
        created_by: 'test',
        seed: m.seed,
        fingerprint: m.fingerprint,
        metrics: m.metrics,
        artifact: m.artifact,
      });
    const seen: string[] = [];
    let cursor = '';
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const r = await call(`/v1/models?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: keys.auditor });
      expect(r.status).toBe(200);
      const body = (await r.json()) as {
        models: { model_name: string; version: number }[];
        next_cursor: string | null;
      };
      expect(body.models.length).toBeLessThanOrEqual(2);
      seen.push(...body.models.map((x) => `${x.model_name}@${x.version}`));
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    expect(seen).toEqual(['dpd30_3m_scorecard@1', 'dpd30_3m_scorecard@2', 'dpd30_3m_scorecard@3']);
    expect((await call('/v1/models?cursor=bm90LWpzb24', { key: keys.auditor })).status).toBe(400);
    expect((await call('/v1/models?limit=0', { key: keys.auditor })).status).toBe(400);
  });

  it('responses carry request ids and never leak internals; the OpenAPI document lists exactly the served routes', async () => {
    // the request id is the server's own; the client's is logged beside it
    const r = await call('/v1/models', { key: keys.admin, headers: { 'x-request-id': 'abc-123' } });
    const id = r.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.some((l) => l.request_id === id && l.client_request_id === 'abc-123' && l.status === 200)).toBe(true);
    // an id is any text ingest takes: this one is looked up, through a bound parameter, and not found
    const inj = await call(`/v1/loans/${encodeURIComponent("x'; DROP TABLE loans --")}/score`, { key: keys.admin });
    expect(inj.status).toBe(404);
    expect(await inj.text()).not.toMatch(/SELECT|DB::Exception|at .*\.ts/);
    const doc = (await (await call('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const validation = await new Validator().validate(doc);
    const errors = validation.errors ?? [];
    expect(errors, JSON.stringify(errors).slice(0, 1000)).toEqual([]);
    expect(validation.valid).toBe(true);
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(
      [
        'GET /health',
        'GET /v1/audit',
        'GET /v1/cases',
        'GET /v1/collection-actions',
        'GET /v1/disposal',
        'GET /v1/bureau',
        'GET /v1/contact-compliance',
        'GET /v1/corrections',
        'GET /v1/incentives',
        'GET /v1/keys',
        'GET /v1/loans/{id}/score',
        ...[...metricNames.map((m) => m.replaceAll('_', '-')), 'classification'].map((m) => `GET /v1/metrics/${m}`),
        'GET /v1/models',
        'GET /v1/placements',
        'GET /v1/promises',
        'GET /v1/reports/archive',
        'GET /v1/reports/archive/{id}/{file}',
        'GET /v1/reports/{template}',
        'GET /v1/warnings',
        'POST /v1/collection-actions',
        'POST /v1/collection-actions/{action_id}/withdraw',
        'PUT /v1/collection-actions/{action_id}',
        'POST /v1/keys',
        'POST /v1/keys/{id}/revoke',
        'POST /v1/models/{name}/{version}/promote',
        'POST /v1/scores',
      ].sort(),
    );
    const docs = await (await call('/docs')).text();
    expect(docs).toMatch(/\/assets\/swagger-ui-dist\/swagger-ui-bundle\.js/);
    expect(docs).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    expect((await call('/assets/swagger-ui-dist/swagger-ui-bundle.js')).status).toBe(200);
    expect((await call('/assets/swagger-ui-dist/swagger-ui.css')).status).toBe(200);
  });
});
