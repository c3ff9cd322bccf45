import type { z } from '@hono/zod-openapi';

/**
 * A JSON response's media type with its example, parsed by its own schema when the module loads: an
 * example that drifted from the schema stops the server (and the document's test) instead of
 * teaching an integrator a field that is not there.
 */
export const jsonWithExample = <S extends z.ZodType>(schema: S, example: z.input<S>) => ({
  schema,
  example: schema.parse(example),
});
