import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// first: api/routes/bureau.ts calls .openapi() on a schema of lib/date-schemas.ts, which zod only has once @hono/zod-openapi is loaded
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { queryRows } from '../../../../warehouse/connection.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { roles, type Role } from '../../../../api/auth/permissions.ts';
import { cjkFontFile } from '../../../../reports/render/fonts.ts';
import { launchChromium } from '../../../helpers/browser.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { registerModel, type ModelVersion } from '../../../../models/registry/registry.ts';
import { storeMonitoring } from '../../../../models/evaluate/monitor.ts';
import { Rng } from '../../../../lib/random.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * The console end to end in headless Chromium against a real server: sign-in per role; the
 * dashboard's key figures equal the metrics layer's, and a drill-down click changes them to the
 * segment's; a collector's queue holds his region only, another region's loan is a 404; a
 * promise recorded in the form shows in the queue, in GET /v1/collection-actions and in the audit
 * log; a bad amount is refused with its reason; a form without its CSRF token gets a 403; no
 * console errors and no request leaves localhost. LOANWATCH_CONSOLE_SCREENSHOTS=<dir> also writes
 * the zh-CN screenshots of the README.
 */
const asOf = '2024-06-30';
const monthEnd = asOf;
const shots = process.env.LOANWATCH_CONSOLE_SCREENSHOTS;

/** the overdue metric's columns of the summary's key figures */
const overdueColumn: Record<string, string> = {
  outstanding: 'outstanding',
  npl_balance: 'npl',
  m1plus_ratio: 'overdue_ratio',
  par30: 'par30',
  par90: 'par90',
  npl_ratio: 'npl_ratio',
  deviation: 'deviation',
};

