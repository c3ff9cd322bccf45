import { backHref } from './back-link.ts';
import { loanIdPattern } from '../schemas.ts';
import { randomUUID } from 'node:crypto';
import { regionTeamText } from './key-scope.ts';
import { consoleCjkWoff } from './cjk-font.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { deleteCookie, getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { knownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { verifyApiKey, type ApiKey } from '../auth/keys.ts';
import { allows } from '../auth/permissions.ts';
import { newToken, type Principal, type SessionStore } from '../auth/sessions.ts';
import { userKeyId, verifyUser } from '../auth/users.ts';
import { audit, auditDenial } from '../audit.ts';
import { ApiError, AuthError } from '../errors.ts';
import { requirePermission } from '../middleware.ts';
import { actionInput, recordCollectionAction, utcToday } from '../routes/collection-actions.ts';
import { isEngineDate, localDateOf } from '../../lib/dates.ts';
import { cachedDashboardData, dashboardBody, dashboardQuery, warmDashboard } from './dashboard.ts';
import { langOf, t, type Lang } from './i18n.ts';
import { badQueryLead, describeError, problemLine, queryRefused, zodProblems } from './error-text.ts';
import { technicalDetail } from './technical-detail.ts';
import { normaliseAmount } from './form-amount.ts';
import { loanBody, postedOutcome, type ChangeForm, type OutcomeForm } from './loan-page.ts';
import { actionChangePages, askedChange, withdrawnFrom } from './action-change-routes.ts';
import { savedBannerId } from './action-change-form.ts';
import { mayChangeAction } from '../routes/action-corrections.ts';
import type { StoredAction } from '../routes/collection-actions.ts';
import { auditActions, auditCsvChunks, auditEntries, auditQuery } from './audit-data.ts';
import { auditBody, auditPageSize } from './audit-page.ts';
import { archiveBody, archiveQuery } from './archive-page.ts';
import { listArchive } from '../../reports/archive/store.ts';
import { modelsOverview, promoteFromConsole, versionView } from './models-data.ts';
import { modelsBody, versionBody, type PromoteForm } from './models-page.ts';
import { page, type ActivePage, type Html } from './layout.ts';
import { warmDayCases } from './day-cases.ts';
import { accountPages } from './account-routes.ts';
import { loginBody, safeNext } from './login-page.ts';
import { notFoundLine, scopedKey } from './page-refusals.ts';
import { afterSignIn, loginHref, signInReasonOf } from './session-notice.ts';
import {
  arrange,
  outsideDataLine,
  queueBody,
  queuePage,
  queuePageSize,
  queueQuery,
  unknownQueueFilters,
  type QueueQuery,
} from './queue.ts';
import {
  BeforeTheDataError,
  dataFirstDate,
  dataLastDate,
  firstSnapshotMonthEnd,
  PastTheDataError,
} from '../../warehouse/data-horizon.ts';
import { CaseRequestError, casesCsvChunks } from '../../pipelines/cases/case-list.ts';
import { auditQueuePull, queueFilters } from './queue-pull.ts';
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
 * interpreter), no inline style (the embedder's and the tooltip's rules are in console.css; Vega
 * positions them through the style properties, which the policy allows); nothing is sent elsewhere.
 */
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  if (!c.req.path.startsWith('/console/assets/')) c.header('Cache-Control', 'no-store');
};

const modelParams = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u),
  version: z.coerce.number().int().min(1).max(1e9),
});
/** rows of one audit CSV export: a year of a busy API is well under it; more is a warehouse query, not a download */
const auditExportCap = 200_000;

/**
 * The time a contact is recorded at, HH:MM in the server's time zone: the contact rules judge a
 * contact's local time, and the server runs where the bank's day is (TZ); the collector can change it.
 */
const localTime = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/** The page a role lands on after signing in. */
const homeOf = (key: ApiKey) =>
  allows(key.role, 'dashboard:read')
    ? '/console/dashboard'
    : allows(key.role, 'cases:read')
      ? '/console/queue'
      : allows(key.role, 'models:workbench')
        ? '/console/models'
        : allows(key.role, 'audit:read')
          ? '/console/audit'
          : '/console/home';

