import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { knownFilterValues } from '../../warehouse/metrics/known-values.ts';
import type { Stage } from '../../pipelines/cases/strategy.ts';
import { verifyApiKey, type ApiKey } from '../auth/keys.ts';
import { allows } from '../auth/permissions.ts';
import { newToken, type SessionStore } from '../auth/sessions.ts';
import { audit, auditDenial } from '../audit.ts';
import { ApiError, AuthError } from '../errors.ts';
import { requirePermission } from '../middleware.ts';
import { actionInput, recordCollectionAction, utcToday } from '../routes/collection-actions.ts';
import { cachedDashboardData, dashboardBody, dashboardQuery } from './dashboard.ts';
import { langOf, t, type Lang } from './i18n.ts';
import { loanBody, type OutcomeForm } from './loan-page.ts';
import { page, type Html } from './layout.ts';
import { arrange, queueBody, queueQuery } from './queue.ts';
import {
  checkCsrf,
  clearSessionCookie,
  formOf,
  loginCookie,
  requireSession,
  sessionOf,
  setLoginCookie,
  setSessionCookie,
  type ConsoleEnv,
} from './session-auth.ts';
import { loanView, queueOf, workDate } from './workbench-data.ts';

/** The client files: the console's own two and the Vega builds from node_modules (no CDN). */
const here = dirname(fileURLToPath(import.meta.url));
const moduleFile = (spec: string) => createRequire(import.meta.url).resolve(spec);
const vegaDir = (pkg: string) => dirname(dirname(moduleFile(pkg)));
const assetFiles: Record<string, { path: string; type: string }> = {
  'console.js': { path: join(here, 'assets', 'console.js'), type: 'text/javascript' },
  'console.css': { path: join(here, 'assets', 'console.css'), type: 'text/css' },
  'vega.min.js': { path: join(vegaDir('vega'), 'build', 'vega.min.js'), type: 'text/javascript' },
  'vega-lite.min.js': { path: join(vegaDir('vega-lite'), 'build', 'vega-lite.min.js'), type: 'text/javascript' },
  'vega-embed.min.js': { path: join(vegaDir('vega-embed'), 'build', 'vega-embed.min.js'), type: 'text/javascript' },
};
const assets = new Map<string, { body: string; type: string }>();
const assetOf = (name: string) => {
  const f = assetFiles[name];
  if (!f) return undefined;
  let a = assets.get(name);
  if (!a) assets.set(name, (a = { body: readFileSync(f.path, 'utf8'), type: f.type }));
  return a;
};

/**
 * Every console response: no framing, no inline or remote script, no eval (Vega's expression
 * interpreter), styles inline only for the tooltip and the embedder; nothing is sent elsewhere.
 */
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  if (!c.req.path.startsWith('/console/assets/')) c.header('Cache-Control', 'no-store');
};

const loanIdPattern = /^[\w.-]{1,64}$/u;

/** The page a role lands on after signing in. */
const homeOf = (key: ApiKey) =>
  allows(key.role, 'dashboard:read')
    ? '/console/dashboard'
    : allows(key.role, 'cases:read')
      ? '/console/queue'
      : '/console/home';

/** a `next` that stays inside the console (never another site: `//host` or a scheme) */
const safeNext = (next: string | undefined) =>
  next && /^\/console(\/[\w\-./?=&%]*)?$/u.test(next) && !next.startsWith('//') ? next : undefined;

function render(
  c: Context<ConsoleEnv>,
  lang: Lang,
  title: string,
  body: Html,
  o: { active?: 'dashboard' | 'queue'; charts?: boolean } = {},
) {
  const s = c.get('session');
  return page({ lang, url: c.req.url, title, key: s?.key, csrf: s?.csrf, body, ...o });
}

function loginBody(lang: Lang, token: string, next: string | undefined, error?: string): Html {
  return html`<section class="login" aria-labelledby="signin">
    <h1 id="signin">${t(lang, 'sign_in')}</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/console/login">
      <input type="hidden" name="_csrf" value="${token}" />
      <input type="hidden" name="next" value="${next ?? ''}" />
      <label for="key">${t(lang, 'api_key')}</label>
      <p><input id="key" name="key" type="password" autocomplete="off" required autofocus /></p>
      <p class="note">${t(lang, 'key_hint')}</p>
      <button type="submit">${t(lang, 'sign_in')}</button>
    </form>
  </section>`;
}

/**
 * The web console (issue 20): server-rendered pages on the API's own app, with the API's keys,
 * roles, scopes, audit log, metrics catalogue and case list (docs/console.md). Sessions are minted
 * from an API key at sign-in (api/auth/sessions.ts).
 */
