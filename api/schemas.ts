import { z } from '@hono/zod-openapi';

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), request_id: z.string(), details: z.unknown().optional() }),
  })
  .openapi('Error');

export const errorResponses = (...codes: (400 | 401 | 403 | 404 | 409 | 413 | 429)[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: {
          400: 'bad parameters',
          401: 'no or unknown API key',
          403: 'role not allowed',
          404: 'not found',
          409: 'conflict',
          413: 'body too large',
          429: 'rate limited',
        }[c],
        content: { 'application/json': { schema: errorSchema } },
      },
    ]),
  );

/** a comma-separated list in a query string */
export const csvList = (item: z.ZodString) =>
  z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));
/** A real calendar date YYYY-MM-DD inside ClickHouse's Date range (1970-01-01 … 2149-06-06). */
export { engineDate as isoDay } from '../lib/date-schemas.ts';
