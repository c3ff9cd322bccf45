import type { Warehouse } from './connection.ts';
import type { TableDef } from './tables.ts';

/** Fully qualified name of a catalogue table. */
export function tableRef(wh: Pick<Warehouse, 'database'>, table: string): string {
  return `${wh.database}.${table}`;
}

function columnList(def: TableDef): string {
  return def.columns.map(([n, t]) => `  ${n} ${t}`).join(',\n');
}

/**
 * DDL for one catalogue table. Single node: a MergeTree table. Cluster: a
 * ReplicatedMergeTree `<name>_local` on every node (ON CLUSTER) plus a
 * Distributed `<name>` sharded by the loan, so all other code keeps using `<name>`.
 */
export function createTableStatements(
  wh: Pick<Warehouse, 'database' | 'cluster'>,
  def: TableDef,
  engine = 'MergeTree',
): string[] {
  const partition = def.partitionBy ? `PARTITION BY ${def.partitionBy}\n` : '';
  if (!wh.cluster) {
    return [
      `CREATE TABLE IF NOT EXISTS ${tableRef(wh, def.name)} (\n${columnList(def)}\n) ENGINE = ${engine}\n${partition}ORDER BY ${def.orderBy}`,
    ];
  }
  const onCluster = `ON CLUSTER ${wh.cluster}`;
  const replicated = `Replicated${engine}('/clickhouse/tables/{shard}/${wh.database}/${def.name}', '{replica}')`;
  return [
    `CREATE TABLE IF NOT EXISTS ${tableRef(wh, def.name)}_local ${onCluster} (\n${columnList(def)}\n) ENGINE = ${replicated}\n${partition}ORDER BY ${def.orderBy}`,
    `CREATE TABLE IF NOT EXISTS ${tableRef(wh, def.name)} ${onCluster} AS ${tableRef(wh, def.name)}_local ENGINE = Distributed(${wh.cluster}, ${wh.database}, ${def.name}_local, ${def.shardBy})`,
  ];
}

export function createDatabaseStatement(wh: Pick<Warehouse, 'database' | 'cluster'>): string {
  return `CREATE DATABASE IF NOT EXISTS ${wh.database}${wh.cluster ? ` ON CLUSTER ${wh.cluster}` : ''}`;
}
