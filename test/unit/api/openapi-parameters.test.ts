import { describe, expect, it } from 'vitest';
import { metricParameters } from '../../../warehouse/metrics/metric-parameters.ts';
import { operationIdOf, type OpenApiParameter } from '../../../api/openapi-doc.ts';
import { parameterDocs } from '../../../api/parameter-docs.ts';
import { filterKeys } from '../../../warehouse/metrics/definition.ts';
import { metricEntry, metricNames } from '../../../warehouse/metrics/index.ts';
import { documentApp } from '../../helpers/document-app.ts';

type Schema = Record<string, unknown>;
interface Op {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  responses: Record<string, { description?: string }>;
}
interface Doc {
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, Schema> };
}

// the document needs no warehouse: it is built from the route definitions
const app = documentApp();
const doc = (await (await app.request('/openapi.json')).json()) as Doc;
const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method, op, name: `${method} ${path}` })),
);
const parameters = operations.flatMap((o) => (o.op.parameters ?? []).map((p) => ({ ...o, p })));

/**
 * The JSON Schema keywords this document uses, checked as a strict validator or a code generator
 * reads them: a value that fails here is an example a generated client could not send.
 */
function problems(value: unknown, schema: Schema | undefined, at = ''): string[] {
  if (!schema) return [];
  if (typeof schema.$ref === 'string')
    return problems(value, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')], at);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options) return options.some((o) => problems(value, o, at).length === 0) ? [] : [`${at}: no ${key} matches`];
  }
  const out: string[] = [];
  const type = schema.type;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  const typeOf = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  if (types.length && !types.some((t) => t === typeOf(value) || (t === 'number' && typeOf(value) === 'integer')))
    out.push(`${at}: ${JSON.stringify(value)} is not ${types.join('|')}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${at}: not one of the enum`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      out.push(`${at}: ${value} does not match ${schema.pattern}`);
    if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/u.test(value)) out.push(`${at}: ${value} is no date`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) out.push(`${at}: too long`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) out.push(`${at}: too short`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${at}: below the minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${at}: above the maximum`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in o)) out.push(`${at}.${r}: missing`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(o))
      if (props[k]) out.push(...problems(v, props[k], `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not a property`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => out.push(...problems(v, schema.items as Schema, `${at}[${i}]`)));
  return out;
}

describe('the OpenAPI parameters as Swagger UI and code generators read them', () => {
  it('describes every parameter of every operation, in words of its own', () => {
    expect(parameters.length).toBeGreaterThan(100);
    for (const { name, p } of parameters) {
      expect(p.description, `${name} ${p.name}`).toMatch(/\w{3,}.*\w{3,}/u);
      // the description is the parameter's, not tucked inside its schema where Swagger UI does not show it
      expect(p.schema?.description, `${name} ${p.name}`).toBeUndefined();
    }
  });

  it('an optional parameter says what leaving it out means, a list filter that it is comma-separated', () => {
    const lists = [
      'region',
      'team',
      'product',
      'branch',
      'channel',
      'stage',
      'status',
      'recommended',
      'kind',
      'severity',
    ];
    for (const { name, p } of parameters.filter((x) => !x.p.required && x.p.in === 'query')) {
      expect(p.description, `${name} ${p.name}`).toMatch(/left out|default/iu);
      if (lists.includes(p.name)) expect(p.description, `${name} ${p.name}`).toMatch(/comma-separated/u);
    }
  });

  it('pre-fills no optional parameter (no example or examples), and says its example in the words', () => {
    const optional = parameters.filter((x) => !x.p.required);
    expect(optional.length).toBeGreaterThan(100);
    for (const { name, p } of optional) {
      const what = `${name} ${p.name}`;
      expect(p.example, what).toBeUndefined();
      expect(p.examples, what).toBeUndefined();
      expect(p.schema?.example, what).toBeUndefined();
      expect(p.schema?.examples, what).toBeUndefined();
      const shared = parameterDocs[p.name]?.example;
      const value = typeof shared === 'function' ? shared(name.split(' ')[1]!) : shared;
      if (value !== undefined && !p.description!.includes('e.g.'))
        expect(p.description, what).toContain(`For example: ${String(value)}`);
    }
    // the filters of the report's first call, each now only in the words
    const cases = doc.paths['/v1/cases']!.get!.parameters!;
    expect(cases.find((p) => p.name === 'region')!.description).toMatch(/For example: east\.$/u);
    expect(cases.find((p) => p.name === 'limit')!.description).toMatch(/\(e\.g\. 50\)/u);
  });

  it('keeps an example on required parameters, and every example and body example passes its own schema', () => {
    const required = parameters.filter((x) => x.p.required);
    expect(required.length).toBeGreaterThan(15);
    for (const { name, p } of required) expect(p.example, `${name} ${p.name}`).toBeDefined();
    let checked = 0;
    for (const { name, p } of parameters)
      if (p.example !== undefined) {
        checked++;
        expect(problems(p.example, p.schema, `${name} ${p.name}`)).toEqual([]);
      }
    for (const { name, op } of operations) {
      const media = op.requestBody?.content?.['application/json'];
      if (media?.example === undefined) continue;
      checked++;
      expect(problems(media.example, media.schema, name)).toEqual([]);
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('the checker itself refuses what a strict linter would (a number example on a string, a date in the wrong form)', () => {
    expect(problems(50, { type: 'string' })).not.toEqual([]);
    expect(problems('2024-6-30', { type: 'string', format: 'date' })).not.toEqual([]);
    expect(problems('2024-13', { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })).not.toEqual([]);
    expect(problems(0, { type: 'integer', minimum: 1 })).not.toEqual([]);
    expect(problems({ a: 1 }, { type: 'object', required: ['b'] })).not.toEqual([]);
  });

  it('types numbers as integers with their bounds, dates as format date and months by a pattern', () => {
    const on = (path: string, name: string) => doc.paths[path]!.get!.parameters!.find((p) => p.name === name)!.schema!;
    for (const path of ['/v1/cases', '/v1/warnings', '/v1/audit', '/v1/models', '/v1/disposal'])
      expect(on(path, 'limit'), path).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(on('/v1/promises', 'grace_days')).toMatchObject({ type: 'integer', minimum: 0, maximum: 60, default: 3 });
    expect(on('/v1/metrics/forecast', 'months')).toMatchObject({ type: 'integer', minimum: 1, maximum: 120 });
    expect(on('/v1/metrics/disposal-candidates', 'dpd_over')).toMatchObject({ type: 'integer', minimum: 0 });
    for (const { name, p } of parameters.filter((x) => ['as_of', 'from', 'to'].includes(x.p.name)))
      expect(p.schema, `${name} ${p.name}`).toMatchObject({ type: 'string', format: 'date' });
    const month = '^\\d{4}-(0[1-9]|1[0-2])$';
    for (const { name, p } of parameters.filter((x) =>
      ['month', 'period', 'cohort_from', 'cohort_to'].includes(x.p.name),
    ))
      expect(p.schema?.pattern, `${name} ${p.name}`).toBe(month);
  });

  it('names every operation: an operationId, camelCase, unique', () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map(({ name, op }) => {
      expect(op.operationId, name).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/u);
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf('get', '/v1/metrics/roll-rate')).toBe('getMetricsRollRate');
    expect(operationIdOf('post', '/v1/keys/{id}/revoke')).toBe('postKeysByIdRevoke');
    expect(operationIdOf('put', '/v1/collection-actions/{action_id}')).toBe('putCollectionActionsByActionId');
    expect(operationIdOf('get', '/health')).toBe('getHealth');
  });

  it("a 400 that cites a refused name cites one the route takes (a team or agent route: no warning rule, never 'a agent')", () => {
    for (const { name, op } of operations) {
      const d = op.responses['400']?.description ?? '';
      expect(d, name).not.toMatch(/\ba [aeiou]/u);
      const takes = new Set((op.parameters ?? []).map((p) => p.name));
      const cited = /unknown (\w+) "/u.exec(d)?.[1];
      if (cited === undefined) continue;
      const parameter = cited === 'loan' ? 'loan_id' : cited;
      expect(takes.has(parameter), `${name} cites ${cited}`).toBe(true);
    }
    expect(doc.paths['/v1/incentives']!.get!.responses['400']!.description).toMatch(/^bad parameters, or an agent /u);
  });
});

describe('the metric routes list the parameters their catalogue definition takes', () => {
  const routeOf = (name: string) => `/v1/metrics/${name.replaceAll('_', '-')}`;
  const listed = (path: string) => (doc.paths[path]!.get!.parameters ?? []).map((p) => p.name).sort();

  it('each metric route lists exactly its metric’s fields (classification: the overdue metric’s and view)', () => {
    const metricPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/metrics/'));
    expect(metricPaths).toHaveLength(metricNames.length + 1);
    for (const name of metricNames)
      expect(listed(routeOf(name)), name).toEqual([...metricParameters(metricEntry(name)!).fields].sort());
    expect(listed('/v1/metrics/classification')).toEqual([...listed('/v1/metrics/overdue'), 'view'].sort());
  });

  it('a field is listed where the definition applies it, and only there', () => {
    for (const name of metricNames) {
      const entry = metricEntry(name)!;
      const has = new Set(listed(routeOf(name)));
      const filters = entry.filters ?? filterKeys;
      expect(has.has('from') && has.has('to'), name).toBe(filters.includes('period'));
      expect(has.has('cohort_from') && has.has('cohort_to'), name).toBe(filters.includes('cohort'));
      expect(has.has('dpd_over'), name).toBe(filters.includes('dpd'));
      expect(has.has('months'), name).toBe(name === 'forecast');
      expect(has.has('view'), name).toBe(false);
      expect(has.has('as_of'), name).toBe(true);
      // a derived metric takes no basis (its figures are on its own), and group_by only over dimensions it declares
      if ('kind' in entry) expect(has.has('basis'), name).toBe(false);
    }
    const overdue = new Set(listed('/v1/metrics/overdue'));
    expect(overdue.has('cohort_grain')).toBe(true);
    for (const absent of ['view', 'months', 'dpd_over']) expect(overdue.has(absent), absent).toBe(false);
    // the cohort grain only where a cohort is labelled by it
    expect(listed('/v1/metrics/vintage')).toContain('cohort_grain');
    expect(listed('/v1/metrics/ecl')).not.toContain('cohort_grain');
    expect(listed('/v1/metrics/forecast')).not.toContain('group_by');
    expect(listed('/v1/metrics/disposal-options')).toContain('group_by');
  });

  it("group_by names the metric's own dimensions and default; basis offers the metric's bases", () => {
    const param = (path: string, name: string) => doc.paths[path]!.get!.parameters!.find((p) => p.name === name)!;
    expect(param('/v1/metrics/overdue', 'group_by').description).toMatch(
      /of: month_end, product, region, branch, channel, cohort, bucket, five_class, ifrs9_stage \(default: month_end\)/u,
    );
    expect(param('/v1/metrics/disposal-options', 'group_by').description).toMatch(/of: recommended, product, region/u);
    expect(param('/v1/metrics/overdue', 'basis').schema!.enum).toEqual(['balance', 'count']);
    expect(param('/v1/metrics/ecl', 'basis').schema!.enum).toEqual(['balance']);
    expect(param('/v1/metrics/cure-rate', 'cohort_from').description).toMatch(/with cohort_grain quarter/u);
  });
});
