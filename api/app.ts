import type { MiddlewareHandler } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { serveStatic } from '@hono/node-server/serve-static';
import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import type { ApiCaches, ApiDeps, AppEnv } from './context.ts';
import { requestBodyLimit } from './body-limit.ts';
import { admission, HeavyLoadCache, withQueryGate } from './admission.ts';
import { ScoreIndex } from './score-index.ts';
import { defaultTarget, targetName } from '../warehouse/feature-catalogue.ts';
import { ApiError, AuthError, type ErrorBody } from './errors.ts';
import { anonymousLimit, rateLimit, requestContext } from './middleware.ts';
import { auditDenial } from './audit.ts';
import { KeyCache } from './auth/key-cache.ts';
import { AddressLimiter } from './auth/address-limit.ts';
import { finishDocument } from './openapi-doc.ts';
import { keyRoutes } from './routes/keys.ts';
import { healthRoutes } from './routes/health.ts';
import { metricRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { caseRoutes } from './routes/cases.ts';
import { warningRoutes } from './routes/warnings.ts';
import { disposalRoutes } from './routes/disposal.ts';
import { placementRoutes } from './routes/placements.ts';
import { bureauRoutes } from './routes/bureau.ts';
import { reportRoutes } from './routes/reports.ts';
import { auditRoutes } from './routes/audit.ts';
import { docsPage } from './docs-page.ts';
import { maxTableRows, scoreRoutes, tableScoresBodyBytes } from './routes/scores.ts';
import { collectionActionRoutes } from './routes/collection-actions.ts';
import { actionCorrectionRoutes } from './routes/collection-action-corrections.ts';
import { promiseRoutes } from './routes/promises.ts';
import { contactComplianceRoutes } from './routes/contact-compliance.ts';
import { incentiveRoutes } from './routes/incentives.ts';
import { SessionStore } from './auth/sessions.ts';
import { consoleRoutes } from './console/index.ts';
import { sessionOrKey } from './console/session-auth.ts';
import { apiHeaders } from './api-headers.ts';
import { fieldProblems } from './validation-fields.ts';

/** The Swagger UI assets from node_modules: the docs page needs no network. */
const swaggerDir = relative(
  process.cwd(),
  dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')),
);

/**
 * The HTTP API (SPEC §9): routers per area composed with app.route(), zod on every request and
 * response, one onError that turns typed errors into JSON and anything else into a bare 500
 * (logged with its cause, never shown).
 */
export function createApp(given: ApiDeps) {
  // every statement of the app through the query gate; heavy work admitted (api/admission.ts)
  const deps = withQueryGate(given);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const fields = fieldProblems(result.error.issues, result.target, 'data' in result ? result.data : undefined);
        throw new ApiError(
          'bad_request',
          `invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
          { fields },
        );
      }
    },
  });
  const caches: ApiCaches = {
    keys: new KeyCache(deps.keyCacheMs ?? 5_000),
    addresses: new AddressLimiter(deps.anonRateLimitPerMinute ?? 120),
    scores: new ScoreIndex(deps.wh, targetName(defaultTarget)),
    metrics: new HeavyLoadCache(60_000, 500, true),
    reports: new HeavyLoadCache(60_000, 100),
  };
  app.use('*', requestContext(deps, caches));
  app.use('*', admission);
  // raw rows for a table model take more than any other body: 10,000 rows of a wide table are ~5 MB
  const scoresBodyBytes = Math.max(deps.maxBodyBytes, tableScoresBodyBytes);
  const bodyLimits = {
    scores: requestBodyLimit(scoresBodyBytes, () => {
      throw new ApiError(
        'payload_too_large',
        `request body over ${scoresBodyBytes} bytes (POST /v1/scores: up to ${maxTableRows.toLocaleString('en-US')} rows in ${scoresBodyBytes} bytes; send more rows in several requests)`,
      );
    }),
    other: requestBodyLimit(deps.maxBodyBytes, () => {
      throw new ApiError('payload_too_large', `request body over ${deps.maxBodyBytes} bytes`);
    }),
  };
  const bodyLimit: MiddlewareHandler = (c, next) =>
    (c.req.method === 'POST' && c.req.path === '/v1/scores' ? bodyLimits.scores : bodyLimits.other)(c, next);
  app.use('*', bodyLimit);
  app.use('/health', anonymousLimit);
  // console sessions (api/console): in the warehouse, shared by processes, rechecked as often as keys; a report GET may use one instead of a key header
  const sessions = new SessionStore({ recheckMs: deps.keyCacheMs ?? 5_000 });
  app.use('/v1/*', apiHeaders, sessionOrKey(sessions), rateLimit());
  app.route('/', healthRoutes);
  app.route('/', scoreRoutes);
  app.route('/', metricRoutes);
  app.route('/', modelRoutes);
  app.route('/', caseRoutes);
  app.route('/', warningRoutes);
  app.route('/', reportRoutes);
  app.route('/', auditRoutes);
  app.route('/', keyRoutes);
  app.route('/', collectionActionRoutes);
  app.route('/', actionCorrectionRoutes);
  app.route('/', promiseRoutes);
  app.route('/', contactComplianceRoutes);
  app.route('/', disposalRoutes);
  app.route('/', placementRoutes);
  app.route('/', bureauRoutes);
  app.route('/', incentiveRoutes);
  app.route('/console', consoleRoutes(sessions));
  // generated once, on first request (every route is registered by then), then finished: openapi-doc.ts
  let doc: unknown;
  app.get('/openapi.json', (c) =>
    c.json(
      (doc ??= finishDocument(
        app.getOpenAPI31Document({
          openapi: '3.1.0',
          info: {
            title: 'loanwatch API',
            version: '1',
            description:
              'Overdue-loan analytics and early warning. Every /v1 route needs an API key: Authorize with it as Bearer or X-API-Key.',
          },
        }),
      )),
    ),
  );
  app.get(
    '/assets/swagger-ui-dist/*',
    serveStatic({ root: swaggerDir, rewriteRequestPath: (p) => p.replace(/^\/assets\/swagger-ui-dist/, '') }),
  );
  app.get('/docs', docsPage);
  app.notFound((c) => {
    // a path that is served, asked with another method: 405 with the methods it takes (RFC 9110)
    const allow = methodsOf(app.routes, c.req.path);
    if (allow.length) {
      c.header('Allow', allow.join(', '));
      return c.json<ErrorBody>(
        {
          error: {
            code: 'method_not_allowed',
            message: `${c.req.method} is not a method of ${c.req.path}: ${allow.join(', ')}`,
            request_id: c.get('requestId'),
          },
        },
        405,
      );
    }
    // the routes are matched exactly: a trailing slash is another path, said so with the one that is served
    const bare = c.req.path.length > 1 && c.req.path.endsWith('/') ? c.req.path.replace(/\/+$/u, '') : '';
    const served = bare && methodsOf(app.routes, bare).length ? ` (without the trailing slash: ${bare})` : '';
    return c.json<ErrorBody>(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path}${served}`,
          request_id: c.get('requestId'),
        },
      },
      404,
    );
  });
  app.onError(async (err, c) => {
    const requestId = c.get('requestId');
    // hono's own 4xx (e.g. a body that is not JSON) keep their status with our error shape
    if (err instanceof HTTPException && err.status < 500) {
      const code =
        err.status === 413
          ? 'payload_too_large'
          : err.status === 415
            ? 'unsupported_media_type'
            : err.status === 401
              ? 'unauthorized'
              : 'bad_request';
      const message =
        err.status === 400
          ? 'malformed request body (expected JSON)'
          : err.status === 415
            ? 'the request body must be application/json'
            : err.message;
      return c.json<ErrorBody>({ error: { code, message, request_id: requestId } }, err.status);
    }
    if (err instanceof ApiError) {
      if (err.status === 401 || err.status === 403) {
        // every refusal is audited; a failed audit write is logged and the refusal still answered
        await auditDenial(
          c,
          err.status,
          err instanceof AuthError ? err.facts : { reason: err.message.slice(0, 200) },
        ).catch((e: unknown) => {
          deps.log({
            at: new Date().toISOString(),
            request_id: requestId,
            level: 'error',
            error: `audit of a ${err.status} failed: ${String(e)}`,
          });
        });
      }
      return c.json<ErrorBody>(
        {
          error: {
            code: err.code,
            message: err.message,
            request_id: requestId,
            ...(err.details === undefined ? {} : { details: err.details }),
          },
        },
        err.status as 400,
      );
    }
    // the cause can be anything thrown: String() of it, as any thrown value is printed
    const cause: unknown = err.cause ?? '';
    deps.log({
      at: new Date().toISOString(),
      request_id: requestId,
      level: 'error',
      error: String(err),
      cause: String(cause),
    });
    return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal error', request_id: requestId } }, 500);
  });
  return app;
}

/**
 * The methods the app's routes answer on a path (their `:param` segments match any one segment;
 * middleware, registered for every method, does not count). HEAD goes with GET.
 */
export function methodsOf(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    const pattern = new RegExp(
      `^${r.path
        .split('/')
        .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')))
        .join('/')}$`,
      'u',
    );
    if (pattern.test(path)) methods.add(r.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