export function consoleRoutes(store: SessionStore) {
  const app = new Hono<ConsoleEnv>();
  const session = requireSession(store);
  app.use('*', securityHeaders);

  app.get('/assets/:file', (c) => {
    const a = assetOf(c.req.param('file'));
    if (!a) throw new ApiError('not_found', 'no such asset');
    return c.body(a.body, 200, { 'Content-Type': `${a.type}; charset=utf-8`, 'Cache-Control': 'public, max-age=3600' });
  });

  app.get('/login', (c) => {
    const lang = langOf(c);
    const token = newToken();
    setLoginCookie(c, token);
    return c.html(render(c, lang, t(lang, 'sign_in'), loginBody(lang, token, safeNext(c.req.query('next')))));
  });

  app.post('/login', async (c) => {
    const lang = langOf(c);
    const form = await formOf(c);
    checkCsrf(form, getCookie(c, loginCookie));
    const { wh } = c.get('deps');
    const { addresses } = c.get('caches');
    const address = c.get('clientAddress');
    const wait = addresses.blockedFor(address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new ApiError('rate_limited', `too many failed sign-ins from your address: retry in ${wait} s`);
    }
    const next = safeNext(form.next);
    const again = async (status: 401 | 403, facts: Parameters<typeof auditDenial>[2], message: string) => {
      addresses.charge(address);
      await auditDenial(c, status, facts);
      const token = newToken();
      setLoginCookie(c, token);
      return c.html(render(c, lang, t(lang, 'sign_in'), loginBody(lang, token, next, message)), status);
    };
    const v = await verifyApiKey(wh, (form.key ?? '').trim());
    if (!v.ok)
      return again(
        401,
        v.reason === 'malformed'
          ? { reason: 'console_malformed_key' }
          : {
              reason: `console_${v.reason === 'unknown' ? 'unknown_key' : v.reason === 'revoked' ? 'revoked_key' : 'wrong_secret'}`,
              claimed_key_id: v.key_id,
            },
        t(lang, 'bad_key'),
      );
    if (v.key.role === 'collector' && !v.key.region)
      return again(
        403,
        { reason: 'unscoped_collector_key', key_id: v.key.key_id, role: v.key.role },
        t(lang, 'forbidden'),
      );
    const s = store.create(v.key);
    setSessionCookie(c, s.id);
    deleteCookie(c, loginCookie, { path: '/console' });
    c.set('key', v.key);
    await audit(c, 'console.sign_in', v.key.key_id);
    return c.redirect(next ?? homeOf(v.key), 303);
  });

  app.post('/logout', session, async (c) => {
    store.drop(sessionOf(c).id);
    clearSessionCookie(c);
    await audit(c, 'console.sign_out', c.get('key').key_id);
    return c.redirect('/console/login', 303);
  });

  app.get('/', session, (c) => c.redirect(homeOf(c.get('key')), 303));

  app.get('/home', session, (c) => {
    const lang = langOf(c);
    return c.html(
      render(
        c,
        lang,
        t(lang, 'home'),
        html`<h1>${t(lang, 'home')}</h1>
          <p>${t(lang, 'no_pages')} <a href="/docs">/docs</a></p>`,
      ),
    );
  });

  app.get('/dashboard', session, async (c) => {
    requirePermission(c, 'dashboard:read');
    const lang = langOf(c);
    const q = dashboardQuery.safeParse(c.req.query());
    if (!q.success)
      throw new ApiError('bad_request', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const d = await cachedDashboardData(c.get('deps').wh, q.data, lang);
    return c.html(render(c, lang, t(lang, 'dashboard'), dashboardBody(d, lang), { active: 'dashboard', charts: true }));
  });

  app.get('/queue', session, async (c) => {
    requirePermission(c, 'cases:read');
    const lang = langOf(c);
    const parsed = queueQuery.safeParse(c.req.query());
    if (!parsed.success)
      throw new ApiError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const q = parsed.data;
    const { wh } = c.get('deps');
    const asOf = q.as_of ?? (await workDate(wh, utcToday()));
    const cases = await queueOf(c, asOf, {
      product: q.product ? [q.product] : undefined,
      stage: q.stage ? [q.stage as Stage] : undefined,
    });
    const key = c.get('key');
    // a case-list pull, audited as the API's are
    await audit(c, 'cases.pull', asOf, {
      source: 'console',
      region: key.role === 'collector' ? [key.region] : null,
      team: key.role === 'collector' && key.team ? [key.team] : null,
      product: q.product ?? null,
      stage: q.stage ?? null,
      returned: Math.min(cases.length, 500),
      total: cases.length,
    });
    const shown = arrange(cases, q).slice(0, 500);
    const scope = key.role === 'collector' ? `${key.region}${key.team ? ` / ${key.team}` : ''}` : t(lang, 'all');
    const products = (await knownFilterValues(wh)).product.filter(Boolean);
    return c.html(
      render(
        c,
        lang,
        t(lang, 'queue'),
        queueBody({ cases: shown, total: cases.length, asOf, q, products, scope }, lang),
        {
          active: 'queue',
        },
      ),
    );
  });

  const loanPage = async (c: Context<ConsoleEnv>, form: Partial<OutcomeForm>, status: 200 | 400 | 409) => {
    const lang = langOf(c);
    const id = c.req.param('id') ?? '';
    if (!loanIdPattern.test(id)) throw new ApiError('bad_request', 'a loan id is letters, digits, _ . and -');
    const { wh } = c.get('deps');
    const asked = c.req.query('as_of');
    const asOf = asked && /^\d{4}-\d{2}-\d{2}$/u.test(asked) ? asked : await workDate(wh, utcToday());
    const v = await loanView(c, id, asOf);
    if (!v) throw new ApiError('not_found', t(lang, 'not_found'));
    const recorded = c.req.query('recorded');
    const full: OutcomeForm = {
      action_id: randomUUID(),
      action_date: asOf,
      channel: 'phone',
      outcome: 'contacted',
      promised_amount: '',
      promised_date: '',
      note: '',
      ...(recorded && status === 200 ? { recorded: recorded.slice(0, 64) } : {}),
      ...form,
    };
    const canRecord = allows(c.get('key').role, 'actions:record');
    return c.html(
      render(
        c,
        lang,
        `${t(lang, 'loan')} ${id}`,
        loanBody(v, { asOf, lang, csrf: sessionOf(c).csrf, form: full, canRecord }),
        {
          active: 'queue',
          charts: true,
        },
      ),
      status,
    );
  };

  app.get('/loans/:id', session, async (c) => {
    requirePermission(c, 'cases:read');
    return loanPage(c, {}, 200);
  });

  app.post('/loans/:id/actions', session, async (c) => {
    requirePermission(c, 'actions:record');
    const f = c.get('form') ?? {};
    const id = c.req.param('id');
    const { wh } = c.get('deps');
    const asked = c.req.query('as_of');
    const asOf = asked && /^\d{4}-\d{2}-\d{2}$/u.test(asked) ? asked : await workDate(wh, utcToday());
    const typed: Partial<OutcomeForm> = {
      action_id: f.action_id ?? '',
      action_date: f.action_date ?? '',
      channel: f.channel ?? '',
      outcome: f.outcome ?? '',
      promised_amount: f.promised_amount ?? '',
      promised_date: f.promised_date ?? '',
      note: f.note ?? '',
    };
    const input = actionInput.safeParse({
      action_id: typed.action_id,
      loan_id: id,
      action_date: typed.action_date,
      channel: typed.channel,
      outcome: typed.outcome,
      // a blank field is an absent value, as in a file
      ...(typed.promised_amount?.trim() ? { promised_amount: typed.promised_amount.trim() } : {}),
      ...(typed.promised_date ? { promised_date: typed.promised_date } : {}),
      ...(typed.note ? { note: typed.note } : {}),
    });
    if (!input.success)
      return loanPage(c, { ...typed, error: input.error.issues.map((i) => i.message).join('; ') }, 400);
    try {
      await recordCollectionAction(c, input.data, { source: 'console', today: asOf });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 409))
        return loanPage(c, { ...typed, error: e.message }, e.status);
      throw e;
    }
    return c.redirect(
      `/console/loans/${encodeURIComponent(id)}?as_of=${asOf}&recorded=${encodeURIComponent(input.data.action_id)}`,
      303,
    );
  });

  app.notFound((c) => {
    const lang = langOf(c);
    return c.html(
      render(
        c,
        lang,
        t(lang, 'not_found'),
        html`<h1>404</h1>
          <p>${t(lang, 'not_found')}</p>`,
      ),
      404,
    );
  });

  /**
   * Errors as pages: a refusal (401/403) is audited as on the API; a page asked for without a
   * session goes to sign-in; a fault is logged with the request id and shown as a bare 500.
   */
  app.onError(async (err, c) => {
    const lang = langOf(c);
    const requestId = c.get('requestId');
    if (err instanceof ApiError) {
      if (err.status === 401 || err.status === 403)
        await auditDenial(
          c,
          err.status,
          err instanceof AuthError ? err.facts : { reason: err.message.slice(0, 200) },
        ).catch((e: unknown) => {
          c.get('deps').log({
            at: new Date().toISOString(),
            request_id: requestId,
            level: 'error',
            error: `audit failed: ${String(e)}`,
          });
        });
      const title =
        err.status === 403 ? t(lang, 'forbidden') : err.status === 404 ? t(lang, 'not_found') : t(lang, 'error');
      return c.html(
        render(
          c,
          lang,
          title,
          html`<h1>${err.status} · ${title}</h1>
            <p role="alert">${err.message}</p>
            <p><a href="/console">${t(lang, 'back')}</a></p>`,
        ),
        err.status as 400,
      );
    }
    c.get('deps').log({
      at: new Date().toISOString(),
      request_id: requestId,
      level: 'error',
      error: String(err),
      cause: err.cause instanceof Error ? err.cause.message : '',
    });
    return c.html(
      render(
        c,
        lang,
        t(lang, 'error'),
        html`<h1>500 · ${t(lang, 'error')}</h1>
          <p>request ${requestId}</p>`,
      ),
      500,
    );
  });
  return app;
}
