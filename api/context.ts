import type { PreparedMetric } from './routes/metric-body.ts';
import type { Warehouse } from '../warehouse/connection.ts';
import type { SnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import type { ApiKey } from './auth/keys.ts';
import type { KeyCache } from './auth/key-cache.ts';
import type { AddressLimiter } from './auth/address-limit.ts';
import type { ScoreIndex } from './score-index.ts';
import type { TtlCache } from './cache.ts';
import type { QueryGate } from './query-gate.ts';
import type { buildCaseList } from '../pipelines/cases/case-list.ts';

export interface ApiDeps {
  wh: Warehouse;
  /** structured log sink (one JSON object per line in production) */
  log: (entry: Record<string, unknown>) => void;
  /** requests per minute per API key */
  rateLimitPerMinute: number;
  /** unauthenticated requests (no, bad or revoked key; /health) per minute per client address; default 120 */
  anonRateLimitPerMinute?: number;
  /** how long a verified key is trusted without asking the warehouse again; default 5000, 0: never cached */
  keyCacheMs?: number;
  /** largest accepted request body */
  maxBodyBytes: number;
  /** delinquency settings for DPD on a date (case lists), from the config at start-up */
  snapshotSettings: SnapshotSettings;
  /** the report archive's folder (archiveRootOf the data folder); unset: the folder each archive row names */
  archiveRoot?: string;
  /** font file for report PNG/PDF (LOANWATCH_CJK_FONT); unset: the first installed CJK font */
  cjkFont?: string;
  /** the latest promised date a recorded promise may name, in days after the contact (LOANWATCH_PROMISE_MAX_DAYS); default 60 */
  promiseWindowDays?: number;
  /** the gate in front of the warehouse (api/query-gate.ts); unset: one with the defaults (api/admission.ts) */
  queryGate?: QueryGate;
  /** the case-list builder; tests inject a slow one to hold heavy requests deterministically */
  buildCaseList?: typeof buildCaseList;
}

/** Per-app caches: verified keys (seconds), unauthenticated requests per address, the score index, metric results, rendered reports. */
export interface ApiCaches {
  keys: KeyCache;
  addresses: AddressLimiter;
  scores: ScoreIndex;
  metrics: TtlCache<string, PreparedMetric>;
  reports: TtlCache<string, string | Buffer>;
}

/** requestId is the server's own (unique); clientRequestId the client's X-Request-Id, sanitised ('' when none). */
export interface AppEnv {
  Variables: {
    key: ApiKey;
    requestId: string;
    clientRequestId: string;
    clientAddress: string;
    deps: ApiDeps;
    caches: ApiCaches;
  };
}
