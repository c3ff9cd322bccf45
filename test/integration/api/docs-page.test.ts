import { documentApp } from '../../helpers/document-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { cjkFontFile } from '../../../reports/render/fonts.ts';
import { launchChromium } from '../../helpers/browser.ts';

/**
 * The docs page as an integrator meets it, in headless Chromium: "Try it out" leaves every optional
 * parameter empty — Swagger UI filled each from its schema's default (limit=100, lang=zh-CN,
 * format=html, include_revoked=true) and sent them — and keeps a required one's example. The API
 * needs no warehouse for its document.
 */
describe('the docs page (Swagger UI) pre-fills no optional parameter', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let close: () => Promise<void>;
  let page: Page;
  beforeAll(async () => {
    server = createAdaptorServer({ fetch: documentApp().fetch }) as Server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ browser, close } = await launchChromium(cjkFontFile()));
    page = await browser.newPage();
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.opblock', { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await close();
    server.close();
  });

  /** each parameter's value in the operation's form once "Try it out" is pressed */
  async function tryItOut(operationId: string): Promise<Record<string, string>> {
    const op = page.locator(`[id$="-${operationId}"]`).first();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await op.locator('tr[data-param-name]').first().waitFor();
    const pairs = await op
      .locator('tr[data-param-name]')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.getAttribute('data-param-name') ?? '',
          r.querySelector<HTMLInputElement | HTMLSelectElement>('input, select')?.value ?? '',
        ]),
      );
    return Object.fromEntries(pairs) as Record<string, string>;
  }

  it('optional parameters with a default stay empty; required ones keep their example', async () => {
    expect(await tryItOut('getModels')).toEqual({ limit: '', cursor: '' });
    const report = await tryItOut('getReportsByTemplate');
    expect(report).toMatchObject({ lang: '', format: '', period: '2024-06' });
    expect(report.template).not.toBe('');
    expect(await tryItOut('getKeys')).toEqual({ include_revoked: '' });
    expect(await tryItOut('getCases')).toMatchObject({ as_of: '2024-06-30', limit: '' });
  }, 60_000);

  it('executing sends none of them', async () => {
    const op = page.locator('[id$="-getModels"]').first();
    const sent = page.waitForRequest((r) => r.url().startsWith(`${base}/v1/models`));
    await op.locator('button.execute').click();
    expect(new URL((await sent).url()).search).toBe('');
  }, 60_000);
});
