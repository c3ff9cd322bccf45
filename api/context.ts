import type { Warehouse } from '../warehouse/connection.ts';
import type { SnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import type { ApiKey } from './auth/keys.ts';
import type { ScoreIndex } from './score-index.ts';
import type { TtlCache } from './cache.ts';

export interface ApiDeps {
  wh: Warehouse;
  /** structured log sink (one JSON object per line in production) */
  log: (entry: Record<string, unknown>) => void;
  /** requests per minute per API key */
  rateLimitPerMinute: number;
  /** largest accepted request body */
  maxBodyBytes: number;
  /** delinquency settings for DPD on a date (case lists), from the config at start-up */
  snapshotSettings: SnapshotSettings;
  /** font file for report PNG/PDF (LOANWATCH_CJK_FONT); unset: the first installed CJK font */
  cjkFont?: string;
}

/** Per-app caches: key lookups (a revoked key stops working within a minute), the score index, metric results, rendered reports. */
export interface ApiCaches { keys: TtlCache<string, ApiKey | null>; scores: ScoreIndex; metrics: TtlCache<string, unknown>; reports: TtlCache<string, string | Buffer> }

export type AppEnv = { Variables: { key: ApiKey; requestId: string; deps: ApiDeps; caches: ApiCaches } };
