import { z } from 'zod';
import { UserError } from '../lib/user-error.ts';
import { loadAccrualRules, type AccrualRules } from './accrual-rules.ts';

/** LOANWATCH_PROMISE_MAX_DAYS unset (and an API app given no window: tests) */
export const defaultPromiseMaxDays = 60;

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case ClickHouse identifier');
const intFromEnv = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
/** an empty or blank value is the variable left unset (`LOANWATCH_X= loanwatch …` keeps the default) */
const unsetWhenBlank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * A rules file named by LOANWATCH_ACCRUAL_RULES, read and checked when the configuration is: a
 * missing file, bad JSON or a bad field stops the command (or the server) at start-up with the
 * reader's one line, not the first snapshot or request that accrues.
 */
const accrualRulesFile = z.preprocess(
  unsetWhenBlank,
  z
    .string()
    .optional()
    .transform((path, ctx): { path: string; rules: AccrualRules } | undefined => {
      if (path === undefined) return undefined;
      try {
        return { path, rules: loadAccrualRules(path) };
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: e instanceof UserError ? e.message : `${path}: ${String(e)}` });
        return z.NEVER;
      }
    }),
);

/**
 * Every environment variable loanwatch reads, with its default. Parsed once at
 * start-up (loadConfig); a bad value fails fast with the variable's name.
 */
