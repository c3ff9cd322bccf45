// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { createUser } from '../../../../api/auth/users.ts';
import { formPage } from '../../../../api/console/session-auth.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * A form sent after the session ended is not saved, and the person is told so: on the sign-in page
 * it leads to, and on the page signing in returns to. A page asked for with an ended session says
 * the session ended; signing out says so. Only the fixed reasons are ever shown.
 */
const asOf = '2024-06-30';
const files = oneLoanBook({ date: '2024-06-28', channel: 'sms', outcome: 'no_contact' });
const loanPage = `/console/loans/L1?as_of=${asOf}`;
const words = {
  unsaved: {
    en: 'Your session ended, so what you sent was not saved: sign in and enter it again.',
    'zh-CN': '您的会话已结束，刚才提交的内容未保存，请登录后重新填写。',
  },
  ended: { en: 'Your session ended: sign in again.', 'zh-CN': '您的会话已结束，请重新登录。' },
  signed_out: { en: 'You have signed out.', 'zh-CN': '您已退出登录。' },
  after: {
    en: 'What you sent before signing in was not saved (the session had ended): enter it again below and save.',
    'zh-CN': '登录前提交的内容未保存（会话已结束），请在下方重新填写并保存。',
  },
} as const;
const langs = ['en', 'zh-CN'] as const;
/** the text of the element with this id, or undefined */
const byId = (page: string, id: string) =>
  new RegExp(`<p[^>]*id="${id}"[^>]*>([\\s\\S]*?)</p>`, 'u').exec(page)?.[1]?.trim();

