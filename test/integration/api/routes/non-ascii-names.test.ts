import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { issueIncentives } from '../../../../pipelines/collections/incentives/issue.ts';
import { defaultIncentiveScheme } from '../../../../pipelines/collections/incentives/scheme.ts';
import { generateBook } from '../../../../pipelines/generate/generate-book.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { delinquencySettings, loadConfig } from '../../../../warehouse/config.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A lender that names its regions, teams and agents in Chinese filters and scopes keys by those
 * names through the API, as ingest and the CLI take them (review 2026-12-06 §4: `\w` refused them);
 * the name's shape still refuses control and format characters, quotes and other punctuation.
 */
const asOf = '2024-06-30';
const names = { region: '华东', team: '华东早期组', agent: '王芳', branch: '上海分行' };

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } };
}

/** A generated book whose region "central", its branches, one team and one agent carry Chinese names. */
async function chineseBook() {
  const wh = await testWarehouse('cjk_names');
  const book = join(tmpDir('cjk_names'), 'book');
  await generateBook({ loans: 300, months: 14, seed: 21, asOf, badRows: 0, outDir: book, format: 'csv' });
  const actions = readFileSync(join(book, 'collection_actions.csv'), 'utf8');
  const agent = /,(central-early-\d+),central-early,/u.exec(actions)![1]!;
  for (const file of ['customers.csv', 'loans.csv', 'collection_actions.csv']) {
    const path = join(book, file);
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replaceAll(`,${agent},`, `,${names.agent},`)
        .replaceAll('central-early', names.team)
        .replace(/central-\d+/gu, names.branch)
        .replaceAll('central', names.region),
    );
  }
  await ingest(wh, [book], { piiSecret: 's' });
  await buildMonthEndSnapshots(wh, { asOf, settings: defaultSettings });
  await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: defaultWarningRules });
  await issueIncentives(wh, {
    month: '2024-05',
    scheme: defaultIncentiveScheme,
    settings: delinquencySettings(loadConfig({})),
  });
  return wh;
}