/** The queue's product and region checked against the book's, page and CSV alike (a collector's region is pinned whatever the query says). */
function refuseUnknownQueueFilters(
  c: Context<ConsoleEnv>,
  q: QueueQuery,
  known: { product: readonly string[]; region: readonly string[] },
): void {
  const unknown = unknownQueueFilters(c.get('key').role === 'collector' ? { ...q, region: undefined } : q, known);
  if (unknown.length > 0) throw queryRefused(unknown);
}

function render(
  c: Context<ConsoleEnv>,
  lang: Lang,
  title: string,
  body: Html,
  o: { active?: ActivePage; charts?: boolean } = {},
) {
  const s = c.get('session');
  return page({ lang, url: c.req.url, title, key: s?.key, principal: s?.principal, csrf: s?.csrf, body, ...o });
}
export type Render = typeof render;
/** the loan page (its form state, status, and a refused correction or withdrawal) */
export type LoanPage = (
  c: Context<ConsoleEnv>,
  form: Partial<OutcomeForm>,
  status: 200 | 400 | 403 | 404 | 409,
  refusedChange?: ChangeForm,
) => Promise<Response>;

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
    if (c.req.param('file') === 'cjk.woff')
      return c.body(new Uint8Array(consoleCjkWoff()), 200, {
        'Content-Type': 'font/woff',
        'Cache-Control': 'public, max-age=86400',
      });
    const a = assetOf(c.req.param('file'));
    if (!a) throw new ApiError('not_found', 'no such asset');
    return c.body(a.body, 200, { 'Content-Type': `${a.type}; charset=utf-8`, 'Cache-Control': 'public, max-age=3600' });
  });

  app.get('/login', (c) => {
    const lang = langOf(c);
    // the likeliest next pages, computed while the person signs in, one after the other (the engine
    // runs one statement at a time): the dashboard's landing view, then the day's case list the
    // collectors' queues are cut from
    const { wh } = c.get('deps');
    void warmDashboard(wh, lang).then(() => warmDayCases(c, () => workDate(wh, utcToday())));
    const token = newToken();
    setLoginCookie(c, token);
    const page = { token, next: safeNext(c.req.query('next')), reason: signInReasonOf(c.req.query('reason')) };
    return c.html(render(c, lang, t(lang, 'sign_in'), loginBody(lang, page)));
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
    const reason = signInReasonOf(form.reason);
    const again = async (status: 401 | 403, facts: Parameters<typeof auditDenial>[2], message: string, name = '') => {
      addresses.charge(address);
      await auditDenial(c, status, facts);
      const token = newToken();
      setLoginCookie(c, token);
      return c.html(
        render(c, lang, t(lang, 'sign_in'), loginBody(lang, { token, next, reason, error: message, name })),
        status,
      );
    };
    // a key, or a user name and password: both become a key record (one permission table decides)
    let key: ApiKey;
    let principal: Principal;
    if (form.key !== undefined) {
      const v = await verifyApiKey(wh, form.key.trim());
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
      key = v.key;
      principal = 'key';
    } else {
      const name = (form.name ?? '').trim().toLowerCase();
      const u = await verifyUser(wh, name, form.password ?? '');
      if (!u.ok)
        return again(
          401,
          { reason: `console_${u.reason}`, claimed_key_id: userKeyId(u.name) },
          t(lang, 'bad_password'),
          u.name,
        );
      key = u.key;
      principal = 'user';
    }
    if (key.role === 'collector' && !key.region)
      return again(403, { reason: 'unscoped_collector_key', key_id: key.key_id, role: key.role }, t(lang, 'forbidden'));
    const s = await store.create(wh, key, principal);
    setSessionCookie(c, s.id);
    deleteCookie(c, loginCookie, { path: '/console' });
    c.set('key', key);
    await audit(c, 'console.sign_in', key.key_id, { principal });
    // the rows of ended and expired sessions go, at most once an hour, beside the sign-in (not in its
    // time: the DELETE took 0.1 s of it on the demo book); a failure is logged, the sign-in stands
    void store.pruneIfDue(wh).catch((e: unknown) => {
      c.get('deps').log({
        at: new Date().toISOString(),
        request_id: c.get('requestId'),
        level: 'error',
        error: `pruning console_sessions failed: ${String(e)}`,
      });
    });
    return c.redirect(afterSignIn(next ?? homeOf(key), reason), 303);
  });

  app.post('/logout', session, async (c) => {
    await store.drop(c.get('deps').wh, sessionOf(c).id);
    clearSessionCookie(c);
    await audit(c, 'console.sign_out', c.get('key').key_id);
    return c.redirect(loginHref(undefined, 'signed_out'), 303);
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
    if (!q.success) throw queryRefused(q.error.issues);
    const d = await cachedDashboardData(c.get('deps').wh, q.data, lang);
    return c.html(render(c, lang, t(lang, 'dashboard'), dashboardBody(d, lang), { active: 'dashboard', charts: true }));
  });

  app.get('/queue', session, async (c) => {
    requirePermission(c, 'cases:read');
    const lang = langOf(c);
    const parsed = queueQuery.safeParse(c.req.query());
    if (!parsed.success) throw queryRefused(parsed.error.issues);
    const q = parsed.data;
    const { wh } = c.get('deps');
    const key = c.get('key');
    const asOf = q.as_of ?? (await workDate(wh, utcToday()));
    // the queue's first day is the snapshot's first month-end: a case list starts from a month-end before its date
    const [firstMonthEnd, firstDay, last, known] = await Promise.all([
      firstSnapshotMonthEnd(wh),
      dataFirstDate(wh),
      dataLastDate(wh),
      knownFilterValues(wh),
    ]);
    const days = { first: firstMonthEnd ?? firstDay, last };
    const products = known.product.filter(Boolean);
    refuseUnknownQueueFilters(c, q, known);
    const scope = key.role === 'collector' ? regionTeamText(key, lang) : t(lang, 'all');
    const choices =
      key.role === 'collector'
        ? undefined
        : {
            regions: known.region.filter(Boolean),
            // the known values are cached a while: a team chosen since it first recorded stays shown as chosen
            teams: [...new Set([...known.team, ...(q.team ? [q.team] : [])])].filter(Boolean).sort(),
          };
    let cases;
    try {
      cases = await queueOf(c, asOf, queueFilters(c, q));
    } catch (e) {
      // a date the case list refuses (before the data, after the month it ends in) is said on the queue
      // page itself, in its words, the filters kept: the error page said only "not a valid request",
      // the reason folded in English, and its Back lost the filters
      const cause = e instanceof ApiError ? e.cause : undefined;
      if (!(
        cause instanceof PastTheDataError ||
        cause instanceof BeforeTheDataError ||
        cause instanceof CaseRequestError
      ))
        throw e;
      const outside = { line: outsideDataLine(asOf, days, lang), technical: cause.message };
      return c.html(
        render(
          c,
          lang,
          t(lang, 'queue'),
          queueBody({ cases: [], total: 0, asOf, q, products, scope, days, choices, outside }, lang),
          { active: 'queue' },
        ),
        400,
      );
    }
    await auditQueuePull(c, asOf, q, Math.min(cases.length, queuePageSize), cases.length);
    // the count is of the cases the filters leave, the loan id text too (it said the whole queue's)
    const matching = arrange(cases, q);
    const { rows: shown, ...paging } = queuePage(matching, q.page);
    return c.html(
      render(
        c,
        lang,
        t(lang, 'queue'),
        queueBody({ cases: shown, total: matching.length, paging, asOf, q, products, scope, days, choices }, lang),
        {
          active: 'queue',
        },
      ),
    );
  });

  // the queue as the page arranges it (filters, loan id text, sort), every case not one page, for a
  // spreadsheet: with a byte-order mark, which Excel needs to read the Chinese text of a double-clicked
  // file (the API's and the CLI's CSV have none: scripts and pipes read them); audited as a pull
  app.get('/queue.csv', session, async (c) => {
    requirePermission(c, 'cases:read');
    const parsed = queueQuery.safeParse(c.req.query());
    if (!parsed.success) throw queryRefused(parsed.error.issues);
    const q = parsed.data;
    refuseUnknownQueueFilters(c, q, await knownFilterValues(c.get('deps').wh));
    const asOf = q.as_of ?? (await workDate(c.get('deps').wh, utcToday()));
    const cases = await queueOf(c, asOf, queueFilters(c, q));
    const matching = arrange(cases, q);
    await auditQueuePull(c, asOf, q, matching.length, cases.length);
    return c.body(`\uFEFF${[...casesCsvChunks(matching)].join('')}`, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="cases-${asOf}.csv"`,
    });
  });

  const loanPage = async (
    c: Context<ConsoleEnv>,
    form: Partial<OutcomeForm>,
    status: 200 | 400 | 403 | 404 | 409,
    refusedChange?: ChangeForm,
  ) => {
    const lang = langOf(c);
    const id = c.req.param('id') ?? '';
    if (!loanIdPattern.test(id))
      throw new ApiError('bad_request', 'a loan id is at most 128 characters, no control or format characters');
    const { wh } = c.get('deps');
    const asked = c.req.query('as_of');
    const asOf = asked && isEngineDate(asked) ? asked : await workDate(wh, utcToday());
    const v = await loanView(c, id, asOf);
    if (!v) throw new ApiError('not_found', t(lang, 'not_found'));
    // a borrower's page (phone, payments, contacts) looked at is what a bank's auditor asks about;
    // a form sent (POST) that shows the page again is audited as its own action
    if (c.req.method === 'GET') await audit(c, 'loans.view', id, { source: 'console', as_of: asOf });
    const recorded = c.req.query('recorded');
    const now = new Date();
    const full: OutcomeForm = {
      action_id: randomUUID(),
      // the day it is recorded, not the queue's: that is the data's last day (yesterday's files) or a
      // past date looked at, and a call logged today under it moved the promise window, the contact
      // rules and the KPIs a day or more back
      action_date: localDateOf(now),
      action_time: localTime(now),
      channel: 'phone',
      outcome: 'contacted',
      promised_amount: '',
      promised_date: '',
      note: '',
      // a banner only for an action of this loan that is stored, saying what was saved: the id alone
      // echoed any text of a crafted link as a green "Recorded" confirmation
      ...(recorded && status === 200 ? { recorded: v.actions.find((a) => a.action_id === recorded) } : {}),
      ...form,
    };
    const canRecord = allows(c.get('key').role, 'actions:record');
    const mayChange = (a: StoredAction) => canRecord && mayChangeAction(c.get('key'), a);
    const change = refusedChange ?? askedChange(c, v.actions, mayChange);
    const corrected = status === 200 ? c.req.query('corrected') : undefined;
    const changed = {
      ...(corrected ? { corrected: v.actions.find((a) => a.action_id === corrected) } : {}),
      // as for ?recorded=: only an action of this loan that was withdrawn, not any text of a crafted link
      ...(status === 200 ? { withdrawn: (await withdrawnFrom(wh, c.req.query('withdrawn'), id)) ?? undefined } : {}),
    };
    return c.html(
      render(
        c,
        lang,
        `${t(lang, 'loan')} ${id}`,
        loanBody(v, {
          asOf,
          lang,
          csrf: sessionOf(c).csrf,
          form: full,
          canRecord,
          today: localDateOf(now),
          mayChange,
          changed,
          ...(change ? { change } : {}),
        }),
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
    const asOf = asked && isEngineDate(asked) ? asked : await workDate(wh, utcToday());
    const typed: Partial<OutcomeForm> = postedOutcome(f, f.action_id ?? '');
    // the amount as the page shows amounts (1,500.00) is the contract's 1500.00; an ambiguous one refused here
    const lang = langOf(c);
    const amount = typed.promised_amount?.trim() ? normaliseAmount(typed.promised_amount) : undefined;
    if (amount && 'problem' in amount) {
      const p = { field: 'promised_amount', message: amount.problem };
      return loanPage(c, { ...typed, error: problemLine(p, lang), technical: `${p.field}: ${p.message}` }, 400);
    }
    const input = actionInput.safeParse({
      action_id: typed.action_id,
      loan_id: id,
      action_date: typed.action_date,
      channel: typed.channel,
      outcome: typed.outcome,
      // a blank field is an absent value, as in a file
      ...(amount ? { promised_amount: amount.value } : {}),
      ...(typed.promised_date ? { promised_date: typed.promised_date } : {}),
      ...(typed.action_time?.trim() ? { action_time: typed.action_time.trim() } : {}),
      ...(typed.note ? { note: typed.note } : {}),
    });
    // the refusal in the page's words, the API's own (English) text folded beneath it
    if (!input.success) {
      const fields = zodProblems(input.error.issues);
      return loanPage(
        c,
        {
          ...typed,
          error: fields.map((p) => problemLine(p, lang)).join('; '),
          technical: fields.map((p) => `${p.field}: ${p.message}`).join('; '),
        },
        400,
      );
    }
    try {
      await recordCollectionAction(c, input.data, { source: 'console', today: localDateOf(new Date()) });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 409)) {
        const d = describeError(e, lang);
        return loanPage(c, { ...typed, error: d.lines.join('; '), technical: d.technical }, e.status);
      }
      throw e;
    }
    return c.redirect(
      // its own fragment: without one the browser keeps the form's (#record-section), past the banner
      `/console/loans/${encodeURIComponent(id)}?as_of=${asOf}&recorded=${encodeURIComponent(input.data.action_id)}#${savedBannerId}`,
      303,
    );
  });

  actionChangePages(app, { session, loanPage });

  app.get('/models', session, async (c) => {
    requirePermission(c, 'models:workbench');
    const lang = langOf(c);
    const o = await modelsOverview(c.get('deps').wh);
    const promoted = c.req.query('promoted')?.slice(0, 80);
    return c.html(
      render(c, lang, t(lang, 'models'), modelsBody(o, lang, promoted), { active: 'models', charts: true }),
    );
  });

  const versionPage = async (c: Context<ConsoleEnv>, form: PromoteForm, status: 200 | 400 | 404 | 409) => {
    requirePermission(c, 'models:workbench');
    const lang = langOf(c);
    const p = modelParams.safeParse(c.req.param());
    if (!p.success) throw new ApiError('not_found', t(lang, 'not_found'));
    const v = await versionView(c.get('deps').wh, p.data.name, p.data.version);
    if (!v) throw new ApiError('not_found', t(lang, 'not_found'));
    const body = versionBody(v, {
      lang,
      csrf: sessionOf(c).csrf,
      canPromote: allows(c.get('key').role, 'models:promote'),
      form,
    });
    return c.html(
      render(c, lang, `${v.model.model_name} v${v.model.version}`, body, { active: 'models', charts: true }),
      status,
    );
  };

  app.get('/models/:name/:version', session, (c) => versionPage(c, { reason: '' }, 200));

  app.post('/models/:name/:version/promote', session, async (c) => {
    requirePermission(c, 'models:promote');
    requirePermission(c, 'models:workbench');
    const lang = langOf(c);
    const p = modelParams.safeParse(c.req.param());
    if (!p.success) throw new ApiError('not_found', t(lang, 'not_found'));
    const reason = (c.get('form')?.reason ?? '').trim();
    if (reason.length < 3 || reason.length > 1000)
      return versionPage(c, { reason, error: t(lang, 'reason_needed') }, 400);
    const r = await promoteFromConsole(c, p.data.name, p.data.version, reason);
    if (!r.ok) return versionPage(c, { reason, error: r.message }, r.code === 'not_found' ? 404 : 409);
    return c.redirect(`/console/models?promoted=${encodeURIComponent(`${p.data.name}@${p.data.version}`)}`, 303);
  });

  // the archived packs as a page (the dashboard's link opened the API's JSON)
  app.get('/archive', session, async (c) => {
    requirePermission(c, 'reports:archive');
    const lang = langOf(c);
    const q = archiveQuery.safeParse(c.req.query());
    if (!q.success) throw queryRefused(q.error.issues);
    const entries = await listArchive(c.get('deps').wh, { period: q.data.period });
    return c.html(
      render(c, lang, t(lang, 'archive'), archiveBody({ entries, period: q.data.period }, lang), {
        active: 'dashboard',
      }),
    );
  });

  const auditFilters = (c: Context<ConsoleEnv>) => {
    const q = auditQuery.safeParse(c.req.query());
    if (!q.success) throw queryRefused(q.error.issues);
    return q.data;
  };

  app.get('/audit', session, async (c) => {
    requirePermission(c, 'audit:read');
    const lang = langOf(c);
    const q = auditFilters(c);
    const { wh } = c.get('deps');
    const [rows, actions] = await Promise.all([auditEntries(wh, q, auditPageSize + 1), auditActions(wh)]);
    const entries = rows.slice(0, auditPageSize);
    const last = entries.at(-1);
    const next = rows.length > auditPageSize && last ? `${last.at}|${last.request_id}` : undefined;
    return c.html(
      render(c, lang, t(lang, 'audit'), auditBody({ entries, next, q, actions }, lang), { active: 'audit' }),
    );
  });

  // the filtered log as CSV (every matching entry up to the cap, not one page); the export itself is audited
  app.get('/audit.csv', session, async (c) => {
    requirePermission(c, 'audit:read');
    const q = auditFilters(c);
    const entries = await auditEntries(c.get('deps').wh, { ...q, after: undefined }, auditExportCap);
    // the filters nested: a top-level `outcome` is what marks an entry refused
    await audit(c, 'audit.export', 'audit_log', {
      source: 'console',
      filters: { actor: q.actor, action: q.action, from: q.from, to: q.to, outcome: q.outcome },
      rows: entries.length,
    });
    return c.body([...auditCsvChunks(entries)].join(''), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });

  accountPages(app, { store, session, render });

  // a mounted sub-app's notFound is not asked (the parent's answers, in JSON): a page no route
  // serves is this console page instead, in the reader's language (no "or outside your region":
  // an address no page serves is missing for every key)
  const notFoundPage = (c: Context<ConsoleEnv>) => {
    const lang = langOf(c);
    return c.html(
      render(
        c,
        lang,
        notFoundLine(lang, false),
        html`<h1>404</h1>
          <p>${notFoundLine(lang, false)}</p>
          <p><a href="${backHref(c)}">${t(lang, 'back')}</a></p>`,
      ),
      404,
    );
  };
  app.get('*', notFoundPage);
  app.notFound(notFoundPage);

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
        err.status === 403
          ? t(lang, 'forbidden')
          : err.status === 404
            ? notFoundLine(lang, false)
            : err.status === 400
              ? t(lang, 'bad_request')
              : t(lang, 'error');
      // the page's words; the API's own text (English, codes) only folded, for a support desk
      // no key when the request never got past sign-in
      const key = c.get('key') as ApiKey | undefined;
      const d = describeError(err, lang, { role: key?.role, scoped: scopedKey(key) });
      const ofQuery = err.code === 'bad_request' && (err.details as { fields?: unknown } | undefined)?.fields;
      return c.html(
        render(
          c,
          lang,
          title,
          html`<h1>${err.status} · ${title}</h1>
            <div role="alert" id="error-text">
              ${ofQuery ? html`<p>${badQueryLead(lang)}</p>` : ''} ${d.lines.map((l) => html`<p>${l}</p>`)}
            </div>
            ${technicalDetail(lang, d.technical)}
            <p><a href="${backHref(c)}">${t(lang, 'back')}</a></p>`,
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
          <p>${t(lang, 'request')} ${requestId}</p>
          <p><a href="${backHref(c)}">${t(lang, 'back')}</a></p>`,
      ),
      500,
    );
  });
  return app;
}
