// the metric request table first, before anything has loaded @hono/zod-openapi: its schemas then
// lack .openapi(), and the metric routes must still build (api.test.ts imports in this order)
import { metricTextFields } from '../../../warehouse/metrics/request.ts';
import { describe, expect, it } from 'vitest';
import { documentApp } from '../../helpers/document-app.ts';

describe('the metric routes whatever was loaded first', () => {
  it('build from request schemas made before zod was extended, each field described', async () => {
    expect(Object.keys(metricTextFields)).toContain('group_by');
    const app = documentApp();
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { parameters: { name: string; description?: string }[] } }>;
    };
    const overdue = doc.paths['/v1/metrics/overdue']!.get.parameters;
    expect(overdue.find((p) => p.name === 'group_by')!.description).toMatch(/^dimensions to group by/u);
    expect(overdue.find((p) => p.name === 'product')!.description).toMatch(/^only these products, comma-separated/u);
  });
});
