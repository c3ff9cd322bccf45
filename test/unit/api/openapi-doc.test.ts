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
