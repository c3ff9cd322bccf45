import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * An in-memory DuckDB for the peer benchmarks: two threads, as chDB gets on this 2-core machine.
 * Values come back as JSON (BIGINT and DECIMAL as strings), converted by the caller.
 */
export interface Duck {
  run: (sql: string) => Promise<void>;
  rows: <T = Record<string, unknown>>(sql: string) => Promise<T[]>;
  close: () => void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection: DuckDBConnection = await instance.connect();
  return {
    run: async (sql) => {
      await connection.run(sql);
    },
    rows: async <T>(sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[],
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A CSV file as DuckDB's reader sees it: header row, the columns and types given (nothing sniffed, so both sides parse alike). */
export const csv = (path: string, columns: Record<string, string>) =>
  `read_csv('${path.replaceAll("'", "''")}', header = true, auto_detect = false, nullstr = ['', '\\N'], columns = {${Object.entries(
    columns,
  )
    .map(([n, t]) => `'${n}': '${t}'`)
    .join(', ')}})`;

/** Seconds since t0, to 3 decimals. */
export const since = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));