describe('a form sent after the session ended, and the sign-in notices', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let collector = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('console_session_notice', files, asOf);
    admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    collector = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'c' })).key;
    await createUser(wh, {
      name: 'li',
      role: 'admin',
      region: '',
      team: '',
      password: 'a-long-password-1',
      by: 'test',
    });
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const browser = () => consoleBrowser(() => app);
  /** every table's row count but the audit log's (a refusal is audited: that is its one write) */
  const rowCounts = async () => {
    const tables = await queryRows<{ name: string }>(
      wh,
      `SELECT name FROM system.tables WHERE database = {db:String} AND engine NOT LIKE '%View' AND name != 'audit_log' ORDER BY name`,
      { db: wh.database },
    );
    return Object.fromEntries(await Promise.all(tables.map(async (t) => [t.name, await count(wh, t.name)] as const)));
  };
  /** a browser signed in whose session was then ended from another browser (a sign-out in another tab) */
  const endedElsewhere = async (key: string) => {
    const b = browser();
    await b.signIn(key);
    const token = await b.csrf(loanPage);
    const other = browser();
    for (const [k, v] of b.jar) other.jar.set(k, v);
    expect((await other.request('/console/logout', { method: 'POST', form: { _csrf: token } })).status).toBe(303);
    return { b, token };
  };

  it('every console POST route, with no session or an ended one, leads to sign-in with the reason and writes nothing', async () => {
    const posts = [
      ...new Set(app.routes.filter((r) => r.method === 'POST' && r.path.startsWith('/console/')).map((r) => r.path)),
    ].filter((p) => p !== '/console/login');
    // the routes the console has today, found from the app: a new form is covered without being listed here
    expect(posts).toEqual(
      expect.arrayContaining([
        '/console/logout',
        '/console/loans/:id/actions',
        '/console/loans/:id/actions/:action/correct',
        '/console/loans/:id/actions/:action/withdraw',
        '/console/models/:name/:version/promote',
        '/console/password',
        '/console/users',
        '/console/users/:name/disable',
      ]),
    );
    const values: Record<string, string> = { id: 'L1', action: 'F1', name: 'li', version: '1' };
    const ended = await endedElsewhere(admin);
    const absent = browser();
    const before = await rowCounts();
    const deniedBefore = await count(wh, 'audit_log', `action = 'auth.unauthorized'`);
    let sent = 0;
    for (const route of posts)
      for (const [state, b] of [
        ['ended', ended.b],
        ['absent', absent],
      ] as const) {
        const path = `${route.replace(/:(\w+)/gu, (_, k: string) => values[k] ?? 'x')}?as_of=${asOf}`;
        const form = {
          _csrf: ended.token,
          action_id: 'late-1',
          action_date: asOf,
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: '1500',
          promised_date: '2024-07-05',
          note: 'will pay',
          reason: 'a reason',
          name: 'wang',
          role: 'collector',
          region: 'east',
          current: 'a-long-password-1',
          next: 'another-password-2',
          again: 'another-password-2',
        };
        const r = await b.request(path, { method: 'POST', form });
        sent += 1;
        expect(r.status, `${state} ${route}`).toBe(303);
        const to = new URL(r.headers.get('location')!, 'http://localhost');
        expect(to.pathname, route).toBe('/console/login');
        if (route === '/console/logout') {
          // a sign-out with the session already gone: nothing was lost
          expect(to.searchParams.get('reason'), route).toBe('signed_out');
          expect(to.searchParams.get('next'), route).toBeNull();
        } else {
          expect(to.searchParams.get('reason'), `${state} ${route}`).toBe('unsaved');
          expect(to.searchParams.get('next'), route).toBe(`${formPage(path.split('?')[0]!)}?as_of=${asOf}`);
        }
        // an ended session's cookie goes with the redirect
        expect(b.jar.has('lw_session'), `${state} ${route}`).toBe(false);
      }
    expect(sent).toBe(posts.length * 2);
    expect(await rowCounts()).toEqual(before);
    expect(await count(wh, 'audit_log', `action = 'auth.unauthorized'`)).toBe(deniedBefore + sent);
  });

  it('the sign-in page says why it is asked, in both languages, and only the fixed reasons', async () => {
    const b = browser();
    for (const lang of langs) {
      for (const reason of ['unsaved', 'ended', 'signed_out'] as const) {
        const page = await (await b.request(`/console/login?reason=${reason}&lang=${lang}`)).text();
        expect(byId(page, 'session-notice'), `${lang} ${reason}`).toBe(words[reason][lang]);
        // only a lost form is an alert
        expect(page.includes('role="alert" id="session-notice"'), reason).toBe(reason === 'unsaved');
      }
      // none asked, or any other text: nothing said, nothing of it reflected
      for (const q of ['', '?reason=', '?reason=Payment%20received', '?reason=UNSAVED', '?unsaved=1']) {
        const page = await (await b.request(`/console/login${q}${q ? '&' : '?'}lang=${lang}`)).text();
        expect(page, q).not.toContain('id="session-notice"');
        expect(page, q).not.toContain('Payment received');
      }
    }
  });

  it('a promise sent after a sign-out in another tab: not saved, said on sign-in and on the loan page it returns to', async () => {
    for (const lang of langs) {
      const { b, token } = await endedElsewhere(collector);
      const before = await count(wh, 'collection_actions');
      const sent = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
        method: 'POST',
        form: {
          _csrf: token,
          action_id: `lost-${lang}`,
          action_date: asOf,
          action_time: '10:00',
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: '1500',
          promised_date: '2024-07-05',
          note: 'will pay friday',
        },
      });
      const login = await (await b.request(`${sent.headers.get('location')!}&lang=${lang}`)).text();
      expect(byId(login, 'session-notice')).toBe(words.unsaved[lang]);
      // what was typed is nowhere in the page or the address
      expect(login).not.toContain('will pay friday');
      expect(sent.headers.get('location')).not.toMatch(/1500|friday/u);
      // a failed attempt keeps the notice
      const csrf = /name="_csrf" value="([^"]+)"/u.exec(login)![1]!;
      const next = /name="next" value="([^"]*)"/u.exec(login)![1]!.replace(/&amp;/gu, '&');
      expect(next).toBe(loanPage);
      const wrong = await b.request(`/console/login?lang=${lang}`, {
        method: 'POST',
        form: { _csrf: csrf, key: `${collector.slice(0, -4)}AAAA`, next, reason: 'unsaved' },
      });
      expect(wrong.status).toBe(401);
      const again = await wrong.text();
      expect(byId(again, 'session-notice')).toBe(words.unsaved[lang]);
      const csrf2 = /name="_csrf" value="([^"]+)"/u.exec(again)![1]!;
      const signed = await b.request('/console/login', {
        method: 'POST',
        form: { _csrf: csrf2, key: collector, next, reason: 'unsaved' },
      });
      expect(signed.status).toBe(303);
      const back = signed.headers.get('location')!;
      expect(back).toBe(`${loanPage}&unsaved=1`);
      const page = await (await b.request(`${back}&lang=${lang}`)).text();
      expect(byId(page, 'unsaved-notice')).toBe(words.after[lang]);
      expect(page).toMatch(/<p class="error" role="alert" id="unsaved-notice">/u);
      // the form is there to fill again, and nothing was stored
      expect(page).toContain(`action="/console/loans/L1/actions?as_of=${asOf}`);
      expect(await count(wh, 'collection_actions')).toBe(before);
      expect(await count(wh, 'collection_actions', `action_id = 'lost-${lang}'`)).toBe(0);
    }
  });

  it('a form of a page opened before a sign-out and a new sign-in elsewhere: refused as stale, saying it was not saved', async () => {
    for (const lang of langs) {
      const b = browser();
      await b.signIn(collector);
      const old = await b.csrf(loanPage);
      // another tab of the same browser signs out and in again: a live session, another token
      await b.request('/console/logout', { method: 'POST', form: { _csrf: old } });
      await b.signIn(collector);
      const before = await count(wh, 'collection_actions');
      const r = await b.request(`/console/loans/L1/actions?as_of=${asOf}&lang=${lang}`, {
        method: 'POST',
        form: { _csrf: old, action_id: `stale-${lang}`, action_date: asOf, channel: 'phone', outcome: 'contacted' },
      });
      expect(r.status).toBe(403);
      const page = await r.text();
      expect(page).toContain(
        {
          en: 'The form has expired or was not sent from this page, so what you sent was not saved: reload the page and enter it again.',
          'zh-CN': '表单已过期或不是从本页提交的，提交的内容未保存。请刷新页面后重新填写。',
        }[lang],
      );
      expect(await count(wh, 'collection_actions')).toBe(before);
    }
  });

  it('the notice on the page returned to after a lost form: the users page and the password page, by name and password', async () => {
    for (const [path, field] of [
      ['/console/users', 'name'],
      ['/console/password', 'current'],
    ] as const) {
      const b = browser();
      const r = await b.request(path, { method: 'POST', form: { _csrf: 'x', [field]: 'y' } });
      const to = new URL(r.headers.get('location')!, 'http://localhost');
      const login = await (await b.request(`${to.pathname}${to.search}&lang=zh-CN`)).text();
      expect(byId(login, 'session-notice')).toBe(words.unsaved['zh-CN']);
      const signed = await b.request('/console/login', {
        method: 'POST',
        form: {
          _csrf: /name="_csrf" value="([^"]+)"/u.exec(login)![1]!,
          name: 'li',
          password: 'a-long-password-1',
          next: to.searchParams.get('next')!,
          reason: to.searchParams.get('reason')!,
        },
      });
      expect(signed.headers.get('location')).toBe(`${path}?unsaved=1`);
      const page = await (await b.request(`${path}?unsaved=1&lang=en`)).text();
      expect(byId(page, 'unsaved-notice'), path).toBe(words.after.en);
    }
  });

  it('no notice on a page signed in to without a lost form, or with any other unsaved= value', async () => {
    const b = browser();
    const signed = await b.signIn(collector);
    expect(signed.headers.get('location')).toBe('/console/queue');
    for (const q of ['', '&unsaved=0', '&unsaved=yes', '&unsaved=1%20Payment'])
      expect(await (await b.request(`${loanPage}${q}`)).text(), q).not.toContain('unsaved-notice');
    // a reason that is not one of the fixed ones, posted with the sign-in form, changes nothing
    const c2 = browser();
    const login = await (await c2.request(`/console/login?next=${encodeURIComponent(loanPage)}`)).text();
    const r = await c2.request('/console/login', {
      method: 'POST',
      form: { _csrf: /name="_csrf" value="([^"]+)"/u.exec(login)![1]!, key: collector, next: loanPage, reason: 'x' },
    });
    expect(r.headers.get('location')).toBe(loanPage);
  });

  it('a page asked for with an ended session says the session ended (not "not saved"); never signed in, nothing; signing out says so', async () => {
    for (const lang of langs) {
      const { b } = await endedElsewhere(admin);
      const r = await b.request(`/console/queue?as_of=${asOf}`);
      expect(r.status).toBe(303);
      const to = new URL(r.headers.get('location')!, 'http://localhost');
      expect(to.searchParams.get('reason')).toBe('ended');
      expect(to.searchParams.get('next')).toBe(`/console/queue?as_of=${asOf}`);
      expect(b.jar.has('lw_session')).toBe(false);
      const login = await (await b.request(`${to.pathname}${to.search}&lang=${lang}`)).text();
      expect(byId(login, 'session-notice')).toBe(words.ended[lang]);
      expect(login).not.toContain(words.unsaved[lang]);
      // the cookie is gone: the next page asked for is a plain sign-in
      const fresh = await b.request('/console/dashboard');
      expect(new URL(fresh.headers.get('location')!, 'http://localhost').searchParams.get('reason')).toBeNull();

      const s = browser();
      await s.signIn(admin);
      const out = await s.request('/console/logout', { method: 'POST', form: { _csrf: await s.csrf(loanPage) } });
      expect(out.headers.get('location')).toBe('/console/login?reason=signed_out');
      const page = await (await s.request(`/console/login?reason=signed_out&lang=${lang}`)).text();
      expect(byId(page, 'session-notice')).toBe(words.signed_out[lang]);
      expect(page).toContain('role="status" id="session-notice"');
    }
  });
});
