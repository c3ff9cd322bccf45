import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Session, SessionStore } from '../auth/sessions.ts';
import { tokensMatch } from '../auth/sessions.ts';
import type { AppEnv } from '../context.ts';
import { AuthError } from '../errors.ts';
import { auditDenial } from '../audit.ts';
import { authenticate } from '../middleware.ts';
import { loginHref } from './session-notice.ts';

export const sessionCookie = 'lw_session';
/** the sign-in form's CSRF token, before there is a session (double submit: cookie and form field must agree) */
export const loginCookie = 'lw_login';

/** The API's context plus the console's session and the POST's form (optional: a Context<ConsoleEnv> is also a Context<AppEnv>). */
export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & { session?: Session; form?: Record<string, string> };
}

/** The request's session (set by requireSession on every page that needs one). */
export function sessionOf(c: Context<ConsoleEnv>): Session {
  const s = c.get('session');
  if (!s) throw new AuthError('unauthorized', 'sign in first (no or expired session)', { reason: 'no_session' });
  return s;
}

/** Secure cookies when the request came over https (a proxy terminating TLS must pass https through in the URL's scheme). */
const secure = (c: Context) => new URL(c.req.url).protocol === 'https:';

export function setSessionCookie(c: Context, id: string) {
  setCookie(c, sessionCookie, id, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(c) });
}
export function clearSessionCookie(c: Context) {
  deleteCookie(c, sessionCookie, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(c) });
}
export function setLoginCookie(c: Context, token: string) {
  setCookie(c, loginCookie, token, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    secure: secure(c),
    maxAge: 3600,
  });
}

/** A form's text fields (a file field is dropped: no console form takes one). */
export async function formOf(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Refuses a POST whose form does not carry the expected CSRF token (403, audited like any refusal). */
export function checkCsrf(form: Record<string, string>, expected: string | undefined) {
  if (!expected || !tokensMatch(form._csrf, expected))
    throw new AuthError('forbidden', 'missing or wrong CSRF token: reload the page and try again', {
      reason: 'csrf_token',
    });
}

/** the page a console form is posted from: a loan's page for its outcome form, a version's card for its promote form, the users page for a disable */
export const formPage = (path: string) =>
  path
    .replace(/\/(actions(\/[^/]+\/(correct|withdraw))?|promote)$/u, '')
    .replace(/^\/console\/users\/[^/]+\/disable$/u, '/console/users')
    .replace(/^\/console\/logout$/u, '/console');

/**
 * The console's pages need a session: without one a page asks for sign-in (a POST is refused, 401);
 * with one, the session's key is the request's key — so requirePermission, scopedFilters and the
 * audit log treat a console request exactly as an API request with that key. Every POST must carry
 * the session's CSRF token.
 */
export const requireSession =
  (store: SessionStore): MiddlewareHandler<ConsoleEnv> =>
  async (c, next) => {
    const s = await store.get(c.get('deps').wh, getCookie(c, sessionCookie));
    if (!s) {
      const u = new URL(c.req.url);
      // a cookie that names no live session: it ended (8 h idle, a sign-out elsewhere), and the
      // sign-in page says so; without a cookie the person was never signed in here
      const stale = getCookie(c, sessionCookie) !== undefined;
      if (stale) clearSessionCookie(c);
      if (c.req.method === 'GET')
        return c.redirect(loginHref(`${u.pathname}${u.search}`, stale ? 'ended' : undefined), 303);
      // a form sent after the session ended: back to sign-in, then to the page the form is on — not
      // a bare 401 without a way on — both saying that what was sent was not saved (a collector took
      // the silent redirect for a recorded promise). Still a refusal, audited as one; nothing of the
      // form is kept (its note could hold personal data: not in a URL). A sign-out is not a lost form.
      await auditDenial(c, 401, { reason: 'no_session' });
      const signOut = u.pathname === '/console/logout';
      return c.redirect(
        loginHref(signOut ? undefined : `${formPage(u.pathname)}${u.search}`, signOut ? 'signed_out' : 'unsaved'),
        303,
      );
    }
    c.set('key', s.key);
    c.set('session', s);
    if (c.req.method === 'POST') {
      const form = await formOf(c);
      checkCsrf(form, s.csrf);
      c.set('form', form);
    }
    await next();
  };

/**
 * /v1 authentication with one addition: a GET of a report (`/v1/reports/…`) without a key header
 * may use the console's session, so the dashboard's pack links open in the browser. Reads only:
 * the SameSite=Strict cookie is not sent from other sites, and no state changes on a GET.
 */
export const sessionOrKey =
  (store: SessionStore): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const keyHeader = c.req.header('authorization') ?? c.req.header('x-api-key');
    if (keyHeader === undefined && c.req.method === 'GET' && c.req.path.startsWith('/v1/reports/')) {
      const s = await store.get(c.get('deps').wh, getCookie(c, sessionCookie));
      if (s) {
        c.set('key', s.key);
        await next();
        return;
      }
    }
    await authenticate(c, next);
  };
