import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { resolve } from 'node:path';
import type { Config } from './config.ts';
import { assertChdbPathFree } from './chdb-lock.ts';
import { clearLeftResults } from './tsv-lines.ts';
import { render, sqlStringLiteral, type Sql } from './sql.ts';
import { makeDirectory } from '../lib/make-directory.ts';

/** Everything a pipeline needs to reach the warehouse; only this folder knows which engine it is. */
export interface Warehouse {
  client: ClickHouseClient;
  database: string;
  cluster: string | undefined;
  /** true for in-process chDB: local files can be read with file() by the engine itself. */
  embedded: boolean;
  /** embedded: where a large result is written for Node to read back (tsv-lines.ts); default the OS's temporary folder */
  resultDir?: string;
  /** days past the data's last day a state or a month-end may be asked for (LOANWATCH_DATA_LAG_DAYS; data-horizon.ts) */
  dataLagDays?: number;
  close(): Promise<void>;
}

/**
 * The engine's memory bounds, from LOANWATCH_ENGINE_MEMORY_MB, on every statement of a connection:
 * a statement's limit, and the size past which GROUP BY and ORDER BY spill to disk (half of the
 * limit, so a spilling statement still has room for the rest of its work). Input files are read
 * with `pread`, as a ClickHouse server does: chDB's default, `mmap`, maps the whole file into the
 * process, so reading a 10M-loan book's payments put 6 GB of file pages in the ingest's resident
 * memory (RssFile) beside 2.2 GB of its own.
 */
export function engineMemorySettings(config: Pick<Config, 'LOANWATCH_ENGINE_MEMORY_MB'>) {
  const limit = config.LOANWATCH_ENGINE_MEMORY_MB * 2 ** 20;
  return {
    max_memory_usage: String(limit),
    max_bytes_before_external_group_by: String(limit / 2),
    max_bytes_before_external_sort: String(limit / 2),
    storage_file_read_method: 'pread' as const,
  };
}

/**
 * Settings of how the engine plans a statement, for every statement of the session. The
 * and-compare-chain rewrite infers extra comparisons from every pair of comparisons in a
 * conjunction, which costs more than it saves on loanwatch's long statements: the snapshot's
 * loan-month statement (23 KB) took 0.6 s to analyse with it and 0.3 s without (the whole run of
 * that statement over no rows: 0.8 -> 0.5 s; a refresh runs a dozen such statements whatever the
 * number of loans it touches). It only adds filters, so the rows are the same without it.
 */
export const enginePlanningSettings = { optimize_and_compare_chain: '0' } as const;

/** Every statement's session settings: the memory bounds and the planning settings. */
export function engineSessionSettings(config: Pick<Config, 'LOANWATCH_ENGINE_MEMORY_MB'>) {
  return { ...engineMemorySettings(config), ...enginePlanningSettings };
}

export function openWarehouse(config: Config, overrides: { database?: string; dataDir?: string } = {}): Warehouse {
  const database = overrides.database ?? config.CLICKHOUSE_DATABASE;
  if (config.CLICKHOUSE_URL) {
    const client = createClient({
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      request_timeout: 3_600_000,
      // the pool: this many queries run at once on the server (the API's gate sizes its lanes from it)
      max_open_connections: config.CLICKHOUSE_MAX_OPEN_CONNECTIONS,
      clickhouse_settings: { date_time_input_format: 'best_effort', ...engineSessionSettings(config) },
    });
    return {
      client,
      database,
      cluster: config.LOANWATCH_CLUSTER,
      embedded: false,
      dataLagDays: config.LOANWATCH_DATA_LAG_DAYS,
      close: () => client.close(),
    };
  }
  const dataDir = resolve(overrides.dataDir ?? config.LOANWATCH_DATA_DIR);
  const path = resolve(dataDir, 'chdb');
  makeDirectory(path);
  assertChdbPathFree(path);
  // chDB opens one data directory per process; a second path throws until this client closes.
  // chDB's connection sends these as SET statements before each query: the whole session's bounds
  const client = createClient({
    connection: createChdbConnection({ path }),
    clickhouse_settings: engineSessionSettings(config),
  } as Parameters<typeof createClient>[0]);
  const resultDir = resolve(dataDir, 'tmp');
  clearLeftResults(resultDir);
  return {
    client,
    database,
    cluster: undefined,
    embedded: true,
    resultDir,
    dataLagDays: config.LOANWATCH_DATA_LAG_DAYS,
    close: () => client.close(),
  };
}

/**
 * Query-level SETTINGS clause. Not clickhouse_settings: chDB's connection turns
 * those into session-wide `SET k = v;` statements that stay in force for every
 * later query of the process (e.g. a CSV reader setting leaking into the next
 * file() read). Names and values come from code, never from user input.
 */
export function withSettings(query: string, settings: Record<string, unknown>): string {
  const entries = Object.entries(settings).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return query;
  // a SETTINGS value cannot be a bound parameter: text values are inlined as literals
  const literal = (v: unknown) =>
    typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : sqlStringLiteral(String(v));
  for (const [k] of entries) if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`invalid setting name ${k}`);
  return `${query}\nSETTINGS ${entries.map(([k, v]) => `${k} = ${literal(v)}`).join(', ')}`;
}

export async function queryRows<T>(
  wh: Warehouse,
  query: string,
  query_params: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await wh.client.query({ query: withSettings(query, settings), query_params, format: 'JSONEachRow' });
  return rs.json<T>();
}

export async function exec(
  wh: Warehouse,
  query: string,
  query_params: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): Promise<void> {
  await wh.client.command({ query: withSettings(query, settings), query_params });
}

/** Rows of a statement built as a fragment (its params named by render). */
export function querySql<T>(wh: Warehouse, statement: Sql, settings: Record<string, unknown> = {}): Promise<T[]> {
  const { query, query_params } = render(statement);
  return queryRows<T>(wh, query, query_params, settings);
}

/** Runs a statement built as a fragment (its params named by render). */
export function execSql(wh: Warehouse, statement: Sql, settings: Record<string, unknown> = {}): Promise<void> {
  const { query, query_params } = render(statement);
  return exec(wh, query, query_params, settings);
}
