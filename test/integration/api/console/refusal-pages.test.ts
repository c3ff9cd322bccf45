// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { roles, type Role } from '../../../../api/auth/permissions.ts';
import { roleLabels } from '../../../../api/console/error-text.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * The 403 page names who may open the page (the roles the permission table gives it, by their
 * labels), and the 404 speaks of "your region or team" only to a key that has one.
 */
const asOf = '2024-06-30';
const book = oneLoanBook({ date: '2024-06-28', channel: 'sms', outcome: 'no_contact' });
// a second region, so a collector can be outside L1's
const files = { ...book, 'loans.csv': [...book['loans.csv'], 'N1,c2,consumer,2023-12-15,600.00,0.2,6,north'] };
const langs = ['en', 'zh-CN'] as const;
/** the error page's own words (its alert), one line each */
const alertLines = (page: string) =>
  [...(/id="error-text"[^>]*>([\s\S]*?)<\/div>/u.exec(page)?.[1] ?? '').matchAll(/<p>([\s\S]*?)<\/p>/gu)].map((m) =>
    m[1]!.trim(),
  );
const rolesIn = (line: string, lang: 'en' | 'zh-CN') => {
  const list =
    lang === 'en' ? /^It is open to (.+) only\.$/u.exec(line)?.[1] : /^此页面或操作仅对(.+)开放。$/u.exec(line)?.[1];
  return (list ?? '')
    .split(lang === 'en' ? /, | and /u : /、|和/u)
    .map((l) => roles.find((r) => roleLabels[r]![lang] === l) ?? `?${l}`)
    .sort();
};

describe("the console's 403 and 404 pages", () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  const keys = {} as Record<Role | 'north', string>;
  beforeAll(async () => {
    wh = await warehouseWithFiles('console_refusal_pages', files, asOf);
    for (const role of roles)
      keys[role] = (
        await createApiKey(wh, { role, ...(role === 'collector' ? { region: 'east' } : {}), label: role })
      ).key;
    keys.north = (await createApiKey(wh, { role: 'collector', region: 'north', label: 'north' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it('a refused page names exactly the roles that open it, by their labels, in both languages', async () => {
    const pages = [
      '/console/dashboard',
      `/console/queue?as_of=${asOf}`,
      `/console/loans/L1?as_of=${asOf}`,
      '/console/models',
      '/console/audit',
      '/console/users',
      '/console/archive',
    ];
    const browsers = Object.fromEntries(
      await Promise.all(
        roles.map(async (role) => {
          const b = consoleBrowser(() => app);
          await b.signIn(keys[role]);
          return [role, b] as const;
        }),
      ),
    );
    let refusals = 0;
    for (const path of pages) {
      // who opens it, found by asking (not from a list of the routes' permissions)
      const status: Record<string, number> = {};
      for (const role of roles) status[role] = (await browsers[role]!.request(path)).status;
      const open = roles.filter((r) => status[r] === 200).sort();
      expect(open.length, path).toBeGreaterThan(0);
      for (const role of roles.filter((r) => status[r] === 403))
        for (const lang of langs) {
          const sep = path.includes('?') ? '&' : '?';
          const lines = alertLines(await (await browsers[role]!.request(`${path}${sep}lang=${lang}`)).text());
          expect(lines[0], `${role} ${path}`).toBe(
            lang === 'en'
              ? `Your role (${roleLabels[role]!.en}) may not see this page or do this.`
              : `您的角色（${roleLabels[role]!['zh-CN']}）无权查看或执行此操作。`,
          );
          expect(rolesIn(lines[1] ?? '', lang), `${role} ${path} ${lang}`).toEqual(open);
          refusals += 1;
        }
    }
    // every role is refused somewhere but the admin
    expect(refusals).toBeGreaterThanOrEqual(2 * 8);
  });

  it('"or outside your region or team" only to a collector; plain "Not found" to the others and to an unknown address', async () => {
    const cases: [string, string, boolean][] = [
      // a loan outside the north collector's region, and one that does not exist
      ['north', `/console/loans/L1?as_of=${asOf}`, true],
      ['collector', `/console/loans/NOPE?as_of=${asOf}`, true],
      ['admin', `/console/loans/NOPE?as_of=${asOf}`, false],
      ['modeler', '/console/models/nope/1', false],
      ['admin', '/console/nowhere', false],
      ['collector', '/console/nowhere', false],
      ['', '/console/nowhere', false],
    ];
    for (const [who, path, scoped] of cases) {
      const b = consoleBrowser(() => app);
      if (who) await b.signIn(keys[who as Role | 'north']);
      for (const lang of langs) {
        const sep = path.includes('?') ? '&' : '?';
        const r = await b.request(`${path}${sep}lang=${lang}`);
        expect(r.status, `${who} ${path}`).toBe(404);
        const page = await r.text();
        const words = scoped
          ? { en: 'Not found (or outside your region or team)', 'zh-CN': '未找到（或不在您的区域或团队）' }[lang]
          : { en: 'Not found', 'zh-CN': '未找到' }[lang];
        expect(page, `${who} ${path} ${lang}`).toContain(`<p>${words}</p>`);
        if (!scoped) expect(page, `${who} ${path}`).not.toMatch(/region or team|区域或团队/u);
        // the title is the plain words, to everyone
        expect(page).toContain(`<title>${{ en: 'Not found', 'zh-CN': '未找到' }[lang]} · loanwatch</title>`);
      }
    }
  });
});
