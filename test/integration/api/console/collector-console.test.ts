// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';

/*
 * The collector's console and API on hand-built loans, as of 2024-06-30. Six instalments of
 * 100.00 + 10.00 due on the 15th from 2024-01-15, three paid: every loan is 76 days past due.
 *   E1 east, team east-early;  E2 east, team east-late;  E3 east, team east-early, refused on
 *   2024-06-29 (cooling-off: no personal contact for 2 days);  E4 east, no team yet (never worked);
 *   N1 north, team north-late. Each worked loan has an open promise (2024-07-05).
 */
const asOf = '2024-06-30';
const loans = ['E1', 'E2', 'E3', 'E4', 'N1'] as const;
const regionOf: Record<string, string> = { E1: 'east', E2: 'east', E3: 'east', E4: 'east', N1: 'north' };
const teamOf: Record<string, string> = {
  E1: 'east-early',
  E2: 'east-late',
  E3: 'east-early',
  E4: '',
  N1: 'north-late',
};
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
    ...loans.map((id) => `${id},c${id},consumer,2023-12-15,600.00,0.2,6,${regionOf[id]},b1`),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...loans.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...loans.flatMap((id) => due.slice(0, 3).map((d, i) => `${id}${i},${id},${d},110.00`)),
  ],
  'collection_actions.csv': [
    'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date,action_time',
    ...loans
      .filter((id) => teamOf[id])
      .map((id) => `p-${id},${id},2024-06-20,phone,promise_to_pay,a-${id},${teamOf[id]},110.00,2024-07-05,10:00`),
    'r-E3,E3,2024-06-29,phone,refused,a-E3,east-early,,,10:00',
  ],
};

interface Scope {
  role: 'admin' | 'collector';
  region?: string;
  team?: string;
}
const scopes: Record<string, Scope> = {
  admin: { role: 'admin' },
  east: { role: 'collector', region: 'east' },
  eastEarly: { role: 'collector', region: 'east', team: 'east-early' },
  eastLate: { role: 'collector', region: 'east', team: 'east-late' },
  north: { role: 'collector', region: 'north' },
  northLate: { role: 'collector', region: 'north', team: 'north-late' },
};
/** the rule, written out: a collector sees his region's loans, and with a team only his team's */
const sees = (s: Scope, loan: string) =>
  s.role === 'admin' || (regionOf[loan] === s.region && (!s.team || teamOf[loan] === s.team));