describe('the console in a browser', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let server: Server;
  let base = '';
  let browser: Browser;
  let close: () => Promise<void> = () => Promise.resolve();
  const keys = {} as Record<Role, string>;
  let southLoan = '';
  let champion: ModelVersion;
  const outside: string[] = [];

  beforeAll(async () => {
    wh = await warehouseWithBook('console_browser', { loans: 800, months: 24, seed: 23 });
    champion = await withScoredChampion(wh, { scoreMonthEnds: [asOf] });
    for (const role of roles)
      keys[role] = (
        await createApiKey(wh, { role, ...(role === 'collector' ? { region: 'east' } : {}), label: `${role}-1` })
      ).key;
    const [s] = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${wh.database}.loans WHERE region = 'south' ORDER BY loan_id LIMIT 1`,
    );
    southLoan = s!.loan_id;
    const app = unthrottledApp(wh);
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ browser, close } = await launchChromium(cjkFontFile()));
  });
  afterAll(async () => {
    await close();
    await new Promise((resolve) => server.close(resolve));
    await disposeIfOpened(wh);
  });

  /** a fresh browser profile in a language, at 1366×768; requests off localhost are aborted and recorded */
  async function context(locale: 'zh-CN' | 'en'): Promise<BrowserContext> {
    const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 768 } });
    await ctx.route('**/*', async (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') await route.continue();
      else {
        outside.push(route.request().url());
        await route.abort();
      }
    });
    return ctx;
  }
  /** a page whose console errors are kept (a page expected to answer 4xx says so: its own resource error is expected) */
  async function pageOf(ctx: BrowserContext) {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    return { page, errors };
  }
  async function signIn(page: Page, key: string) {
    await page.goto(`${base}/console/login`);
    await page.fill('#key', key);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.endsWith('/login')),
      page.click('form:has(#key) button[type=submit]'),
    ]);
  }
  const chartsReady = (page: Page, n: number) =>
    page.waitForFunction((k) => document.querySelectorAll('figure.chart[data-ready="1"]').length >= k, n, {
      timeout: 30_000,
    });
  const keyFigures = async (page: Page): Promise<Record<string, string>> =>
    Object.fromEntries(
      await page.$$eval('tr[data-figure]', (rows) =>
        rows.map((r): [string, string] => [r.getAttribute('data-figure') ?? '', r.getAttribute('data-value') ?? '']),
      ),
    );
  /** the key figures shown equal the overdue metric's values for the month and segment */
  async function expectFiguresOfSegment(page: Page, segment: Record<string, string[]>) {
    const shown = await keyFigures(page);
    const [row] = (await runMetric(wh, 'overdue', { from: monthEnd, to: monthEnd, ...segment })).rows;
    const compared = Object.entries(overdueColumn).filter(([id]) => id in shown);
    expect(compared.length).toBeGreaterThanOrEqual(4);
    for (const [id, col] of compared) {
      const want = (row as Record<string, unknown>)[col];
      const got = shown[id];
      if (want === null) expect(got, id).toBe('');
      else expect(Number(got), `${id} for ${JSON.stringify(segment)}`).toBeCloseTo(Number(want), 9);
    }
  }

  it('each role signs in and lands on its page', async () => {
    const land: Record<Role, RegExp> = {
      admin: /\/console\/dashboard$/u,
      executive: /\/console\/dashboard$/u,
      collector: /\/console\/queue$/u,
      modeler: /\/console\/models$/u,
      auditor: /\/console\/audit$/u,
    };
    for (const role of roles) {
      const ctx = await context('en');
      const { page, errors } = await pageOf(ctx);
      await signIn(page, keys[role]);
      expect(new URL(page.url()).pathname, role).toMatch(land[role]);
      expect(await page.textContent('header'), role).toContain(`${role}-1`);
      expect(errors, role).toEqual([]);
      await ctx.close();
    }
  });

  it("the executive dashboard shows the metrics layer's figures; tooltips; a drill-down click changes them to the segment's", async () => {
    const ctx = await context('zh-CN');
    const { page, errors } = await pageOf(ctx);
    await signIn(page, keys.executive);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await chartsReady(page, 3);
    await expectFiguresOfSegment(page, {});
    // each chart is one image named in the page's language, not "Vega visualization", and none of
    // Vega's English axis or legend descriptions is left inside
    const named = await page.$$eval('figure.chart', (fs) =>
      fs.map((f) => ({ role: f.getAttribute('role'), name: f.getAttribute('aria-label') ?? '' })),
    );
    expect(named).toHaveLength(3);
    for (const f of named) {
      expect(f.role).toBe('img');
      expect(f.name).toMatch(/[\u4e00-\u9fff]/u);
      expect(f.name).not.toMatch(/Vega/u);
    }
    expect(await page.locator('figure.chart svg [aria-label], figure.chart svg [role]').count()).toBe(0);
    // the key figures' amounts (4.92亿) say their unit once: the book's loans are all in CNY
    expect(await page.textContent('#money-unit')).toBe('金额单位：元');
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'console-dashboard.png'), fullPage: true });
    }
    // a tooltip on hovering the longest bar of the drill chart (the worst NPL ratio) names its segment
    await page.locator('figure[data-spec="spec-drill"]').scrollIntoViewIfNeeded();
    const box = await page.$$eval(
      'figure[data-spec="spec-drill"] .mark-rect path',
      (paths) =>
        paths
          .map((p) => p.getBoundingClientRect())
          .map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width }))
          .sort((a, b) => b.w - a.w)[0],
    );
    expect(box?.w).toBeGreaterThan(0);
    await page.mouse.move(box!.x, box!.y);
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 10_000 });
    // the chart embedder's and the tooltip's rules come from console.css under a style-src without
    // 'unsafe-inline': no <style> element in the page, and the tooltip drawn by those rules
    expect(await page.locator('style').count()).toBe(0);
    const policy = (await ctx.request.get(`${base}/console/login`)).headers()['content-security-policy'];
    expect(policy).toContain("style-src 'self';");
    expect(policy).not.toContain('unsafe-inline');
    expect(await tooltip.evaluate((el) => window.getComputedStyle(el).position)).toBe('fixed');
    const tip = (await tooltip.textContent()) ?? '';
    const rows = await page.$$eval('#drill-table tbody tr', (trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute('data-segment') ?? '',
        name: tr.querySelector('th a')?.textContent ?? '',
      })),
    );
    const hovered = rows.find((r) => tip.includes(r.name));
    expect(hovered, tip).toBeDefined();
    // click the bar: the product's figures
    await Promise.all([page.waitForURL(/product=/u), page.mouse.click(box!.x, box!.y)]);
    const firstProduct = new URL(page.url()).searchParams.get('product');
    expect(firstProduct).toBe(hovered!.code);
    await chartsReady(page, 3);
    await expectFiguresOfSegment(page, { product: [firstProduct!] });
    // click a table row: region within the product
    const regionRow = page.locator('#drill-table tbody tr').first();
    const region = await regionRow.getAttribute('data-segment');
    await Promise.all([page.waitForURL(/region=/u), regionRow.locator('td').first().click()]);
    await chartsReady(page, 3);
    await expectFiguresOfSegment(page, { product: [firstProduct!], region: [region!] });
    // and a branch: the loans behind the figure
    const branchLink = page.locator('#drill-table tbody tr th a').first();
    await Promise.all([page.waitForURL(/branch=/u), branchLink.click()]);
    expect(await page.locator('#loan-table tbody tr').count()).toBeGreaterThan(0);
    // every phone number shown is masked
    for (const phone of await page.$$eval('#loan-table tbody td:last-child', (tds) => tds.map((t) => t.textContent)))
      expect(phone).not.toMatch(/\d{7}/u);
    // the language switch keeps the page and its filters
    await Promise.all([page.waitForURL(/lang=en/u), page.click('a[hreflang="en"]')]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(new URL(page.url()).searchParams.get('branch')).not.toBeNull();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a collector works his own region: queue, loan page, a promise recorded everywhere, a bad amount refused, CSRF enforced', async () => {
    const ctx = await context('zh-CN');
    const { page, errors } = await pageOf(ctx);
    await signIn(page, keys.collector);
    const queued = await page.$$eval('#queue tbody tr', (rows) => rows.map((r) => r.getAttribute('data-loan') ?? ''));
    expect(queued.length).toBeGreaterThan(0);
    const regions = await queryRows<{ region: string }>(
      wh,
      `SELECT DISTINCT toString(region) AS region FROM ${wh.database}.loans WHERE loan_id IN {ids:Array(String)}`,
      { ids: queued },
    );
    expect(regions.map((r) => r.region)).toEqual(['east']);
    // sorting by DPD: the column is in order
    await Promise.all([page.waitForURL(/sort=dpd/u), page.click('#queue thead a[href*="sort=dpd"]')]);
    const dpds = await page.$$eval('#queue tbody tr td:nth-child(4)', (tds) => tds.map((t) => Number(t.textContent)));
    expect(dpds).toEqual([...dpds].sort((a, b) => b - a));
    expect(errors).toEqual([]);

    // another region's loan by URL: 404
    const south = await page.goto(`${base}/console/loans/${southLoan}?as_of=${asOf}`);
    expect(south?.status()).toBe(404);

    const loanId = queued[0]!;
    const loanErrors: string[] = [];
    page.on('console', (m) => {
      // the refused form answers 400 on purpose; any other error counts
      if (m.type() === 'error' && !m.text().includes('status of 400')) loanErrors.push(m.text());
    });
    await page.goto(`${base}/console/loans/${loanId}?as_of=${asOf}`);
    await chartsReady(page, 1);
    expect(await page.locator('#score').count()).toBe(1);
    const before = await count(wh, 'collection_actions');
    // a bad amount: refused with the field's reason, nothing written
    await page.selectOption('select[name=outcome]', 'promise_to_pay');
    await page.fill('input[name=promised_amount]', '1500.123');
    await page.fill('input[name=promised_date]', '2024-07-10');
    const refused = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('form.record button'),
    ]);
    expect(refused[0].status()).toBe(400);
    expect(await page.textContent('#form-error')).toContain('承诺金额：最多两位小数');
    expect(await count(wh, 'collection_actions')).toBe(before);
    // the typed values are kept: correct the amount and save
    expect(await page.inputValue('input[name=promised_date]')).toBe('2024-07-10');
    await page.fill('input[name=promised_amount]', '1500.50');
    // the time of the contact: the current time by default; the browser's time field sends HH:MM
    expect(await page.inputValue('input[name=action_time]')).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/u);
    await page.fill('input[name=action_time]', '14:05');
    // the contact date: today by default (not the queue's date); this contact is one on the book's last day
    expect(await page.inputValue('input[name=action_date]')).not.toBe(asOf);
    await page.fill('input[name=action_date]', asOf);
    await page.fill('textarea[name=note]', '客户同意下周还款');
    await Promise.all([page.waitForURL(/recorded=/u), page.click('form.record button')]);
    expect(await page.textContent('.ok')).toBeTruthy();
    const actionId = new URL(page.url()).searchParams.get('recorded')!;
    expect(await page.textContent(`#actions tr[data-action="${actionId}"]`)).toContain('2024-07-10');
    expect(await count(wh, 'collection_actions')).toBe(before + 1);
    if (shots) await page.screenshot({ path: join(shots, 'console-loan.png'), fullPage: true });
    // in the queue at once
    await page.goto(`${base}/console/queue?as_of=${asOf}`);
    expect(await page.textContent(`#queue tr[data-loan="${loanId}"] .promises`)).toContain('2024-07-10');
    if (shots) await page.screenshot({ path: join(shots, 'console-workbench.png') });
    // in GET /v1/collection-actions (same server, the collector's key) and in the audit log
    const api = (await (
      await fetch(`${base}/v1/collection-actions?loan_id=${loanId}`, {
        headers: { authorization: `Bearer ${keys.collector}` },
      })
    ).json()) as {
      actions: { action_id: string; source: string; promised_amount: number; note: string; action_time: string }[];
    };
    expect(api.actions.find((a) => a.action_id === actionId)).toMatchObject({
      source: 'console',
      action_time: '14:05',
      promised_amount: 1500.5,
      note: '客户同意下周还款',
    });
    expect(await count(wh, 'audit_log', `action = 'collection_actions.record' AND details LIKE '%${actionId}%'`)).toBe(
      1,
    );
    expect(loanErrors).toEqual([]);

    // the form without its CSRF token: 403, nothing written
    await page.goto(`${base}/console/loans/${loanId}?as_of=${asOf}`);
    await page.evaluate(() => document.querySelector('form.record input[name="_csrf"]')?.remove());
    const forged = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('form.record button'),
    ]);
    expect(forged[0].status()).toBe(403);
    expect(await count(wh, 'collection_actions')).toBe(before + 1);
    await ctx.close();
  });

  it('the modeler pages: monitoring with its thresholds, a card with its calibration chart, a failing challenger refused with the reason; the audit page', async () => {
    // six months of stored monitoring of the champion (seeded), and a challenger the gate refuses
    const rng = new Rng(11);
    const vars = champion.artifact.kind === 'scorecard' ? champion.artifact.variables.map((v) => v.feature) : [];
    const months = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];
    await storeMonitoring(
      wh,
      champion,
      months.map((month_end, i) => {
        const score_psi = 0.02 + 0.05 * i * rng.next();
        return {
          month_end,
          n: 600 + Math.floor(100 * rng.next()),
          score_psi,
          psi_status: 'stable',
          csi: Object.fromEntries(vars.slice(0, 3).map((v) => [v, 0.3 * rng.next()])),
          observed: 500,
          auc: i < 4 ? 0.7 + 0.05 * rng.next() : null,
          ks: null,
          warnings: [],
        };
      }),
    );
    const { version: _v, created_at: _c, ...rest } = champion;
    const worse = await registerModel(wh, {
      ...rest,
      created_by: 'test',
      metrics: { ...champion.metrics, test: { ...champion.metrics.test, auc: champion.metrics.test.auc - 0.03 } },
    });
    const ctx = await context('zh-CN');
    const { page } = await pageOf(ctx);
    const errors: string[] = [];
    page.on('console', (m) => {
      // the refused promotion answers 409 on purpose; any other error counts
      if (m.type() === 'error' && !m.text().includes('status of 409')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page, keys.modeler);
    expect(new URL(page.url()).pathname).toBe('/console/models');
    await chartsReady(page, 2);
    // the 0.1 and 0.25 thresholds are drawn as rules with their labels
    for (const color of ['#e0a800', '#c62828'])
      expect(await page.locator(`figure[data-spec="spec-stability"] .mark-rule line[stroke="${color}"]`).count()).toBe(
        1,
      );
    const labels = (await page.textContent('figure[data-spec="spec-stability"]')) ?? '';
    expect(labels).toContain('≥ 0.1');
    expect(labels).toContain('> 0.25');
    expect(await page.locator('#monitoring-table tbody tr').count()).toBe(months.length);
    expect(await page.textContent('#history-table')).toContain('first');
    if (shots) await page.screenshot({ path: join(shots, 'console-models.png'), fullPage: true });
    // the challenger's card, by keyboard-reachable link
    await Promise.all([
      page.waitForURL(new RegExp(`/console/models/${champion.model_name}/${worse}$`, 'u')),
      page.click(`#model-table a[href$="/${worse}"]`),
    ]);
    await chartsReady(page, 1);
    expect(
      await page
        .locator(
          'figure[data-spec="spec-calibration"] .mark-symbol path, figure[data-spec="spec-calibration"] .mark-line path',
        )
        .count(),
    ).toBeGreaterThan(0);
    await page.fill('#reason', '试一下较差的挑战者');
    const refused = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('form.promote button'),
    ]);
    expect(refused[0].status()).toBe(409);
    expect(await page.textContent('#promote-error')).toMatch(
      /promotion refused: out-of-time AUC [\d.]+ does not beat the champion/u,
    );
    expect(await page.inputValue('#reason')).toBe('试一下较差的挑战者');
    if (shots) await page.screenshot({ path: join(shots, 'console-model.png'), fullPage: true });
    expect(errors).toEqual([]);
    await ctx.close();

    // the auditor's page shows the refused promotion
    const actx = await context('zh-CN');
    const a = await pageOf(actx);
    await signIn(a.page, keys.auditor);
    expect(new URL(a.page.url()).pathname).toBe('/console/audit');
    if (shots) await a.page.screenshot({ path: join(shots, 'console-audit.png') });
    await Promise.all([
      a.page.waitForURL(/action=model.promote/u),
      a.page.selectOption('select[name=action]', 'model.promote').then(() => a.page.click('form.filters button')),
    ]);
    expect(await a.page.textContent('#audit-table')).toContain('gate_refused');
    expect(a.errors).toEqual([]);
    await actx.close();
  });

  it('an admin creates a user on the users page; the user signs in with the first password and changes it', async () => {
    const actx = await context('zh-CN');
    const a = await pageOf(actx);
    await signIn(a.page, keys.admin);
    await Promise.all([a.page.waitForURL(/\/console\/users$/u), a.page.click('nav a[href="/console/users"]')]);
    await a.page.fill('input[name=name]', 'qian');
    await a.page.selectOption('select[name=role]', 'collector');
    await a.page.selectOption('select[name=region]', 'east');
    await Promise.all([
      a.page.waitForResponse((r) => r.request().method() === 'POST'),
      a.page.click('form.record button'),
    ]);
    const first = (await a.page.textContent('#first-password')) ?? '';
    expect(first).toMatch(/^[\w-]{20}$/u);
    expect(await a.page.locator('#users tr[data-user="qian"]').count()).toBe(1);
    if (shots) await a.page.screenshot({ path: join(shots, 'console-users.png'), fullPage: true });
    expect(a.errors).toEqual([]);

    const uctx = await context('en');
    const u = await pageOf(uctx);
    await u.page.goto(`${base}/console/login`);
    await u.page.fill('#name', 'qian');
    await u.page.fill('#password', first);
    await Promise.all([
      u.page.waitForURL(/\/console\/queue/u),
      u.page.click('form:has(#password) button[type=submit]'),
    ]);
    await Promise.all([u.page.waitForURL(/\/console\/password$/u), u.page.click('a[href="/console/password"]')]);
    await u.page.fill('#current', first);
    await u.page.fill('#next', 'a new password of mine');
    await u.page.fill('#again', 'a new password of mine');
    await Promise.all([u.page.waitForURL(/changed=0/u), u.page.click('form[action="/console/password"] button')]);
    expect(await u.page.textContent('#password-changed')).toContain('Password changed');
    expect(u.errors).toEqual([]);
    await uctx.close();
    await actx.close();
  });

  it('at a phone width (375 px) no page scrolls sideways, the sign-in page included: wide tables scroll in their own box, cards and long values wrap (both languages)', async () => {
    const phone = 375;
    // a contact whose note is one long word and a long sentence: the widest a loan page's contacts get
    const [first] = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${wh.database}.loans WHERE region = 'east' ORDER BY loan_id LIMIT 1`,
    );
    const loanId = first!.loan_id;
    const recorded = await fetch(`${base}/v1/collection-actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.collector}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action_id: 'narrow-screen-note',
        loan_id: loanId,
        action_date: asOf,
        channel: 'phone',
        outcome: 'contacted',
        note: `${'x'.repeat(90)} — 客户表示会在发工资后一次性结清全部逾期欠款与罚息，请在七月十日前再次电话跟进确认`,
      }),
    });
    expect(recorded.status).toBe(201);
    const pages: [Role | 'signed-out', string][] = [
      ['signed-out', '/console/login'],
      ['collector', `/console/queue?as_of=${asOf}`],
      ['collector', `/console/loans/${loanId}?as_of=${asOf}`],
      ['admin', '/console/users'],
      ['admin', '/console/dashboard'],
      ['admin', '/console/models'],
      ['admin', `/console/models/${champion.model_name}/${champion.version}`],
      ['admin', '/console/audit'],
    ];
    for (const locale of ['zh-CN', 'en'] as const) {
      const signedIn = {} as Partial<Record<Role | 'signed-out', Page>>;
      const ctxs: BrowserContext[] = [];
      for (const [role, path] of pages) {
        if (!signedIn[role]) {
          const ctx = await browser.newContext({ locale, viewport: { width: phone, height: 812 } });
          ctxs.push(ctx);
          signedIn[role] = await ctx.newPage();
          if (role !== 'signed-out') await signIn(signedIn[role], keys[role]);
        }
        const page = signedIn[role];
        await page.goto(`${base}${path}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${locale} ${path}`).toBeLessThanOrEqual(phone + 1);
        // each table sits in a box of its own, so a wide one scrolls there
        expect(await page.locator('main table:not(.table-scroll table)').count(), `${locale} ${path}`).toBe(0);
        if (path.startsWith('/console/queue')) {
          // the loan id column (the stylesheet's, no inline style) stays at the box's left edge while the rest scrolls under it
          const queueBox = page.locator('.table-scroll:has(th.sticky-col)');
          await queueBox.evaluate((e) => {
            e.scrollTo({ left: e.scrollWidth });
          });
          const boxLeft = await queueBox.evaluate((e) => e.getBoundingClientRect().left);
          const id = page.locator('tbody th.sticky-col').first();
          expect(await id.evaluate((e) => getComputedStyle(e).position)).toBe('sticky');
          expect(await id.evaluate((e) => e.getBoundingClientRect().left)).toBeCloseTo(boxLeft, 0);
        }
      }
      // the contacts table's last column (the note) is reached by scrolling its box, not the page
      const loan = signedIn.collector!;
      const box = loan.locator('.table-scroll:has(#actions)');
      const scroll = await box.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      expect(scroll.scroll).toBeGreaterThan(scroll.client);
      await box.evaluate((e) => {
        e.scrollTo({ left: e.scrollWidth });
      });
      const note = await loan
        .locator('#actions tr[data-action="narrow-screen-note"] td:last-child')
        .evaluate((e) => e.getBoundingClientRect());
      expect(note.right).toBeLessThanOrEqual(phone);
      for (const ctx of ctxs) await ctx.close();
    }
  });

  it('several open promises of a loan are set one a line in its queue cell, not run together', async () => {
    const cases = (await (
      await fetch(`${base}/v1/cases?as_of=${asOf}`, { headers: { authorization: `Bearer ${keys.collector}` } })
    ).json()) as { cases: { loan_id: string }[] };
    const loanId = cases.cases.at(-1)!.loan_id;
    for (const [id, amount, date] of [
      ['two-promises-1', '100.00', '2024-07-05'],
      ['two-promises-2', '2500.00', '2024-07-20'],
    ] as const) {
      const r = await fetch(`${base}/v1/collection-actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.collector}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          action_id: id,
          loan_id: loanId,
          action_date: asOf,
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: amount,
          promised_date: date,
        }),
      });
      expect(r.status).toBe(201);
    }
    for (const width of [1366, 390]) {
      const ctx = await browser.newContext({ locale: 'en', viewport: { width, height: 800 } });
      const page = await ctx.newPage();
      await signIn(page, keys.collector);
      await page.goto(`${base}/console/queue?as_of=${asOf}&loan=${loanId}`);
      const cell = page.locator(`#queue tr[data-loan="${loanId}"] td.promises`);
      const tops = await cell
        .locator('.promise')
        .evaluateAll((spans) => spans.map((e) => Math.round(e.getBoundingClientRect().top)));
      expect(tops.length, String(width)).toBeGreaterThanOrEqual(2);
      expect(new Set(tops).size, String(width)).toBe(tops.length);
      // copied as text they stay apart too
      expect(await cell.textContent()).toMatch(
        /100\.00 @ 2024-07-05\s+2,500\.00 @ 2024-07-20|2,500\.00 @ 2024-07-20\s+100\.00 @ 2024-07-05/u,
      );
      await ctx.close();
    }
  });

  it("a Chinese column header is not broken inside its word when the queue's columns are squeezed", async () => {
    // 1100 px: tables no longer scroll on their own, the queue's eleven columns share about 1060 px
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1100, height: 800 } });
    const page = await ctx.newPage();
    await signIn(page, keys.collector);
    await page.goto(`${base}/console/queue?as_of=${asOf}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1100 + 1);
    const lines = await page.$$eval('#queue thead th', (ths) =>
      ths.map((th) => {
        const r = document.createRange();
        r.selectNodeContents(th);
        const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
        return [th.textContent.trim(), tops.size] as const;
      }),
    );
    expect(lines.length).toBe(11);
    for (const [text, n] of lines) expect(n, text).toBe(1);
    await ctx.close();
  });

  it('no request left localhost', () => {
    expect(outside).toEqual([]);
  });
});