export const configSchema = z.object({
  /** chDB on-disk path used when CLICKHOUSE_URL is unset. */
  LOANWATCH_DATA_DIR: z.string().min(1).default('./data'),
  /** When set, the same code talks to a ClickHouse server or cluster over HTTP(S). */
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  /** Database holding every loanwatch table. */
  CLICKHOUSE_DATABASE: identifier
    .refine((v) => !v.startsWith('lwq_'), 'the prefix lwq_ is reserved for query aliases')
    .default('loanwatch'),
  /** Cluster name: DDL becomes ON CLUSTER, ReplicatedMergeTree *_local tables plus Distributed tables. */
  LOANWATCH_CLUSTER: identifier.optional(),
  /** An installment paid within this many days of its due date is not counted overdue. */
  LOANWATCH_GRACE_DAYS: intFromEnv(0, 0, 90),
  /**
   * Ingest: a payment, action, event, origination or tape month more than this many days after the
   * data horizon (the loaded data's last day, carried on by a file's own dates without a longer gap)
   * is quarantined: one mistyped future date would otherwise move the day the data ends.
   */
  LOANWATCH_INGEST_MAX_DAYS_AHEAD: intFromEnv(31, 0, 3660),
  /**
   * Days past the loaded data's last day a state on a date (cases, dpd, promises, …) or a snapshot's
   * month-end may be asked for: today's list on yesterday's files, a month-end after a weekend or a
   * holiday. Further, every installment due since would count as unpaid (data-horizon.ts).
   */
  LOANWATCH_DATA_LAG_DAYS: intFromEnv(7, 0, 366),
  /** `due_date`: DPD counts from the due date once grace has lapsed; `grace_end`: from the end of grace. */
  LOANWATCH_DPD_CONVENTION: z.enum(['due_date', 'grace_end']).default('due_date'),
  /** Restructured loans stay at least 关注 for this many months (2023 rules, art. 20: at least one year). */
  LOANWATCH_RESTRUCTURE_OBSERVATION_MONTHS: intFromEnv(12, 0, 120),
  /** Non-retail contagion: share of a borrower's exposure that is non-performing above which all its loans are at least 次级. */
  LOANWATCH_CONTAGION_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Secret mixed into the SHA-256 of id_number (set your own in production; the default is public). */
  LOANWATCH_PII_SECRET: z.string().min(8).default('loanwatch-dev-pii-secret'),
  /** Loans per snapshot pass; more passes bound memory on large books. */
  LOANWATCH_SNAPSHOT_LOANS_PER_PASS: intFromEnv(500_000, 1_000, 100_000_000),
  /**
   * Memory one engine statement may use (MB); GROUP BY and ORDER BY spill to disk past half of it
   * (engineMemorySettings). A statement that would need more fails with the engine's memory error
   * instead of the operating system killing the process.
   */
  LOANWATCH_ENGINE_MEMORY_MB: intFromEnv(6_144, 256, 1_048_576),
  /** Port of `loanwatch serve`. */
  LOANWATCH_PORT: intFromEnv(8080, 1, 65_535),
  /** Requests per minute per API key before 429. */
  LOANWATCH_API_RATE_LIMIT: intFromEnv(6_000, 1, 10_000_000),
  /** Largest accepted request body in bytes (413 above). */
  LOANWATCH_API_MAX_BODY_BYTES: intFromEnv(1_048_576, 1_024, 104_857_600),
  /** Unauthenticated requests (no, bad or revoked key; /health) per minute per client address before 429, checked before any warehouse lookup. */
  LOANWATCH_API_ANON_RATE_LIMIT: intFromEnv(120, 1, 10_000_000),
  /** How long a verified API key is trusted without asking the warehouse (another process's revocation shows within this); 0: every request asks. */
  LOANWATCH_API_KEY_CACHE_MS: intFromEnv(5_000, 0, 600_000),
  /** Time a client has to send a request's headers (slow-header clients are cut off). */
  LOANWATCH_API_HEADERS_TIMEOUT_MS: intFromEnv(10_000, 1_000, 600_000),
  /** Time a client has to send a whole request, body included (not the time to answer it). */
  LOANWATCH_API_REQUEST_TIMEOUT_MS: intFromEnv(30_000, 1_000, 3_600_000),
  /** How long an idle keep-alive connection stays open. */
  LOANWATCH_API_KEEP_ALIVE_TIMEOUT_MS: intFromEnv(5_000, 0, 600_000),
  /** Open connections the API accepts at once; more are closed on arrival. */
  LOANWATCH_API_MAX_CONNECTIONS: intFromEnv(1_000, 1, 1_000_000),
  /** ClickHouse server only: HTTP connections the client opens at most — queries run concurrently up to this (the pool). */
  CLICKHOUSE_MAX_OPEN_CONNECTIONS: intFromEnv(10, 1, 1_000),
  /** ClickHouse server only: connections of the pool heavy API work leaves to cheap lookups (at least one stays heavy). */
  LOANWATCH_API_CHEAP_RESERVED_CONNECTIONS: intFromEnv(2, 0, 1_000),
  /** Heavy API requests (case-list builds, metric computations, report renders) computing at once. */
  LOANWATCH_API_HEAVY_REQUESTS: intFromEnv(2, 1, 1_000),
  /** Heavy API requests waiting for those; one more is answered 503 with Retry-After instead of queueing. */
  LOANWATCH_API_HEAVY_QUEUE: intFromEnv(16, 0, 100_000),
  /**
   * Embedded engine only (Linux): `nice` value given to every thread of `loanwatch serve` but the
   * event loop's, so a heavy build on the engine's threads does not hold cheap requests; 0: none.
   */
  LOANWATCH_API_ENGINE_NICE: intFromEnv(10, 0, 19),
  /** Seconds a client refused for load is told to wait (Retry-After). */
  LOANWATCH_API_RETRY_AFTER_S: intFromEnv(5, 1, 3_600),
  /** Font file (.ttf/.ttc/.otf) for report PNG and PDF; empty: the first installed of WenQuanYi Zen Hei, Noto Sans CJK. */
  LOANWATCH_CJK_FONT: z.string().default(''),
  /**
   * The latest promised date a recorded promise to pay may name, in days after the contact (the API
   * and the console; api/routes/promise-terms.ts says why 60). 0: the same day only.
   */
  LOANWATCH_PROMISE_MAX_DAYS: z.preprocess(unsetWhenBlank, intFromEnv(defaultPromiseMaxDays, 0, 366)),
  /** Accrual rules file (docs/accrual.md), read here; unset: pipelines/accrual/default-accrual.json. */
  LOANWATCH_ACCRUAL_RULES: accrualRulesFile,
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends UserError {
  readonly code = 'CONFIG_INVALID';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // one line however many variables are bad: the CLI prints a user error as one line
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${issues.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The delinquency settings every snapshot and report names. */
export interface DelinquencySettings {
  graceDays: number;
  dpdConvention: 'due_date' | 'grace_end';
  restructureObservationMonths: number;
  contagionShare: number;
  /**
   * The accrual rules of LOANWATCH_ACCRUAL_RULES, carried with the settings to every accrual (the
   * snapshot's, `dpd`'s, the case list's: pipelines/accrual/accrual-rules.ts accrualRulesOf);
   * absent: the default file's.
   */
  accrualRules?: AccrualRules | undefined;
}

export function delinquencySettings(config: Config): DelinquencySettings {
  return {
    graceDays: config.LOANWATCH_GRACE_DAYS,
    dpdConvention: config.LOANWATCH_DPD_CONVENTION,
    restructureObservationMonths: config.LOANWATCH_RESTRUCTURE_OBSERVATION_MONTHS,
    contagionShare: config.LOANWATCH_CONTAGION_SHARE,
    ...(config.LOANWATCH_ACCRUAL_RULES ? { accrualRules: config.LOANWATCH_ACCRUAL_RULES.rules } : {}),
  };
}
