import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { queryRows } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { AppEnv } from '../context.ts';
import { jsonWithExample } from '../response-example.ts';

export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'get',
    path: '/health',
    summary: 'Liveness and schema version (no key needed)',
    responses: {
      200: {
        description: 'up',
        content: {
          'application/json': jsonWithExample(z.object({ status: z.literal('ok'), schema_version: z.number().int() }), {
            status: 'ok',
            schema_version: 41,
          }),
        },
      },
    },
  }),
  async (c) => {
    const { wh } = c.get('deps');
    const [r] = await queryRows<{ v: number }>(
      wh,
      `SELECT max(version) AS v FROM ${tableRef(wh, 'schema_migrations')}`,
    );
    return c.json({ status: 'ok' as const, schema_version: r?.v ?? 0 }, 200);
  },
);
