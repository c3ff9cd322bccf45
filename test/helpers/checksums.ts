import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { rawTables, systemTables } from '../../warehouse/tables.ts';

/** Row count and an order-independent content checksum per table (run-specific columns excluded). */
export async function tableChecksums(wh: Warehouse): Promise<Record<string, { rows: number; sum: string }>> {
  const out: Record<string, { rows: number; sum: string }> = {};
  const tables = [...Object.values(rawTables), systemTables.quarantine];
  for (const t of tables) {
    const cols = t.columns.map(([n]) => n).filter((n) => !['ingest_id', 'quarantined_at'].includes(n));
    const [r] = await queryRows<{ rows: string; sum: string }>(
      wh,
      `SELECT count() AS rows, toString(sum(cityHash64(toString(tuple(${cols.join(', ')}))))) AS sum FROM ${wh.database}.${t.name}`,
    );
    out[t.name] = { rows: Number(r!.rows), sum: r!.sum };
  }
  return out;
}
