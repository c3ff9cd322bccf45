import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../api/app.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { knownScopes, teamsOfRegion } from '../../../../api/auth/scopes.ts';
import { createUser } from '../../../../api/auth/users.ts';
import type { Lang } from '../../../../api/console/i18n.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * The account pages (api/console/account-routes.ts: the admin's users page, a user's password
 * page) say every refusal in the page's language: each error path in Chinese (Han characters, no
 * English sentence) and in English (no Han characters), through app.request().
 */
const han = /\p{Script=Han}/u;
/** three or more ASCII words in a row: an English sentence, not a typed value or a code */
const englishSentence = /[A-Za-z]{2,}(?:[ ,:;]+[A-Za-z]{2,}){2,}/u;
const cost = { ln: 12, r: 8, p: 1 };

/** the text of the element with the id (tags dropped, entities decoded) */
function textOf(page: string, id: string): string {
  const start = page.search(new RegExp(`<(p|div)[^>]*id="${id}"`, 'u'));
  if (start < 0) return '';
  const tag = /^<(p|div)/u.exec(page.slice(start))![1]!;
  const end = page.indexOf(`</${tag}>`, start);
  return page
    .slice(start, end)
    .replace(/<[^>]*>/gu, ' ')
    .replace(/&quot;/gu, '"')
    .replace(/&#39;/gu, "'")
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&amp;/gu, '&')
    .replace(/\s+/gu, ' ')
    .trim();
}

