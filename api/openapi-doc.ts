import { parameterDocs } from './parameter-docs.ts';
import { tableScoresBodyBytes } from './routes/scores.ts';

/**
 * The finishing pass over the generated OpenAPI document, for what the route definitions cannot
 * say once for all routes (and what the generator gets wrong):
 *
 * - regex patterns: @asteasolutions/zod-to-openapi writes `regex.toString()` minus its first and
 *   last `/`, so a flagged regex such as `/^\d{4}-\d{2}$/u` comes out as `^\d{4}-\d{2}$/u`, a
 *   pattern nothing matches (Swagger UI then refuses every value: the reports `period` and the
 *   warnings `loan_id` could not be tried). The flag suffix is cut here: an unescaped `/` cannot
 *   occur inside a RegExp's source, so a trailing `/flags` is always the generator's.
 * - security: both schemes (Bearer and X-API-Key) on every /v1 operation, none on /health, so the
 *   docs page's Authorize → Try it out sends the key;
 * - 415 on every operation that takes a body (the zod-openapi validator answers 415 to another
 *   content type), and 413 (api/app.ts's body limit, POST /v1/scores' own); 401 and 429 on every
 *   /v1 operation;
 * - a tag per area, and every parameter described (api/parameter-docs.ts) with a value that works
 *   on the demo book: an `example` only on a required parameter, since Swagger UI's "Try it out"
 *   pre-fills every example and a pre-filled optional filter silently narrows the answer;
 * - an operationId on every operation, made from its method and path, so generated clients get
 *   stable names.
 */
type Json = Record<string, unknown>;
interface Operation {
  tags?: string[];
  security?: Json[];
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** A parameter of the served document, as the document's finishing steps (and its tests) read it. */
export interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  example?: unknown;
  examples?: unknown;
  schema?: Json;
}

export const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Authorization: Bearer lw_<id>_<secret> (scheme name in any case)',
  },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'the same key in an X-API-Key header' },
} as const;
const keySecurity = [{ bearer: [] }, { apiKey: [] }];

/** Tags by path prefix, in the order the docs page lists them. */
export const tags: { name: string; prefix: string; description: string }[] = [
  { name: 'health', prefix: '/health', description: 'Liveness (no key)' },
  { name: 'metrics', prefix: '/v1/metrics/', description: 'Portfolio metrics (SPEC §5)' },
  { name: 'cases', prefix: '/v1/cases', description: 'Collection case lists (audited)' },
  {
    name: 'collection-actions',
    prefix: '/v1/collection-actions',
    description: 'Outcomes recorded by collectors (contract-checked, idempotent by action id, audited)',
  },
  { name: 'warnings', prefix: '/v1/warnings', description: 'Fired early warnings with evidence' },
  {
    name: 'promises',
    prefix: '/v1/promises',
    description: 'Promises to pay: open, kept, partially kept or broken (a collector sees his region and team)',
  },
  {
    name: 'contact-compliance',
    prefix: '/v1/contact-compliance',
    description: 'Recorded actions that broke a contact rule, by team and agent (a collector sees his own)',
  },
  {
    name: 'incentives',
    prefix: '/v1/incentives',
    description: "Collectors' monthly incentive awards with evidence (a collector sees his own)",
  },
  {
    name: 'disposal',
    prefix: '/v1/disposal',
    description: 'Disposal options of late and defaulted loans (a collector sees his own region)',
  },
  {
    name: 'placements',
    prefix: '/v1/placements',
    description: 'Agency placement and recall proposals, placement history (a collector sees his own region)',
  },
  {
    name: 'bureau',
    prefix: '/v1/bureau',
    description: "The month's credit-bureau submission: status codes and 24-month histories (admin, auditor)",
  },
  { name: 'scores', prefix: '/v1/loans/', description: 'Early-warning scores of the champion model' },
  { name: 'scores', prefix: '/v1/scores', description: '' },
  { name: 'models', prefix: '/v1/models', description: 'Model registry and champion promotion (audited)' },
  { name: 'reports', prefix: '/v1/reports', description: 'Report charts and packs' },
  { name: 'audit', prefix: '/v1/audit', description: 'The audit log' },
  {
    name: 'corrections',
    prefix: '/v1/corrections',
    description:
      'The trail of loaded rows corrected, retracted or rolled back: who, why, before and after (auditor, admin)',
  },
  { name: 'keys', prefix: '/v1/keys', description: 'API keys (admin; audited)' },
];
export const tagOf = (path: string) =>
  tags.find((t) => path === t.prefix || path.startsWith(t.prefix.endsWith('/') ? t.prefix : `${t.prefix}/`))?.name ??
  'other';

/** Operations whose cache misses go through admission control (api/admission.ts) and may answer 503. */
const heavyPrefixes = ['/v1/metrics/', '/v1/cases', '/v1/reports/', '/v1/disposal', '/v1/placements'];

const bodyExamples: Record<string, unknown> = {
  'POST /v1/scores': { loan_ids: ['L000000001', 'L000000002'], as_of: '2024-06-30' },
  'POST /v1/models/{name}/{version}/promote': { reason: 'beats the champion out of time; PSI 0.02' },
  'POST /v1/collection-actions': {
    action_id: 'console-2024-06-28-0001',
    loan_id: 'L000000001',
    action_date: '2024-06-28',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: '1200.00',
    promised_date: '2024-07-05',
  },
  'PUT /v1/collection-actions/{action_id}': {
    action_date: '2024-06-28',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: '1500.00',
    promised_date: '2024-07-05',
    reason: 'the amount was typed wrong',
  },
  'POST /v1/collection-actions/{action_id}/withdraw': { reason: 'recorded on the wrong loan' },
};

