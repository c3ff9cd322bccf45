import { expect } from 'vitest';
import { readAuditLog } from '../../api/audit-read.ts';
import { loadConfig } from '../../warehouse/config.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.ts';

/** The warehouse of the CLI harness's data dir, opened between commands and closed after `f`. */
export async function withCliWarehouse<T>(f: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = openWarehouse(loadConfig());
  try {
    return await f(wh);
  } finally {
    await wh.close();
  }
}

/** The newest audit entry of `action`, its details parsed; fails the test when there is none. */
export const lastAuditEntry = (action: string) =>
  withCliWarehouse(async (wh) => {
    const [row] = await readAuditLog(wh, { actions: [action] }, 1);
    expect(row, `no ${action} entry`).toBeDefined();
    return { ...row!, details: JSON.parse(row!.details) as Record<string, unknown> };
  });