describe("a collector's console and recorded actions", () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys: Record<string, string> = {};
  const faults: string[] = [];

  beforeAll(async () => {
    wh = await warehouseWithFiles('console_collector', files, asOf);
    for (const [name, s] of Object.entries(scopes)) keys[name] = (await createApiKey(wh, { ...s, label: name })).key;
    app = createApp({
      wh,
      log: (e) => {
        if (e.level === 'error') faults.push(JSON.stringify(e));
      },
      rateLimitPerMinute: 1_000_000,
      anonRateLimitPerMinute: 1_000_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  /** a cookie jar of one browser, signed in with a key */
  const browser = () => consoleBrowser(() => app);
  const api = (key: string, path: string, body?: unknown) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const currentTeams = async () =>
    Object.fromEntries(
      (
        await queryRows<{ loan_id: string; team: string }>(
          wh,
          `SELECT loan_id, argMax(team, (action_date, action_id)) AS team FROM ${wh.database}.collection_actions GROUP BY loan_id`,
        )
      ).map((r) => [r.loan_id, r.team]),
    );

  it('every route a collector reaches keeps to his region and team: each scope × loan × route, by page and by API; recording moves no loan', async () => {
    let n = 0;
    for (const [name, s] of Object.entries(scopes)) {
      const b = browser();
      expect((await b.signIn(keys[name]!)).status, name).toBe(303);
      const token = await b.csrf(`/console/queue?as_of=${asOf}`);
      const visible = loans.filter((l) => sees(s, l));
      // lists: the API's case list, promises and the console's queue hold exactly the visible loans
      const cases = (await (await api(keys[name]!, `/v1/cases?as_of=${asOf}&limit=1000`)).json()) as {
        cases: { loan_id: string }[];
      };
      expect(cases.cases.map((c) => c.loan_id).sort(), `${name} /v1/cases ${faults.join('\n')}`).toEqual(visible);
      const promises = (await (await api(keys[name]!, `/v1/promises?as_of=${asOf}`)).json()) as {
        promises: { loan_id: string }[];
      };
      expect([...new Set(promises.promises.map((p) => p.loan_id))].sort(), `${name} /v1/promises`).toEqual(
        visible.filter((l) => teamOf[l]),
      );
      const queue = await (await b.request(`/console/queue?as_of=${asOf}`)).text();
      expect([...queue.matchAll(/data-loan="([^"]+)"/gu)].map((m) => m[1]).sort(), `${name} queue`).toEqual(visible);
      // the queue's export: the same loans, the API's columns, a byte-order mark for Excel (Chinese text)
      const exported = await b.request(`/console/queue.csv?as_of=${asOf}`);
      expect(exported.headers.get('content-disposition'), name).toBe(`attachment; filename="cases-${asOf}.csv"`);
      // (Response.text() drops a leading BOM: the bytes show it)
      const bytes = Buffer.from(await exported.arrayBuffer());
      expect([...bytes.subarray(0, 3)], `${name} BOM`).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      const apiCsv = await (
        await app.request(`/v1/cases?as_of=${asOf}&limit=1000`, {
          headers: { authorization: `Bearer ${keys[name]!}`, accept: 'text/csv' },
        })
      ).text();
      const [header, ...rows] = text.slice(1).trim().split(/\r?\n/u);
      expect(header, name).toBe(apiCsv.split(/\r?\n/u)[0]);
      const at = header!.split(',').indexOf('loan_id');
      expect(rows.map((r) => r.split(',')[at]).sort(), `${name} queue.csv`).toEqual(visible);
      if (visible.length > 0) expect(queue).toContain('id="export-csv"');
      // one loan at a time: its page, its actions, recording on it (page form and API)
      for (const loan of loans) {
        const ok = sees(s, loan);
        const what = `${name} ${loan}`;
        expect((await b.request(`/console/loans/${loan}?as_of=${asOf}`)).status, `${what} page`).toBe(ok ? 200 : 404);
        expect((await api(keys[name]!, `/v1/collection-actions?loan_id=${loan}`)).status, `${what} actions`).toBe(
          ok ? 200 : 404,
        );
        const action = { loan_id: loan, action_date: '2024-06-25', channel: 'letter', outcome: 'no_contact' };
        const posted = await api(keys[name]!, '/v1/collection-actions', { ...action, action_id: `scope-api-${n++}` });
        expect(posted.status, `${what} POST api`).toBe(ok ? 201 : 404);
        const formPost = await b.request(`/console/loans/${loan}/actions?as_of=${asOf}`, {
          method: 'POST',
          form: { _csrf: token, ...action, action_id: `scope-page-${n++}`, action_time: '10:00', note: '' },
        });
        expect(formPost.status, `${what} POST page`).toBe(ok ? 303 : 404);
      }
    }
    // nobody named a team: every loan is still in the team it was in (a loan without one stays without)
    const teams = await currentTeams();
    expect(Object.fromEntries(loans.map((l) => [l, teams[l] ?? '']))).toEqual(teamOf);
    // the audit row says which team the action went to
    const [row] = await queryRows<{ details: string }>(
      wh,
      `SELECT details FROM ${wh.database}.audit_log WHERE action = 'collection_actions.record' AND target = 'E1' LIMIT 1`,
    );
    expect(JSON.parse(row!.details)).toMatchObject({ team: 'east-early', team_before: 'east-early' });
  });

  it('a promise to pay names an amount above 0 and a date from the contact date to 60 days on; other outcomes carry neither; no contact before origination', async () => {
    const key = keys.eastEarly!;
    const base = {
      loan_id: 'E1',
      action_date: asOf,
      channel: 'phone',
      outcome: 'promise_to_pay',
      action_time: '10:00',
    };
    const promise = { ...base, promised_amount: '1500.00', promised_date: '2024-07-15' };
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [
        { ...base },
        'promised_amount',
        /promised_amount: missing: a promise to pay names an amount; promised_date: missing/u,
      ],
      [{ ...base, promised_date: '2024-07-15' }, 'promised_amount', /promised_amount: missing/u],
      [{ ...promise, promised_amount: '0' }, 'promised_amount', /promised_amount: must be more than 0/u],
      [{ ...promise, promised_amount: 0 }, 'promised_amount', /promised_amount: must be more than 0/u],
      [{ ...base, promised_amount: '10' }, 'promised_date', /promised_date: missing/u],
      [
        { ...promise, promised_date: '2024-06-29' },
        'promised_date',
        // the file contract's rule (a promise falls due on or after the day it is made) answers first
        /promised_date: 2024-06-29 is before the action_date 2024-06-30/u,
      ],
      [
        { ...promise, promised_date: '2024-08-30' },
        'promised_date',
        /more than 60 days after the contact date \(at the latest 2024-08-29\)/u,
      ],
      [{ ...promise, promised_date: '2099-12-31' }, 'promised_date', /more than 60 days/u],
      [{ ...promise, outcome: 'no_contact' }, 'promised_amount', /promised_amount: only a promise to pay/u],
      [
        { ...base, outcome: 'contacted', promised_date: '2024-07-01' },
        'promised_date',
        /promised_date: only a promise to pay/u,
      ],
      [{ ...base, outcome: 'refused', promised_amount: '5' }, 'promised_amount', /only a promise to pay/u],
      [
        { ...base, outcome: 'contacted', action_date: '2019-01-01' },
        'action_date',
        // the file contract's rule (pipelines/ingest/origination-rule.ts), in its words
        /action_date: 2019-01-01 is before the loan's origination 2023-12-15/u,
      ],
      [
        { ...promise, action_date: '2023-12-14', promised_date: '2023-12-20' },
        'action_date',
        /action_date: 2023-12-14 is before the loan's origination 2023-12-15/u,
      ],
    ];
    const before = await count(wh, 'collection_actions');
    for (const [i, [body, field, message]] of refusals.entries()) {
      const r = await api(key, '/v1/collection-actions', { ...body, action_id: `terms-${i}` });
      const e = ((await r.json()) as { error: { message: string; details: { fields: { field: string }[] } } }).error;
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(e.message, JSON.stringify(body)).toMatch(message);
      expect(e.details.fields[0]!.field, JSON.stringify(body)).toBe(field);
    }
    expect(await count(wh, 'collection_actions')).toBe(before);
    // the edges: due on the contact date, on its 60th day after; a contact on the origination date; an alias outcome
    for (const [i, body] of [
      { ...promise, promised_date: asOf },
      { ...promise, promised_date: '2024-08-29', promised_amount: 0.01 },
      { ...base, outcome: 'contacted', action_date: '2023-12-15' },
      { ...promise, outcome: '承诺还款' },
    ].entries())
      expect(
        (await api(key, '/v1/collection-actions', { ...body, action_id: `terms-ok-${i}` })).status,
        JSON.stringify(body),
      ).toBe(201);
    // the window is a setting (LOANWATCH_PROMISE_MAX_DAYS, read with the configuration: the server passes it)
    const app30 = createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 1_000_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
      promiseWindowDays: 30,
    });
    const r = await app30.request('/v1/collection-actions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...promise, promised_date: '2024-07-31', action_id: 'terms-30' }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
      /more than 30 days .*2024-07-30/u,
    );
  });

  it('the console form shows a refused promise with its field and keeps what was typed', async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const page = `/console/loans/E1?as_of=${asOf}`;
    const token = await b.csrf(page);
    const form = {
      _csrf: token,
      action_id: 'form-terms-1',
      action_date: asOf,
      action_time: '10:00',
      channel: 'phone',
      outcome: 'promise_to_pay',
      promised_amount: '',
      promised_date: '2024-07-01',
      note: '客户说下周还',
    };
    const r = await b.request(`/console/loans/E1/actions?as_of=${asOf}`, { method: 'POST', form });
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toMatch(/id="form-error"[^>]*>[^<]*Promised amount: a promise to pay needs it/u);
    expect(text).toContain('value="2024-07-01"');
    expect(text).toContain('客户说下周还');
    expect(text).toContain('value="form-terms-1"');
  });

  it("refusals speak the page's language: a forbidden page, a bad filter, a refused form (the API's text only folded beneath)", async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    /** the page's own words: the alert, without the folded technical detail */
    const alertOf = (body: string) =>
      (
        /id="error-text"[^>]*>([\s\S]*?)<\/div>/u.exec(body)?.[1] ??
        /id="form-error"[^>]*>([\s\S]*?)<\/p>/u.exec(body)?.[1] ??
        ''
      )
        .replace(/<[^>]+>|\s+/gu, ' ')
        .trim();
    const cases: [string, number, Record<'zh-CN' | 'en', string>][] = [
      [
        '/console/dashboard',
        403,
        {
          'zh-CN': '您的角色（催收员）无权查看或执行此操作。',
          en: 'Your role (collector) may not see this page or do this.',
        },
      ],
      [
        `/console/queue?as_of=${asOf}&stage=bogus`,
        400,
        { 'zh-CN': '阶段：不是可选的值', en: 'Stage: not one of the choices' },
      ],
      [`/console/queue?sort=bogus`, 400, { 'zh-CN': '排序：不是可选的值', en: 'Sort: not one of the choices' }],
      [
        `/console/queue?as_of=2024-6-30`,
        400,
        { 'zh-CN': '日期：不是有效日期（YYYY-MM-DD）', en: 'Date: not a valid date (YYYY-MM-DD)' },
      ],
      [
        '/console/loans/E1%E2%80%8Bx',
        400,
        { 'zh-CN': '贷款编号最多 128 个字符', en: 'A loan id is at most 128 characters' },
      ],
    ];
    for (const lang of ['zh-CN', 'en'] as const)
      for (const [path, status, words] of cases) {
        const r = await b.request(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        expect(r.status, path).toBe(status);
        const body = await r.text();
        const alert = alertOf(body);
        expect(alert, `${lang} ${path}`).toContain(words[lang]);
        // no code, role id or zod text in the words a person reads
        expect(alert, `${lang} ${path}`).not.toMatch(/Invalid|expected one of|may not dashboard|as_of|YYYY-MM-DD"/u);
        if (lang === 'zh-CN') expect(alert, path).not.toMatch(/\b(role|collector|stage|sort|option)\b/u);
      }
    // the permission check's own text stays on the page, folded, for a support desk
    const forbidden = await (await b.request('/console/dashboard?lang=zh-CN')).text();
    expect(forbidden).toMatch(/<details class="technical">[\s\S]*role collector may not read dashboard/u);

    // the outcome form: the contract's reason in the page's words, its own text folded beneath
    const page = `/console/loans/E1?as_of=${asOf}`;
    const token = await b.csrf(page);
    const post = (lang: string, amount: string) =>
      b.request(`/console/loans/E1/actions?as_of=${asOf}&lang=${lang}`, {
        method: 'POST',
        form: {
          _csrf: token,
          action_id: 'form-words-1',
          action_date: asOf,
          action_time: '10:00',
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: amount,
          promised_date: '2024-07-01',
        },
      });
    const refusals: [string, Record<'zh-CN' | 'en', string>][] = [
      ['-5', { 'zh-CN': '未保存：承诺金额：不能为负数', en: 'Not saved: Promised amount: cannot be negative' }],
      [
        '12.345',
        { 'zh-CN': '未保存：承诺金额：最多两位小数', en: 'Not saved: Promised amount: at most 2 decimal places' },
      ],
      ['abc', { 'zh-CN': '未保存：承诺金额：不是有效的金额', en: 'Not saved: Promised amount: not an amount' }],
    ];
    for (const lang of ['zh-CN', 'en'] as const)
      for (const [amount, words] of refusals) {
        const r = await post(lang, amount);
        expect(r.status, amount).toBe(400);
        const body = await r.text();
        expect(alertOf(body), `${lang} ${amount}`).toContain(words[lang]);
        expect(alertOf(body), `${lang} ${amount}`).not.toContain('promised_amount');
        expect(body).toMatch(/<details class="technical">[\s\S]*promised_amount: /u);
      }
  });

  it('the outcome form takes an amount as the page shows it (1,500.00); an ambiguous comma or an oversized amount is refused saying so', async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const token = await b.csrf(`/console/loans/E1?as_of=${asOf}`);
    const post = (id: string, amount: string, lang = 'en') =>
      b.request(`/console/loans/E1/actions?as_of=${asOf}&lang=${lang}`, {
        method: 'POST',
        form: {
          _csrf: token,
          action_id: id,
          action_date: asOf,
          action_time: '10:00',
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: amount,
          promised_date: '2024-07-10',
        },
      });
    const before = await count(wh, 'collection_actions');
    const refusals: [string, Record<'zh-CN' | 'en', string>][] = [
      ['1,50', { 'zh-CN': '承诺金额：千分位写法有误', en: 'Promised amount: thousands separators in the wrong place' }],
      ['1234567890123456', { 'zh-CN': '承诺金额：金额过大', en: 'Promised amount: too large' }],
    ];
    for (const lang of ['zh-CN', 'en'] as const)
      for (const [amount, words] of refusals) {
        const r = await post('form-amount-bad', amount, lang);
        expect(r.status, amount).toBe(400);
        const body = await r.text();
        expect(body, amount).toMatch(new RegExp(`id="form-error"[^>]*>[^<]*${words[lang]}`, 'u'));
        expect(body, amount).not.toContain('not a decimal number');
        // what was typed stays in the field
        expect(body, amount).toContain(`value="${amount}"`);
      }
    expect(await count(wh, 'collection_actions')).toBe(before);
    expect((await post('form-amount-1', '1,500.00')).status).toBe(303);
    const [stored] = await queryRows<{ amount: number }>(
      wh,
      `SELECT toFloat64(promised_amount) AS amount FROM ${wh.database}.collection_actions WHERE action_id = 'form-amount-1'`,
    );
    expect(stored?.amount).toBe(1500);
  });

  it("the contacts' Source names the key that recorded an action by its label (the id in its title)", async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const page = `/console/loans/E1?as_of=${asOf}`;
    const r = await b.request(`/console/loans/E1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: {
        _csrf: await b.csrf(page),
        action_id: 'source-label-1',
        action_date: asOf,
        action_time: '11:00',
        channel: 'phone',
        outcome: 'contacted',
      },
    });
    expect(r.status).toBe(303);
    const [stored] = await queryRows<{ recorded_by: string }>(
      wh,
      `SELECT recorded_by FROM ${wh.database}.collection_actions WHERE action_id = 'source-label-1'`,
    );
    const keyId = stored!.recorded_by;
    expect(keyId).toMatch(/^[0-9a-f]{12}$/u);
    const body = await (await b.request(page)).text();
    const row = /<tr data-action="source-label-1">([\s\S]*?)<\/tr>/u.exec(body)?.[1] ?? '';
    const shown = row.replace(/<[^>]+>/gu, '').replace(/\s+/gu, ' ');
    // the label the key was made with (scopes' name), not its id; the id stays in the title
    // the source by its words (Console, was console)
    expect(shown).toContain('Console · eastEarly');
    expect(shown).not.toContain(keyId);
    expect(row).toContain(`title="${keyId}"`);
    // a file's row has no recorder: its source, then its team
    const fileRow = /<tr data-action="p-E1">([\s\S]*?)<\/tr>/u.exec(body)?.[1] ?? '';
    expect(fileRow.replace(/<[^>]+>/gu, '').replace(/\s+/gu, ' ')).toMatch(/ File import · /u);
  });

  it("the queue and the loan page show a contact rule's block, when allowed again and what instead, as /v1/cases gives them, in both languages", async () => {
    const cases = (
      (await (await api(keys.admin!, `/v1/cases?as_of=${asOf}&limit=1000`)).json()) as {
        cases: { loan_id: string; action_blocked_by: string; next_allowed_at: string; allowed_action: string }[];
      }
    ).cases;
    const e3 = cases.find((c) => c.loan_id === 'E3')!;
    // refused on 06-29: no personal contact on the two days after
    expect(e3.action_blocked_by).toBe('cooling_off_refused');
    expect(e3.next_allowed_at).toMatch(/^2024-07-02/u);
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const words = {
      en: ['Blocked by contact rule', 'cooling-off after a refusal', 'Allowed again', 'Today instead'],
      'zh-CN': ['受联系规则限制', '拒绝还款冷静期', '最早可于', '今日可做'],
    };
    for (const [lang, want] of Object.entries(words)) {
      const queue = await (await b.request(`/console/queue?as_of=${asOf}&lang=${lang}`)).text();
      const row = (id: string) => new RegExp(`<tr data-loan="${id}">[\\s\\S]*?</tr>`, 'u').exec(queue)![0];
      for (const w of [...want, e3.next_allowed_at]) expect(row('E3'), `${lang} ${w}`).toContain(w);
      // every row shows a block exactly when the API's case has one
      for (const c of cases.filter((x) => sees(scopes.eastEarly!, x.loan_id)))
        expect(row(c.loan_id).includes(want[0]!), c.loan_id).toBe(c.action_blocked_by !== '');
      const page = await (await b.request(`/console/loans/E3?as_of=${asOf}&lang=${lang}`)).text();
      const action = /<dd id="case-action">[\s\S]*?<\/dd>/u.exec(page)![0];
      for (const w of [...want, e3.next_allowed_at]) expect(action, `${lang} loan page ${w}`).toContain(w);
    }
  });

  it("a collector's team must work in his region: the users page and keys refuse another region's team", async () => {
    const b = browser();
    await b.signIn(keys.admin!);
    const token = await b.csrf('/console/users');
    const before = await count(wh, 'console_users');
    const create = (form: Record<string, string>) =>
      b.request('/console/users', { method: 'POST', form: { _csrf: token, role: 'collector', ...form } });
    const r = await create({ name: 'wang', region: 'east', team: 'north-late' });
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toMatch(
      /team &quot;north-late&quot; does not work in region &quot;East&quot;: the teams of East are east-early, east-late/u,
    );
    expect(text).not.toContain('id="first-password"');
    expect(await count(wh, 'console_users')).toBe(before);
    await expect(createApiKey(wh, { role: 'collector', region: 'north', team: 'east-early' })).rejects.toThrow(
      /does not work in region "north"/u,
    );
    expect((await create({ name: 'wang', region: 'east', team: 'east-late' })).status).toBe(200);
  });

  it('a form sent after the session ended goes to sign-in and from there back to the loan page; nothing is written', async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const token = await b.csrf(`/console/loans/E1?as_of=${asOf}`);
    expect((await b.request('/console/logout', { method: 'POST', form: { _csrf: token } })).status).toBe(303);
    const before = await count(wh, 'collection_actions');
    const r = await b.request(`/console/loans/E1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: token, action_id: 'late-1', action_date: asOf, channel: 'phone', outcome: 'contacted', note: 'x' },
    });
    expect(r.status).toBe(303);
    const next = `/console/loans/E1?as_of=${asOf}`;
    expect(r.headers.get('location')).toBe(`/console/login?next=${encodeURIComponent(next)}&reason=unsaved`);
    expect(await count(wh, 'collection_actions')).toBe(before);
    // the sign-in page carries it, and signing in lands on the loan page
    const login = await (await b.request(r.headers.get('location')!)).text();
    expect(login).toContain(`name="next" value="${next.replace('&', '&amp;')}"`);
    const csrf = /name="_csrf" value="([^"]+)"/u.exec(login)![1]!;
    const signed = await b.request('/console/login', {
      method: 'POST',
      form: { _csrf: csrf, key: keys.eastEarly!, next },
    });
    expect(signed.headers.get('location')).toBe(next);
  });

  it("an unknown console address is the console's 404 page in the reader's language, signed in or not", async () => {
    const b = browser();
    for (const signedIn of [false, true]) {
      if (signedIn) await b.signIn(keys.eastEarly!);
      for (const [lang, words] of [
        ['en', 'Not found'],
        ['zh-CN', '未找到'],
      ] as const) {
        const r = await b.request(`/console/nope?lang=${lang}`);
        expect(r.status).toBe(404);
        expect(r.headers.get('content-type')).toMatch(/text\/html/u);
        const text = await r.text();
        expect(text).toContain(words);
        expect(text).toContain('<html');
      }
    }
  });

  it('the "recorded" banner shows only for an action of the loan that is stored, and says what was saved', async () => {
    const b = browser();
    await b.signIn(keys.eastEarly!);
    const page = `/console/loans/E1?as_of=${asOf}&lang=en`;
    const token = await b.csrf(page);
    const form = {
      _csrf: token,
      action_id: 'banner-1',
      action_date: asOf,
      action_time: '11:00',
      channel: 'phone',
      outcome: 'promise_to_pay',
      promised_amount: '1500.00',
      promised_date: '2024-07-10',
      note: '',
    };
    const r = await b.request(`/console/loans/E1/actions?as_of=${asOf}`, { method: 'POST', form });
    expect(r.status).toBe(303);
    // the redirect opens the page at the banner (its own fragment, not the form's #record-section)
    const [location, fragment] = r.headers.get('location')!.split('#');
    expect(fragment).toBe('saved');
    const shown = await (await b.request(`${location!}&lang=en`)).text();
    expect(shown).toMatch(/<p class="ok" role="status" id="saved">/u);
    // the id only small at the end
    expect(shown).toMatch(/<small class="note action-id"[^>]*>banner-1<\/small>\s*<\/p>/u);
    const banner = /<p class="ok"[^>]*>([\s\S]*?)<\/p>/u.exec(shown)?.[1]?.replace(/<small[\s\S]*?<\/small>/u, '');
    expect(banner?.replace(/\s+/gu, ' ').trim()).toBe(
      'Recorded: 2024-06-30 11:00 · Phone · Promise to pay · 1,500.00 @ 2024-07-10',
    );
    // any other text, or another loan's action: no banner
    for (const crafted of ['Payment of 1,000,000 received', 'p-N1', 'p-E3'])
      expect(await (await b.request(`${page}&recorded=${encodeURIComponent(crafted)}`)).text()).not.toContain(
        'class="ok"',
      );
  });
});
