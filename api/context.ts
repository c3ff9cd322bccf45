import type { Warehouse } from '../warehouse/connection.ts';
import type { ApiKey } from './auth/keys.ts';

export interface ApiDeps {
  wh: Warehouse;
  /** structured log sink (one JSON object per line in production) */
  log: (entry: Record<string, unknown>) => void;
  /** requests per minute per API key */
  rateLimitPerMinute: number;
  /** largest accepted request body */
  maxBodyBytes: number;
}

export type AppEnv = { Variables: { key: ApiKey; requestId: string; deps: ApiDeps } };
