// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { localDateOf } from '../../../../lib/dates.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { defaultThresholdsFile, loadThresholds } from '../../../../reports/summary/thresholds.ts';

/*
 * The console's pages on a small hand-built book, as of 2024-06-30: loans E1–E3 in region east,
 * branch east-01, and N1 in region north, branch north-01. Six instalments of 100.00 + 10.00 due
 * on the 15th from 2024-01-15, three paid: every loan is 76 days past due. The data ends 2024-06-30.
 * The east loans were sold online, N1 at a branch.
 */
const asOf = '2024-06-30';
const loans = ['E1', 'E2', 'E3', 'N1'] as const;
const regionOf = (id: string) => (id.startsWith('E') ? 'east' : 'north');
const due = ['2024-01-15', '2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'];
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch,channel',
    ...loans.map(
      (id) =>
        `${id},c${id},consumer,2023-12-15,600.00,0.2,6,${regionOf(id)},${regionOf(id)}-01,${id === 'N1' ? 'branch' : 'online'}`,
    ),
  ],
  'schedule.csv': [
    'loan_id,installment_no,due_date,principal_due,interest_due',
    ...loans.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
  ],
  'payments.csv': [
    'payment_id,loan_id,paid_date,amount',
    ...loans.flatMap((id) => due.slice(0, 3).map((d, i) => `${id}${i},${id},${d},110.00`)),
    // the data's last day
    `last,E1,${asOf},1.00`,
  ],
};

