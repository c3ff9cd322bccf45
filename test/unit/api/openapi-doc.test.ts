import { describe, expect, it } from 'vitest';
import { stripRegexFlags, tagOf } from '../../../api/openapi-doc.ts';
import { documentApp } from '../../helpers/document-app.ts';

interface Op {
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  parameters?: { name: string; example?: unknown; schema?: { pattern?: string } }[];
}
interface Doc {
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, unknown> };
  tags: { name: string }[];
}

// the document needs no warehouse: it is built from the route definitions
const app = documentApp();
const documentOf = async () => (await app.request('/openapi.json')).json() as Promise<Doc>;
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('the OpenAPI document as the docs page uses it', () => {
  it('cuts the /flags suffix the generator leaves on a regex, and nothing else', () => {
    expect(stripRegexFlags('^\\d{4}-(0[1-9]|1[0-2])$/u')).toBe('^\\d{4}-(0[1-9]|1[0-2])$');
    expect(stripRegexFlags('^[\\w .@-]+$/gu')).toBe('^[\\w .@-]+$');
    expect(stripRegexFlags('^[\\w.-]+$')).toBe('^[\\w.-]+$');
    // an escaped slash is part of the pattern
    expect(stripRegexFlags('^a\\/u')).toBe('^a\\/u');
    expect(stripRegexFlags('^a\\\\/u')).toBe('^a\\\\');
  });

  it('every pattern works as Swagger UI uses it (new RegExp(pattern)): the reports period and the warnings loan_id can be tried', async () => {
    const doc = await documentOf();
    const patterns: string[] = [];
    JSON.stringify(doc, (k, v: unknown) => {
      if (k === 'pattern' && typeof v === 'string') patterns.push(v);
      return v;
    });
    expect(patterns.length).toBeGreaterThan(5);
    for (const p of patterns) expect(p, p).not.toMatch(/(^|[^\\])\/[a-z]+$/);
    const param = (path: string, name: string) =>
      doc.paths[path]!.get!.parameters!.find((x) => x.name === name)!.schema!.pattern!;
    expect(new RegExp(param('/v1/reports/{template}', 'period')).test('2024-06')).toBe(true);
    expect(new RegExp(param('/v1/warnings', 'loan_id')).test('L000000001')).toBe(true);
  });

  it('a nullable named schema is anyOf with null, never allOf with a nullable object (which null fails)', async () => {
    const doc = await documentOf();
    const allOfNull: string[] = [];
    JSON.stringify(doc, (k, v: unknown) => {
      if (
        k === 'allOf' &&
        Array.isArray(v) &&
        v.some((x) => JSON.stringify((x as { type?: unknown }).type ?? '').includes('null'))
      )
        allOfNull.push(JSON.stringify(v).slice(0, 120));
      return v;
    });
    expect(allOfNull).toEqual([]);
  });

  it('declares bearer and X-API-Key, and security on every operation (none on /health)', async () => {
    const doc = await documentOf();
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    for (const { path, method, op } of operations(doc)) {
      if (path === '/health') expect(op.security).toEqual([]);
      else expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }, { apiKey: [] }]);
    }
  });

  it('groups operations by tag, documents 401/429 on /v1 and 415 wherever a body is taken, with examples', async () => {
    const doc = await documentOf();
    const declared = new Set(doc.tags.map((t) => t.name));
    for (const { path, method, op } of operations(doc)) {
      const name = `${method} ${path}`;
      expect(op.tags, name).toEqual([tagOf(path)]);
      expect(declared.has(op.tags![0]!), name).toBe(true);
      if (path.startsWith('/v1/'))
        expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '429']));
      if (op.requestBody) expect(Object.keys(op.responses), name).toContain('415');
      if (op.requestBody) expect(Object.keys(op.responses), name).toContain('413');
    }
    expect(doc.paths['/v1/cases']!.get!.parameters!.find((p) => p.name === 'as_of')!.example).toBe('2024-06-30');
  });

  it('the docs page is titled loanwatch and loads Swagger UI from this server', async () => {
    const html = await (await app.request('/docs')).text();
    expect(html).toMatch(/<title>loanwatch<\/title>/);
    expect(html).toMatch(/\/assets\/swagger-ui-dist\/swagger-ui-bundle\.js/);
    expect(html).not.toMatch(/https?:\/\//);
  });
});

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}

describe('the main GET routes show an example of their answer', () => {
  /** where an example breaks its schema's object shape (a required field missing, a field not in it): '' when it fits */
  const misfit = (
    doc: { components: { schemas?: Record<string, Schema> } },
    s: Schema,
    v: unknown,
    at: string,
  ): string => {
    const schema = s.$ref ? doc.components.schemas![s.$ref.split('/').at(-1)!]! : s;
    if (schema.properties && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      for (const r of schema.required ?? []) if (!(r in o)) return `${at}.${r}: missing`;
      for (const [k, x] of Object.entries(o)) {
        const p = schema.properties[k];
        if (!p) return `${at}.${k}: not in the schema`;
        const bad = misfit(doc, p, x, `${at}.${k}`);
        if (bad) return bad;
      }
    }
    if (schema.items && Array.isArray(v)) {
      if (v.length === 0) return `${at}: an empty list shows nothing`;
      return v.map((x, i) => misfit(doc, schema.items!, x, `${at}.${i}`)).find((m) => m) ?? '';
    }
    return '';
  };

  it('health, a score, the case list, the warnings, the models and every metric: a 200 example that fits its schema', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as Doc & {
      components: { schemas?: Record<string, Schema> };
    };
    const metricPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/metrics/'));
    expect(metricPaths.length).toBeGreaterThan(30);
    for (const path of ['/health', '/v1/loans/{id}/score', '/v1/cases', '/v1/warnings', '/v1/models', ...metricPaths]) {
      const json = (
        doc.paths[path]!.get!.responses['200'] as { content: Record<string, { schema: Schema; example?: unknown }> }
      ).content['application/json']!;
      expect(json.example, path).toBeTypeOf('object');
      expect(misfit(doc, json.schema, json.example, path), path).toBe('');
    }
  });
});
