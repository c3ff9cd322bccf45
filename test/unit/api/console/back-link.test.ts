import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { backHref } from '../../../../api/console/back-link.ts';

/** backHref of a request to `url` sent with `referer` */
async function backOf(url: string, referer?: string): Promise<string> {
  const app = new Hono();
  app.all('*', (c) => c.text(backHref(c)));
  const r = await app.request(url, { headers: referer === undefined ? {} : { referer } });
  return r.text();
}

describe("an error page's Back", () => {
  const failed = 'http://localhost:3000/console/loans/N1?lang=en';

  it('goes to the console page the reader came from, its query kept', async () => {
    for (const from of [
      '/console/queue?as_of=2024-06-30&stage=late&loan=E',
      '/console/loans/E1',
      '/console',
      '/console/models/pd/3?lang=zh-CN',
    ])
      expect(await backOf(failed, `http://localhost:3000${from}`), from).toBe(from);
  });

  it('goes to the console start for anything else: no referer, another host or port, a page outside the console, the failed page itself, a malformed or script address', async () => {
    for (const referer of [
      undefined,
      '',
      'https://evil.example/console/queue',
      'http://localhost:4000/console/queue',
      'http://localhost:3000/v1/cases',
      'http://localhost:3000/consoleX/queue',
      failed,
      'http://[not a url',
      'javascript:alert(1)',
      'data:text/html,<p>x</p>',
    ])
      expect(await backOf(failed, referer), String(referer)).toBe('/console');
  });
});