describe("the console's pages", () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof unthrottledApp>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    wh = await warehouseWithFiles('console_pages', files, asOf);
    keys.admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    keys.east = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'east' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const signedIn = async (key: string) => {
    const b = consoleBrowser(() => app);
    expect((await b.signIn(key)).status).toBe(303);
    return b;
  };
  /** the tag of the page's input named `name` */
  const attrs = (page: string, name: string) => {
    const tag = [...page.matchAll(/<input\b[^>]*>/gu)].map((m) => m[0]).find((x) => x.includes(`name="${name}"`));
    if (!tag) throw new Error(`no input ${name}`);
    return tag.replace(/\s+/gu, ' ');
  };

  it('serves the shipped Chinese font as a cached WOFF, to a browser before it signs in too (the sign-in page is Chinese)', async () => {
    const r = await app.request('/console/assets/cjk.woff');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('font/woff');
    expect(r.headers.get('cache-control')).toMatch(/max-age=\d+/u);
    expect(
      Buffer.from(await r.arrayBuffer())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('wOFF');
  });

  describe('the record form: the contact date is the day it is recorded, not the queue date', () => {
    it("defaults to today (the server's time zone) whatever the page's as_of: before, on and after the data's last day, and none", async () => {
      const b = await signedIn(keys.east!);
      for (const q of ['?as_of=2024-06-15', `?as_of=${asOf}`, '?as_of=2024-01-31', '']) {
        const before = localDateOf(new Date());
        const page = await (await b.request(`/console/loans/E1${q}`)).text();
        const after = localDateOf(new Date());
        const date = attrs(page, 'action_date');
        const value = /value="([^"]*)"/u.exec(date)?.[1];
        expect([before, after], q).toContain(value);
        // editable, visible, bounded by the loan's origination and today
        expect(date).toMatch(/type="date"/u);
        expect(date).toContain('min="2023-12-15"');
        expect(date).toMatch(new RegExp(`max="(${before}|${after})"`, 'u'));
        // a blank time is allowed (not recorded), as the docs say
        expect(attrs(page, 'action_time')).not.toMatch(/\brequired\b/u);
        expect(page).toContain('id="contact-date-hint"');
      }
    });

    it('a contact recorded with the defaults is stored on the day of recording; a blank time is stored blank', async () => {
      const b = await signedIn(keys.east!);
      const page = '/console/loans/E2?as_of=2024-06-15';
      const before = localDateOf(new Date());
      const body = await (await b.request(page)).text();
      const token = /name="_csrf" value="([^"]+)"/u.exec(body)?.[1] ?? '';
      const date = /value="([^"]*)"/u.exec(attrs(body, 'action_date'))?.[1] ?? '';
      const r = await b.request('/console/loans/E2/actions?as_of=2024-06-15', {
        method: 'POST',
        form: {
          _csrf: token,
          action_id: 'today-1',
          action_date: date,
          action_time: '',
          channel: 'phone',
          outcome: 'contacted',
          promised_amount: '',
          promised_date: '',
          note: '',
        },
      });
      expect(r.status, await r.clone().text()).toBe(303);
      const [stored] = await queryRows<{ action_date: string; action_time: string }>(
        wh,
        `SELECT toString(action_date) AS action_date, action_time FROM ${wh.database}.collection_actions WHERE action_id = 'today-1'`,
      );
      expect([before, localDateOf(new Date())]).toContain(stored?.action_date);
      expect(stored?.action_time).toBe('');
    });
  });

  describe('the queue', () => {
    /** the loans of the queue's table, in order */
    const rows = (page: string) => [...page.matchAll(/<tr data-loan="([^"]+)"/gu)].map((m) => m[1]);
    const countOf = (page: string) => /id="case-count"[^>]*>([^<]*)</u.exec(page)?.[1]?.trim();
    const alertOf = (page: string) =>
      (/id="queue-error"[^>]*>([\s\S]*?)<\/div>/u.exec(page)?.[1] ?? '')
        .replace(/<[^>]+>|\s+/gu, ' ')
        .replaceAll('&#39;', "'")
        .trim();

    it("a date outside the data is refused on the queue page itself, in the page's language, the filters kept", async () => {
      const b = await signedIn(keys.east!);
      // a day up to a week past the data is today's list on yesterday's files (data-horizon.ts): served
      for (const [date, after] of [
        ['2024-07-08', true],
        ['2024-07-15', true],
        ['2025-06-30', true],
        ['2023-12-30', false],
        ['2023-12-14', false],
        ['2020-01-15', false],
      ] as const) {
        const path = `/console/queue?as_of=${date}&stage=late&product=consumer&loan=E&sort=dpd&dir=asc`;
        const en = await b.request(`${path}&lang=en`);
        expect(en.status, date).toBe(400);
        const page = await en.text();
        expect(alertOf(page), date).toBe(
          after
            ? `There is no queue for ${date} yet: the loaded data ends on ${asOf}, and the payments after it are not loaded (every instalment due since would count as unpaid). Pick a day from 2023-12-31 to ${asOf}.`
            : `There is no queue for ${date}: the first queue is of the data's first month-end, 2023-12-31. Pick a day from 2023-12-31 to ${asOf}.`,
        );
        expect(page).not.toContain('Not a valid request');
        // the filters as they were: the date, stage, product, loan text and sort
        expect(attrs(page, 'as_of')).toContain(`value="${date}"`);
        expect(page).toMatch(/<option value="late" selected>/u);
        expect(page).toMatch(/<option value="consumer" selected>/u);
        expect(attrs(page, 'loan')).toContain('value="E"');
        expect(attrs(page, 'sort')).toContain('value="dpd"');
        expect(rows(page)).toEqual([]);
        // the English original only folded beneath
        expect(page).toMatch(/<details class="technical">[\s\S]*as_of/u);
        const zh = await (await b.request(`${path}&lang=zh-CN`)).text();
        expect(alertOf(zh), date).toContain(after ? `已加载的数据截至 ${asOf}` : '数据的第一个月末 2023-12-31');
      }
    });

    it("the date picker is bounded by the data's first month-end and last day; both bounds give a queue", async () => {
      const b = await signedIn(keys.east!);
      for (const date of ['2023-12-31', '2024-03-31', asOf, '']) {
        const r = await b.request(`/console/queue?as_of=${date}&lang=en`);
        expect(r.status, date).toBe(200);
        const page = await r.text();
        const input = attrs(page, 'as_of');
        expect(input).toContain('min="2023-12-31"');
        expect(input).toContain(`max="${asOf}"`);
        expect(page).not.toContain('id="queue-error"');
      }
    });

    it('the case count is of the cases shown: the loan id filter counts', async () => {
      const b = await signedIn(keys.east!);
      for (const [loan, expected] of [
        ['', ['E1', 'E2', 'E3']],
        ['e', ['E1', 'E2', 'E3']],
        ['E2', ['E2']],
        ['zz', []],
      ] as const) {
        const page = await (await b.request(`/console/queue?as_of=${asOf}&loan=${loan}&lang=en`)).text();
        expect(rows(page).sort(), loan).toEqual([...expected]);
        expect(countOf(page), loan).toBe(expected.length === 1 ? '1 case' : `${expected.length} cases`);
      }
    });

    it("an admin cuts the queue by region (and team); a collector's region stays pinned whatever the query", async () => {
      const admin = await signedIn(keys.admin!);
      const all = await (await admin.request(`/console/queue?as_of=${asOf}`)).text();
      expect(rows(all).sort()).toEqual(['E1', 'E2', 'E3', 'N1']);
      expect(all).toMatch(/<select name="region">/u);
      expect(all).toMatch(/<select name="team">/u);
      const north = await (await admin.request(`/console/queue?as_of=${asOf}&region=north&lang=en`)).text();
      expect(rows(north)).toEqual(['N1']);
      expect(countOf(north)).toBe('1 case');
      expect(north).toMatch(/<option value="north" selected>/u);
      // the sort links keep the region
      expect(north).toMatch(/href="\/console\/queue\?[^"]*region=north[^"]*sort=dpd/u);
      // a team: E1's latest action names it (an admin may name a team)
      const rec = await app.request('/v1/collection-actions', {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.admin!}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          action_id: 'team-e1',
          loan_id: 'E1',
          action_date: '2024-06-20',
          channel: 'sms',
          outcome: 'no_contact',
          team: 'east-early',
        }),
      });
      expect(rec.status, await rec.clone().text()).toBe(201);
      const team = await (await admin.request(`/console/queue?as_of=${asOf}&team=east-early&lang=en`)).text();
      expect(rows(team)).toEqual(['E1']);
      expect(team).toMatch(/<option value="east-early" selected>/u);
      const both = await (await admin.request(`/console/queue?as_of=${asOf}&team=east-early&region=north`)).text();
      expect(rows(both)).toEqual([]);
      const collector = await signedIn(keys.east!);
      const pinned = await (await collector.request(`/console/queue?as_of=${asOf}&region=north`)).text();
      expect(rows(pinned).sort()).toEqual(['E1', 'E2', 'E3']);
      expect(pinned).not.toMatch(/<select name="region">/u);
    });
  });

  describe('the dashboard', () => {
    const packLinks = (page: string) => [...page.matchAll(/href="(\/v1\/reports\/(?:management|regulatory)[^"]*)"/gu)];
    const noteOf = (page: string) =>
      (/id="empty-segment"[^>]*>([\s\S]*?)<\/p>/u.exec(page)?.[1] ?? '').replace(/\s+/gu, ' ').trim();

    it("a channel that leaves a segment without a loan says so; the segment's packs stay", async () => {
      const b = await signedIn(keys.admin!);
      for (const query of ['region=north&channel=online', 'region=east&branch=east-01&channel=branch']) {
        const page = await (await b.request(`/console/dashboard?${query}&lang=en`)).text();
        expect(noteOf(page), query).toMatch(/^There are no loans of channel \w+ in this segment \(.+\) at 2024-06-30/u);
        expect(packLinks(page).length, query).toBe(2);
      }
      const some = await (await b.request('/console/dashboard?region=north&channel=branch&lang=en')).text();
      expect(some).not.toContain('id="empty-segment"');
    });

    it('names the sales channels in the page language and gives each limit its direction (≥ a floor, ≤ a ceiling)', async () => {
      const b = await signedIn(keys.admin!);
      const options = (page: string) =>
        [
          ...(/<select name="channel">([\s\S]*?)<\/select>/u.exec(page)?.[1] ?? '').matchAll(
            /<option value="(\w+)"[^>]*>\s*([^<]*?)\s*</gu,
          ),
        ]
          .map((m) => [m[1], m[2]])
          .filter(([v]) => v !== '');
      const zh = await (await b.request('/console/dashboard?lang=zh-CN')).text();
      expect(options(zh)).toEqual([
        ['branch', '网点'],
        ['online', '线上'],
      ]);
      const en = await (await b.request('/console/dashboard?channel=online&region=north&lang=en')).text();
      expect(noteOf(en)).toMatch(/^There are no loans of channel Online in this segment/u);
      const page = await (await b.request('/console/dashboard?lang=en')).text();
      const limits = [...page.matchAll(/<tr data-figure="(\w+)"[\s\S]*?<\/tr>/gu)].map((m) => {
        const cells = [...m[0].matchAll(/<td class="num">\s*([^<]*?)\s*<\/td>/gu)].map((c) => c[1]);
        return [m[1], cells[3] ?? ''] as const;
      });
      const { limits: byFigure } = loadThresholds(defaultThresholdsFile);
      const limited = limits.filter(([, l]) => l !== '');
      expect(limited.length).toBeGreaterThan(0);
      for (const [id, l] of limited) {
        const limit = byFigure[id!];
        expect(l, id).toMatch(limit?.min !== undefined ? /^≥ \S/u : /^≤ \S/u);
      }
    });

    it('a segment without a loan says so and offers no pack; a segment with loans shows its figures and packs', async () => {
      const b = await signedIn(keys.admin!);
      for (const [query, empty] of [
        ['region=east&branch=north-01', true],
        ['region=north&branch=east-01', true],
        ['product=consumer&region=east&branch=north-01', true],
        ['region=east&branch=east-01', false],
        ['region=north', false],
        ['', false],
      ] as const) {
        const r = await b.request(`/console/dashboard?${query}&lang=en`);
        expect(r.status, query).toBe(200);
        const page = await r.text();
        if (empty) {
          expect(noteOf(page), query).toMatch(
            /^There are no loans in this segment \(.+\) at 2024-06-30: no figures to show and no pack for it\. Choose other filters\.$/u,
          );
          expect(packLinks(page), query).toEqual([]);
          expect(page, query).not.toContain('id="key-figures"');
          const zh = await (await b.request(`/console/dashboard?${query}&lang=zh-CN`)).text();
          expect(noteOf(zh), query).toContain('在 2024-06-30 没有贷款');
        } else {
          expect(page, query).not.toContain('id="empty-segment"');
          expect(packLinks(page).length, query).toBe(2);
          expect(page, query).toContain('id="key-figures"');
        }
      }
    });
  });

  describe('the loan page', () => {
    it("shows a warning's rule and severity by name and its evidence as labelled values, in both languages", async () => {
      const evidence =
        '{"model":"m@1","month_end":"2024-06-30","probability":0.6733396158257948,"grade":"E","reasons":["dpd_now"]}';
      await exec(
        wh,
        `INSERT INTO ${wh.database}.warnings (as_of, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, fired_at)
        VALUES ('2024-06-30', 'high_score', 'score_above', 'warning', 'E3', 'm@1', 0.6733, 0.25, {e:String}, 'east', 'consumer', 'east-01', '', now())`,
        { e: evidence },
      );
      const b = await signedIn(keys.east!);
      const cell = (page: string) =>
        (
          /<h3>[^<]*<\/h3>\s*<div class="table-scroll"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/u.exec(
            page.slice(page.indexOf('id="score"')),
          )?.[1] ?? ''
        )
          .replace(/<[^>]+>/gu, ' ')
          .replace(/\s+/gu, ' ')
          .trim();
      const en = cell(await (await b.request(`/console/loans/E3?as_of=${asOf}&lang=en`)).text());
      expect(en).toBe(
        '2024-06-30 High model score Warning Model m@1 Month-end 2024-06-30 Model probability 67.33% Grade E Reason codes Days past due now',
      );
      const zh = cell(await (await b.request(`/console/loans/E3?as_of=${asOf}&lang=zh-CN`)).text());
      expect(zh).toContain('模型高风险评分 警告');
      expect(zh).toContain('模型预测概率 67.33%');
      expect(zh).toContain('原因代码 当前逾期天数');
    });
  });

  describe('the archived packs', () => {
    it('the dashboard links to a page listing each pack with its files, not to the JSON; other periods say there is none', async () => {
      const id = '2024-06-management-en-0123456789ab';
      await exec(
        wh,
        `INSERT INTO ${wh.database}.report_archive (id, pack, period, month_end, segment, lang, generated_at, snapshot_run, champion, inputs, inputs_sha256, files, file_sha256, file_bytes, dir)
        VALUES ({id:String}, 'management', '2024-06', '2024-06-30', '{"region":["east"]}', 'en', '2024-07-02 08:15:00', '', '', '{}', 'x',
          ['report.pdf', 'report.html', 'npl-trend.csv', 'manifest.json'], ['aa', 'bb', 'cc', 'dd'], [123456, 2048, 900, 10], '/nowhere')`,
        { id },
      );
      const b = await signedIn(keys.admin!);
      const dash = await (await b.request('/console/dashboard?period=2024-06&lang=en')).text();
      expect(dash).toContain('href="/console/archive?period=2024-06"');
      expect(dash).not.toContain('href="/v1/reports/archive?');
      const r = await b.request('/console/archive?period=2024-06&lang=en');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/u);
      const page = await r.text();
      const row = (/<tr data-archive="([^"]+)">([\s\S]*?)<\/tr>/u.exec(page) ?? []).slice(1);
      expect(row[0]).toBe(id);
      const text = (row[1] ?? '')
        .replace(/<[^>]+>/gu, ' ')
        .replace(/\s+/gu, ' ')
        .trim();
      // the pack's documents first, its charts' data and manifest folded
      expect(text).toBe(
        '2024-06 Management pack region East English 2024-07-02 08:15 UTC report.pdf 121 KB report.html 2 KB 2 more files (charts, data, manifest) npl-trend.csv 1 KB manifest.json 1 KB',
      );
      expect(row[1]).toMatch(/<details class="more-files">[\s\S]*npl-trend\.csv[\s\S]*<\/details>/u);
      expect(row[1]).not.toMatch(/<details[\s\S]*report\.pdf/u);
      for (const f of ['report.pdf', 'report.html', 'npl-trend.csv', 'manifest.json'])
        expect(page).toContain(`href="/v1/reports/archive/${id}/${f}"`);
      for (const period of ['2024-05', '']) {
        const other = await (await b.request(`/console/archive?period=${period}&lang=en`)).text();
        expect(other.includes('id="no-packs"'), period).toBe(period === '2024-05');
      }
      expect((await b.request('/console/archive?period=2024-13')).status).toBe(400);
      const collector = await signedIn(keys.east!);
      expect((await collector.request('/console/archive')).status).toBe(403);
    });
  });

  describe('error pages', () => {
    const backOf = (page: string) => /<a href="([^"]*)">(?:Back|返回)<\/a>/u.exec(page)?.[1]?.replaceAll('&amp;', '&');

    it('Back returns to the console page the reader came from (the queue with its filters), else to the start', async () => {
      const b = await signedIn(keys.east!);
      const queue = `/console/queue?as_of=${asOf}&stage=late&loan=E`;
      for (const [path, status] of [
        // a loan of another region, and a page no route serves
        ['/console/loans/N1?lang=en', 404],
        ['/console/no-such-page?lang=en', 404],
      ] as const) {
        const from = await b.request(path, { headers: { referer: `http://localhost${queue}` } });
        expect(from.status, path).toBe(status);
        expect(backOf(await from.text()), path).toBe(queue);
        const direct = await b.request(path);
        expect(backOf(await direct.text()), path).toBe('/console');
        const elsewhere = await b.request(path, { headers: { referer: `https://elsewhere.example${queue}` } });
        expect(backOf(await elsewhere.text()), path).toBe('/console');
      }
    });
  });
});