describe('the users and password pages refuse in the page language', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  const keys = { admin: '', auditor: '' };
  let team = '';
  let teamElsewhere = '';

  const makeApp = (anon = 1_000_000) =>
    createApp({
      wh,
      log: () => undefined,
      rateLimitPerMinute: 1_000_000,
      anonRateLimitPerMinute: anon,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
    });

  beforeAll(async () => {
    wh = await warehouseWithBook('account_pages', { loans: 300, months: 12, seed: 5 });
    keys.admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    keys.auditor = (await createApiKey(wh, { role: 'auditor', label: 'auditor' })).key;
    const scopes = await knownScopes(wh);
    const east = await teamsOfRegion(wh, 'east');
    team = east[0]!;
    teamElsewhere = scopes.teams.find((x) => !east.includes(x))!;
    expect(team && teamElsewhere).toBeTruthy();
    await createUser(wh, { name: 'taken', role: 'executive', password: 'taken password 1', by: 'test' }, cost);
    app = makeApp();
  });
  afterAll(() => disposeIfOpened(wh));

  /** a browser reading the console in the language (the switch link's cookie) */
  const browserIn = async (lang: Lang, on: () => ReturnType<typeof createApp> = () => app) => {
    const b = consoleBrowser(on);
    await b.request(`/console/login?lang=${lang}`);
    return b;
  };

  /** the refusal reads in the language: Chinese without an English sentence, English without Chinese */
  const inLanguage = (lang: Lang, text: string, want: { 'zh-CN': RegExp; en: RegExp }, what: string) => {
    expect(text, what).toMatch(want[lang]);
    if (lang === 'zh-CN') {
      expect(text, what).toMatch(han);
      expect(text, what).not.toMatch(englishSentence);
    } else expect(text, what).not.toMatch(han);
  };

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`the users page: every refusal of a create or a disable, a role without the page and a form without its token, in ${lang}`, async () => {
      const admin = await browserIn(lang);
      expect((await admin.signIn(keys.admin)).status).toBe(303);
      const token = await admin.csrf('/console/users');
      const create = (form: Record<string, string>) =>
        admin.request('/console/users', { method: 'POST', form: { _csrf: token, region: '', team: '', ...form } });
      const refusals: [Record<string, string>, { 'zh-CN': RegExp; en: RegExp }][] = [
        [
          { name: 'X', role: 'executive' },
          { 'zh-CN': /^未保存：用户名须为 2–40 个.*“X”/u, en: /user name is 2–40/u },
        ],
        [
          { name: 'kim', role: 'boss' },
          { 'zh-CN': /未知角色“boss”，可选角色：管理员、建模人员/u, en: /unknown role "boss": one of admin, modeler/u },
        ],
        [
          { name: 'kim', role: 'executive', region: 'east' },
          { 'zh-CN': /只有催收员选择区域和团队：管理层可查看所有区域/u, en: /only collectors are scoped/u },
        ],
        [
          { name: 'kim', role: 'collector' },
          { 'zh-CN': /催收员必须选择区域（.*华东.*）/u, en: /a collector needs a region, one of: .*East/u },
        ],
        [
          { name: 'kim', role: 'collector', region: 'nowhere' },
          {
            'zh-CN': /未知区域“nowhere”，已有区域：.*华东/u,
            en: /unknown region "nowhere": known regions are .*East/u,
          },
        ],
        [
          { name: 'kim', role: 'collector', region: 'east', team: 'no-such-team' },
          { 'zh-CN': /未知团队“no-such-team”，已有团队：/u, en: /unknown team "no-such-team": known teams are/u },
        ],
        [
          { name: 'kim', role: 'collector', region: 'east', team: teamElsewhere },
          { 'zh-CN': /团队“.+组”不负责区域“华东”/u, en: /team ".+" does not work in region "East"/u },
        ],
        [
          { name: 'taken', role: 'executive' },
          { 'zh-CN': /已有名为“taken”的用户/u, en: /a user named "taken" exists/u },
        ],
      ];
      for (const [form, want] of refusals) {
        const r = await create(form);
        expect(r.status, JSON.stringify(form)).toBe(400);
        inLanguage(lang, textOf(await r.text(), 'users-error'), want, JSON.stringify(form));
      }
      // a good create still works, and the users page is where a disable is refused
      expect((await create({ name: `made-${lang.slice(0, 2)}`, role: 'collector', region: 'east', team })).status).toBe(
        200,
      );
      const disable = (name: string, form: Record<string, string>, by = admin) =>
        by.request(`/console/users/${name}/disable`, { method: 'POST', form });
      const unknown = await disable('nobody', { _csrf: token });
      expect(unknown.status).toBe(400);
      inLanguage(
        lang,
        textOf(await unknown.text(), 'users-error'),
        { 'zh-CN': /没有名为“nobody”的用户/u, en: /no user named "nobody"/u },
        'unknown user',
      );
      const long = await disable('taken', { _csrf: token, reason: 'x'.repeat(501) });
      expect(long.status).toBe(400);
      inLanguage(
        lang,
        textOf(await long.text(), 'users-error'),
        { 'zh-CN': /原因最多 500 个字符/u, en: /a reason is at most 500 characters/u },
        'long reason',
      );
      // an admin user cannot disable himself
      const name = `boss-${lang.slice(0, 2)}`;
      await createUser(wh, { name, role: 'admin', password: 'boss password 1', by: 'test' }, cost);
      const boss = await browserIn(lang);
      expect((await boss.signInUser(name, 'boss password 1')).status).toBe(303);
      const own = await disable(name, { _csrf: await boss.csrf('/console/users'), reason: 'me' }, boss);
      expect(own.status).toBe(400);
      inLanguage(
        lang,
        textOf(await own.text(), 'users-error'),
        { 'zh-CN': /不能停用自己/u, en: /You cannot disable yourself/u },
        'self',
      );
      // a form without the page's token is told so, not that the role may not
      for (const [path, form] of [
        ['/console/users', { name: 'kim', role: 'executive' }],
        ['/console/users/taken/disable', { reason: 'no token' }],
      ] as const) {
        const r = await admin.request(path, { method: 'POST', form });
        expect(r.status, path).toBe(403);
        inLanguage(
          lang,
          textOf(await r.text(), 'error-text'),
          { 'zh-CN': /表单已过期或不是从本页提交的/u, en: /The form has expired or was not sent from this page/u },
          path,
        );
      }
      // a role without the page
      const auditor = await browserIn(lang);
      await auditor.signIn(keys.auditor);
      const auditorToken = await auditor.csrf('/console/audit');
      for (const r of [
        await auditor.request('/console/users'),
        await auditor.request('/console/users', {
          method: 'POST',
          form: { _csrf: auditorToken, name: 'kim', role: 'executive' },
        }),
        await auditor.request('/console/users/taken/disable', { method: 'POST', form: { _csrf: auditorToken } }),
      ]) {
        expect(r.status).toBe(403);
        inLanguage(
          lang,
          textOf(await r.text(), 'error-text'),
          { 'zh-CN': /您的角色（审计员）无权查看或执行此操作/u, en: /Your role \(auditor\) may not see this page/u },
          'auditor',
        );
      }
    });

    it(`the password page: every refusal of a change, a key session and a form without its token, in ${lang}`, async () => {
      const name = `zhou-${lang.slice(0, 2)}`;
      const first = 'first password 1';
      const next = 'second password 2';
      await createUser(wh, { name, role: 'auditor', password: first, by: 'test' }, cost);
      // a process whose address limit is two failures a minute
      const limited = makeApp(2);
      const u = await browserIn(lang, () => limited);
      expect((await u.signInUser(name, first)).status).toBe(303);
      const token = await u.csrf('/console/password');
      const change = (form: Record<string, string>) =>
        u.request('/console/password', { method: 'POST', form: { _csrf: token, ...form } });
      const refusals: [Record<string, string>, number, { 'zh-CN': RegExp; en: RegExp }][] = [
        [
          { current: first, next, again: `${next}x` },
          400,
          { 'zh-CN': /两次输入的新密码不一致/u, en: /The two new passwords differ/u },
        ],
        [
          { current: first, next: 'short', again: 'short' },
          400,
          { 'zh-CN': /密码至少 10 个字符/u, en: /at least 10 characters/u },
        ],
        [
          { current: first, next: 'x'.repeat(257), again: 'x'.repeat(257) },
          400,
          { 'zh-CN': /密码最多 256 个字符/u, en: /at most 256 characters/u },
        ],
        [
          { current: first, next: ' padded password ', again: ' padded password ' },
          400,
          { 'zh-CN': /密码首尾不能是空格/u, en: /does not start or end with a space/u },
        ],
        [
          { current: first, next: first, again: first },
          400,
          { 'zh-CN': /新密码与当前密码相同/u, en: /the new password is the current one/u },
        ],
        // wrong twice: counted against the address, then refused for a while, whatever the password
        [
          { current: 'wrong one', next, again: next },
          401,
          { 'zh-CN': /当前密码不正确/u, en: /current password is wrong/u },
        ],
        [
          { current: 'wrong one', next, again: next },
          401,
          { 'zh-CN': /当前密码不正确/u, en: /current password is wrong/u },
        ],
        [
          { current: first, next, again: next },
          429,
          {
            'zh-CN': /当前密码输错次数过多，请 \d+ 秒后再试/u,
            en: /Too many wrong passwords from your address: try again in \d+ s/u,
          },
        ],
      ];
      for (const [form, status, want] of refusals) {
        const r = await change(form);
        expect(r.status, JSON.stringify(form).slice(0, 60)).toBe(status);
        if (status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        const page = await r.text();
        inLanguage(lang, textOf(page, 'password-error'), want, JSON.stringify(form).slice(0, 60));
        // the form is still there to try again
        expect(page).toContain('name="current"');
      }
      // without the page's token
      const noToken = await u.request('/console/password', {
        method: 'POST',
        form: { current: first, next, again: next },
      });
      expect(noToken.status).toBe(403);
      inLanguage(
        lang,
        textOf(await noToken.text(), 'error-text'),
        { 'zh-CN': /表单已过期/u, en: /The form has expired/u },
        'no token',
      );
      // a key has no password: the page and the form say so
      const k = await browserIn(lang);
      await k.signIn(keys.auditor);
      const kToken = await k.csrf('/console/audit');
      for (const r of [
        await k.request('/console/password'),
        await k.request('/console/password', {
          method: 'POST',
          form: { _csrf: kToken, current: first, next, again: next },
        }),
      ]) {
        expect(r.status).toBe(403);
        inLanguage(
          lang,
          textOf(await r.text(), 'password-error'),
          { 'zh-CN': /您是用 API 密钥登录的/u, en: /signed in with an API key/u },
          'key session',
        );
      }
    });
  }
});