/**
 * Cuts a generator-added `/flags` suffix. A RegExp source escapes every `/` outside a character
 * class, and a class closes with `]`, so a source never ends in an unescaped `/` plus letters.
 */
export function stripRegexFlags(pattern: string): string {
  const m = /\/[dgimsuvy]+$/.exec(pattern);
  if (!m) return pattern;
  const before = pattern.slice(0, m.index);
  return /\\*$/.exec(before)![0].length % 2 === 0 ? before : pattern;
}

function walk(node: unknown, visit: (o: Json) => void) {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  if (node && typeof node === 'object') {
    visit(node as Json);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * `get /v1/metrics/roll-rate` → getMetricsRollRate, `post /v1/keys/{id}/revoke` → postKeysByIdRevoke:
 * unique as long as method and path are, and camelCase whatever the path's own spelling.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s && s !== 'v1')
    .flatMap((s) => (s.startsWith('{') ? ['by', ...s.slice(1, -1).split(/[^A-Za-z0-9]+/u)] : s.split(/[^A-Za-z0-9]+/u)))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

const atPath = <T>(v: T | ((path: string) => T), path: string): T =>
  typeof v === 'function' ? (v as (path: string) => T)(path) : v;

/**
 * A parameter's description (its route's own, lifted from its schema, or the shared one), its
 * example value in the words, and an `example` only when the parameter is required.
 */
function describeParameter(p: OpenApiParameter, path: string): OpenApiParameter {
  const shared = Object.hasOwn(parameterDocs, p.name) ? parameterDocs[p.name] : undefined;
  const schema = p.schema ?? {};
  const own = p.description ?? (typeof schema.description === 'string' ? schema.description : undefined);
  let description = own ?? (shared ? atPath(shared.description, path) : undefined);
  const example =
    p.example ?? schema.example ?? (shared?.example === undefined ? undefined : atPath(shared.example, path));
  // the shared schema words win (an integer, not the text a query carries); an undefined one is dropped
  const overrides = Object.entries(shared?.schema ?? {});
  const dropped = new Set(['description', 'example', 'examples', ...overrides.map(([k]) => k)]);
  p.schema = {
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => !dropped.has(k))),
    ...Object.fromEntries(overrides.filter(([, v]) => v !== undefined)),
  };
  const { examples: _examples, example: _example, ...rest } = p;
  if (example !== undefined && description && !description.includes('e.g.')) {
    const shown = typeof example === 'string' ? example : JSON.stringify(example);
    description = description.endsWith('.')
      ? `${description} For example: ${shown}.`
      : `${description} (e.g. ${shown})`;
  }
  return {
    ...rest,
    ...(description ? { description } : {}),
    ...(p.required && example !== undefined ? { example } : {}),
  };
}

/** The document, finished in place (it is generated afresh for each app). */
export function finishDocument<D extends object>(document: D): D {
  const doc = document as Json & { components?: Json; paths?: unknown };
  walk(doc, (o) => {
    if (typeof o.pattern === 'string') o.pattern = stripRegexFlags(o.pattern);
  });
  const components = (doc.components ??= {});
  components.securitySchemes = { ...(components.securitySchemes as Json | undefined), ...securitySchemes };
  doc.security = keySecurity;
  doc.tags = [
    ...new Map(
      tags.filter((t) => t.description).map((t) => [t.name, { name: t.name, description: t.description }]),
    ).values(),
  ];
  for (const [path, ops] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const isV1 = path.startsWith('/v1/');
      op.security = isV1 ? keySecurity : [];
      op.tags ??= [tagOf(path)];
      op.responses ??= {};
      if (isV1) {
        op.responses['401'] ??= errorRef('no, malformed, unknown or revoked API key');
        op.responses['429'] ??= errorRef('rate limited (per key; unauthenticated requests per client address)');
      }
      if (op.requestBody) {
        op.responses['415'] ??= errorRef('the body is not application/json');
        op.responses['413'] ??= errorRef(
          path === '/v1/scores'
            ? `request body over ${tableScoresBodyBytes} bytes (or LOANWATCH_API_MAX_BODY_BYTES when larger): raw rows for a table model need more room than other bodies`
            : 'request body over LOANWATCH_API_MAX_BODY_BYTES (default 1048576)',
        );
      }
      // heavy work (a metric, a case list or a report not in the cache) is admitted, not queued without end
      if (heavyPrefixes.some((p) => path.startsWith(p)))
        op.responses['503'] ??= errorRef('too much heavy work queued: retry after the Retry-After seconds');
      op.operationId ??= operationIdOf(method, path);
      if (op.parameters) op.parameters = op.parameters.map((p) => describeParameter(p, path));
      const body = bodyExamples[`${method.toUpperCase()} ${path}`];
      const media = (op.requestBody as { content?: Record<string, Json> } | undefined)?.content?.['application/json'];
      if (body !== undefined && media && media.example === undefined) media.example = body;
    }
  }
  return document;
}