describe('names in any script through the API', () => {
  let wh: Awaited<ReturnType<typeof chineseBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  beforeAll(async () => {
    wh = await chineseBook();
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  const call = (path: string, key = admin, o: { method?: string; body?: unknown } = {}) =>
    app.request(path, {
      method: o.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  const q = encodeURIComponent;

  /** every name filter of the routes that had `\w`: the path with the filter, the value's kind, and the rows' field to compare */
  const filters: { path: string; param: string; value: keyof typeof names; rows?: string; field?: string }[] = [
    { path: `/v1/cases?as_of=${asOf}`, param: 'region', value: 'region', rows: 'cases', field: 'region' },
    { path: `/v1/cases?as_of=${asOf}`, param: 'team', value: 'team', rows: 'cases', field: 'team' },
    { path: `/v1/warnings?as_of=${asOf}`, param: 'region', value: 'region', rows: 'warnings', field: 'region' },
    { path: `/v1/warnings?as_of=${asOf}`, param: 'team', value: 'team', rows: 'warnings', field: 'team' },
    { path: `/v1/promises?as_of=${asOf}`, param: 'region', value: 'region', rows: 'promises', field: 'region' },
    { path: `/v1/promises?as_of=${asOf}`, param: 'team', value: 'team', rows: 'promises', field: 'team' },
    { path: `/v1/disposal?as_of=${asOf}`, param: 'region', value: 'region', rows: 'loans', field: 'region' },
    { path: `/v1/disposal?as_of=${asOf}`, param: 'team', value: 'team' },
    { path: `/v1/placements?as_of=${asOf}`, param: 'region', value: 'region', rows: 'proposals', field: 'region' },
    { path: `/v1/placements?as_of=${asOf}`, param: 'team', value: 'team' },
    { path: '/v1/contact-compliance?from=2024-01-01&to=2024-06-30', param: 'team', value: 'team' },
    {
      path: '/v1/contact-compliance?from=2024-01-01&to=2024-06-30',
      param: 'agent',
      value: 'agent',
      rows: 'by_agent',
      field: 'agent_id',
    },
    { path: '/v1/incentives?month=2024-05', param: 'agent', value: 'agent', rows: 'agents', field: 'agent' },
  ];

  it('every name filter takes a Chinese region, team or agent and returns its rows only', async () => {
    const unfiltered = new Map<string, number>();
    for (const f of filters) {
      const r = await call(`${f.path}&${f.param}=${q(names[f.value])}`);
      const text = await r.text();
      expect(r.status, `${f.path} ${f.param}: ${text.slice(0, 300)}`).toBe(200);
      if (!f.rows) continue;
      const rows = (JSON.parse(text) as Record<string, Record<string, string>[]>)[f.rows]!;
      expect(
        rows.every((x) => x[f.field!] === names[f.value]),
        `${f.path} ${f.param}`,
      ).toBe(true);
      unfiltered.set(`${f.path} ${f.param}`, rows.length);
    }
    // the filters select something: the Chinese names are the book's, not an empty match
    for (const k of [`/v1/cases?as_of=${asOf} region`, `/v1/cases?as_of=${asOf} team`])
      expect(unfiltered.get(k), k).toBeGreaterThan(0);
  });

  it('a key is scoped to a Chinese region, team and agent (POST /v1/keys), and that key sees its own cases', async () => {
    const made = await call('/v1/keys', admin, {
      method: 'POST',
      body: { role: 'collector', region: names.region, team: names.team, agent_id: names.agent, label: '华东 早期' },
    });
    const body = (await made.json()) as { key: string; region: string; team: string };
    expect(made.status, JSON.stringify(body)).toBe(201);
    expect([body.region, body.team]).toEqual([names.region, names.team]);
    const mine = (await (await call(`/v1/cases?as_of=${asOf}&limit=1000`, body.key)).json()) as {
      cases: { region: string; team: string }[];
    };
    expect(mine.cases.length).toBeGreaterThan(0);
    expect(mine.cases.every((c) => c.region === names.region && c.team === names.team)).toBe(true);
    const awards = (await (await call('/v1/incentives?month=2024-05', body.key)).json()) as {
      agents: { agent: string }[];
    };
    expect(awards.agents.every((a) => a.agent === names.agent)).toBe(true);
  });

  it('a name of another script with combining marks, or with any punctuation, passes the shape and is judged by the known values', async () => {
    // and so is any other text ingest would store: quotes, punctuation, a path-like id (bound, never spliced)
    for (const value of [
      'São Paulo',
      'e\u0301ast',
      'Zürich-2',
      'केन्द्र',
      '東京 第1課',
      '华东(一组)',
      'LN/2024/0001',
      `${names.region}'--`,
      `east" OR "1"="1`,
      'east;DROP TABLE loans',
      '<script>',
      'east/../west',
      'a'.repeat(65),
    ]) {
      for (const f of filters.filter((x) => x.param === 'region' || x.param === 'team')) {
        const r = await call(`${f.path}&${f.param}=${q(value)}`);
        const body = (await r.json()) as ErrorBody;
        expect(r.status, `${f.path} ${f.param}=${value}`).toBe(400);
        // refused as a name the warehouse does not hold, not for its characters
        expect(body.error.message, `${f.path} ${f.param}=${value}`).not.toMatch(/control or format characters/u);
        expect(body.error.message).toContain(JSON.stringify(value));
      }
    }
  });

  it('control and format characters and over-long names are still refused, on every route', async () => {
    const bad = [
      `${names.region}\u0000`,
      `${names.region}\u0007`,
      `\u001b[31m${names.region}`,
      `${names.region}\u0085`,
      `${names.region}\u202e`,
      `华\u200b东`,
      `华\ufeff东`,
      `${names.region}\u2066`,
      `华${'东'.repeat(1000)}`,
      'a'.repeat(1001),
    ];
    const refusedWith: string[] = [];
    for (const f of filters)
      for (const value of bad) {
        const r = await call(`${f.path}&${f.param}=${q(value)}`);
        const body = (await r.json()) as ErrorBody;
        expect(r.status, `${f.path} ${f.param}=${JSON.stringify(value)}`).toBe(400);
        expect(body.error.message, `${f.path} ${f.param}=${JSON.stringify(value)}`).toMatch(
          /no control or format characters, nor a comma|at most 1000 characters/u,
        );
        refusedWith.push(body.error.message);
      }
    for (const value of bad.slice(0, 8)) {
      const r = await call('/v1/keys', admin, { method: 'POST', body: { role: 'collector', region: value } });
      expect(r.status, JSON.stringify(value)).toBe(400);
      expect(((await r.json()) as ErrorBody).error.message).toMatch(/region: no control or format characters/u);
    }
    expect(refusedWith.length).toBe(filters.length * bad.length);
  });
});
