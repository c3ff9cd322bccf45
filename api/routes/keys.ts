import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  ApiKeyError,
  ApiKeyNotFoundError,
  createApiKey,
  keyIdPattern,
  listApiKeys,
  revokeApiKey,
} from '../auth/keys.ts';
import { roles } from '../auth/permissions.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { errorResponses, nameSchema, noQueryParameters } from '../schemas.ts';

const keyRecord = z
  .object({
    key_id: z.string(),
    role: z.enum(roles),
    region: z.string().nullable(),
    team: z.string().nullable(),
    label: z.string(),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    revoked_by: z.string().nullable(),
    revoke_reason: z.string().nullable(),
    agent_id: z.string().optional().openapi({ description: "a collector key's agent id, when it has one" }),
  })
  .openapi('ApiKeyRecord', {
    example: {
      key_id: '3f9a0c1b2d4e',
      role: 'collector',
      region: 'east',
      team: null,
      label: 'east desk',
      created_at: '2026-12-01T08:00:00.000Z',
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    },
  });
const scopeName = nameSchema();
const keyId = z.string().regex(keyIdPattern, '12 hex digits, as in GET /v1/keys').openapi({ example: '3f9a0c1b2d4e' });

/** Who revoked or created, as the key table records it: the acting key and its label. */
const actor = (c: Context<AppEnv>) => {
  const k = c.get('key');
  return `${k.role}:${k.key_id}${k.label ? ` (${k.label})` : ''}`;
};

/** A key request the caller can fix is a 400, an unknown id a 404 (both keep the one-line message). */
function asApiError(e: unknown): never {
  if (e instanceof ApiKeyNotFoundError) throw new ApiError('not_found', e.message, undefined, { cause: e });
  if (e instanceof ApiKeyError) throw new ApiError('bad_request', e.message, undefined, { cause: e });
  throw e;
}

/** Key management for admins (SPEC §10 keys list / revoke): every call is audited; keys and hashes are never shown. */
export const keyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('keys:manage')] as const,
      method: 'get',
      path: '/v1/keys',
      summary: 'Every API key: id, role, scope, label, when created and revoked (never the key or its hash)',
      request: {
        query: z
          .object({ include_revoked: z.enum(['true', 'false']).default('true').openapi({ example: 'false' }) })
          .strict(),
      },
      responses: {
        200: {
          description: 'keys, newest first',
          content: { 'application/json': { schema: z.object({ keys: z.array(keyRecord) }) } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const keys = await listApiKeys(c.get('deps').wh, {
        includeRevoked: c.req.valid('query').include_revoked === 'true',
      });
      await audit(c, 'keys.list', '', { returned: keys.length });
      return c.json({ keys }, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('keys:manage')] as const,
      method: 'post',
      path: '/v1/keys',
      summary: 'Create a key (shown once); a collector key needs a region known to the warehouse, its team is optional',
      request: {
        query: noQueryParameters,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({
                  role: z.enum(roles),
                  region: scopeName.optional(),
                  team: scopeName.optional(),
                  label: z.string().max(100).optional(),
                  agent_id: nameSchema()
                    .optional()
                    .openapi({ description: 'collector: the agent id it is (its own incentive award)' }),
                })
                .strict()
                .openapi({ example: { role: 'collector', region: 'east', team: 'east-early', label: 'east desk' } }),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'the new key: store it now, only its hash is kept',
          content: {
            'application/json': {
              schema: z.object({
                key: z.string(),
                key_id: z.string(),
                role: z.enum(roles),
                region: z.string().nullable(),
                team: z.string().nullable(),
              }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 413, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const made = await createApiKey(c.get('deps').wh, body).catch(asApiError);
      await audit(c, 'keys.create', made.key_id, {
        role: body.role,
        region: body.region ?? null,
        team: body.team ?? null,
        label: body.label ?? '',
        ...(body.agent_id ? { agent_id: body.agent_id } : {}),
      });
      return c.json(
        { key: made.key, key_id: made.key_id, role: body.role, region: body.region ?? null, team: body.team ?? null },
        201,
      );
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('keys:manage')] as const,
      method: 'post',
      path: '/v1/keys/{id}/revoke',
      summary: 'Revoke a key: its next request gets 401 (revoking a revoked key changes nothing)',
      request: {
        query: noQueryParameters,
        params: z.object({ id: keyId }),
        body: {
          required: false,
          content: {
            'application/json': {
              schema: z
                .object({ reason: z.string().max(500).optional() })
                .strict()
                .openapi({ example: { reason: 'laptop lost' } }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'the revoked key',
          content: { 'application/json': { schema: keyRecord.extend({ already_revoked: z.boolean() }) } },
        },
        ...errorResponses(400, 401, 403, 404, 413, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const reason = (c.req.valid('json') as { reason?: string } | undefined)?.reason;
      const revoked = await revokeApiKey(c.get('deps').wh, id, { by: actor(c), reason }).catch(asApiError);
      // this server answers 401 from the next request on; other servers within their key cache's lifetime
      c.get('caches').keys.forget(id);
      await audit(c, 'keys.revoke', id, { reason: reason ?? '', already_revoked: revoked.already_revoked });
      return c.json(revoked, 200);
    },
  );
