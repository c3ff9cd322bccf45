import { z } from 'zod';
import { serve } from '@hono/node-server';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { createApp } from '../../api/app.ts';
import { createApiKey } from '../../api/auth/keys.ts';
import { roles } from '../../api/auth/permissions.ts';
import { log } from '../progress.ts';

export const serveFlags = z.object({ port: z.coerce.number().int().min(0).max(65_535).optional() });

/** The API listening on `port` (0: any free port); resolves once it listens, with the port it got. */
export async function startServer(wh: Warehouse, config: Config, port: number) {
  const app = createApp({
    wh, log: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
    rateLimitPerMinute: config.LOANWATCH_API_RATE_LIMIT, maxBodyBytes: config.LOANWATCH_API_MAX_BODY_BYTES,
    snapshotSettings: defaultSnapshotSettings(delinquencySettings(config)), cjkFont: config.LOANWATCH_CJK_FONT,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => { const s = serve({ fetch: app.fetch, port }, () => resolve(s)); });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/** Until SIGINT/SIGTERM: then in-flight requests finish and the server closes. */
export function serveUntilSignal(server: Awaited<ReturnType<typeof startServer>>['server']) {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: finishing in-flight requests`);
      server.close(() => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** `loanwatch serve`: the API on the embedded engine or a server. */
export async function serveCommand(wh: Warehouse, config: Config, f: z.infer<typeof serveFlags>) {
  const { server, port } = await startServer(wh, config, f.port ?? config.LOANWATCH_PORT);
  log(`loanwatch API on http://localhost:${port} — docs http://localhost:${port}/docs, OpenAPI http://localhost:${port}/openapi.json`);
  await serveUntilSignal(server);
}

export const keysFlags = z.object({
  action: z.literal('create', { error: 'usage: loanwatch keys create --role ROLE [--region R] [--team T] [--label L]' }),
  role: z.enum(roles), region: z.string().max(60).optional(), team: z.string().max(60).optional(), label: z.string().max(100).optional(),
});

/** `loanwatch keys create --role …`: prints the key once; only its hash is stored. */
export async function keysCommand(wh: Warehouse, f: z.infer<typeof keysFlags>) {
  const k = await createApiKey(wh, { role: f.role, region: f.region, team: f.team, label: f.label });
  console.log(JSON.stringify({ key: k.key, key_id: k.key_id, role: f.role, region: f.region ?? null, team: f.team ?? null }));
  log('store this key now: loanwatch keeps only its hash');
  return k;
}
