import { describe, expect, it } from 'vitest';
import { createDatabaseStatement, createTableStatements } from '../../../warehouse/ddl.ts';
import type { Warehouse } from '../../../warehouse/connection.ts';
import { migrations } from '../../../warehouse/migrations/index.ts';
import { rawTables, systemTables } from '../../../warehouse/tables.ts';

describe('DDL from the table catalogue', () => {
  it('single node: one MergeTree table, re-runnable', () => {
    const [ddl, ...rest] = createTableStatements({ database: 'lw', cluster: undefined }, rawTables.payments);
    expect(rest).toEqual([]);
    expect(ddl).toMatch(/^CREATE TABLE IF NOT EXISTS lw\.payments \(/);
    expect(ddl).toMatch(/ENGINE = MergeTree\nORDER BY \(loan_id, paid_date, payment_id\)$/);
    expect(createDatabaseStatement({ database: 'lw', cluster: undefined })).toBe('CREATE DATABASE IF NOT EXISTS lw');
  });

  it('cluster: ReplicatedMergeTree *_local on every node plus a Distributed table sharded by loan', () => {
    const [local, dist] = createTableStatements({ database: 'lw', cluster: 'risk' }, systemTables.loan_month);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS lw\.loan_month_local ON CLUSTER risk \(/);
    expect(local).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/lw/loan_month', '{replica}')");
    expect(local).toContain('PARTITION BY toYear(month_end)');
    expect(dist).toBe(
      'CREATE TABLE IF NOT EXISTS lw.loan_month ON CLUSTER risk AS lw.loan_month_local ENGINE = Distributed(risk, lw, loan_month_local, cityHash64(loan_id))',
    );
    expect(createDatabaseStatement({ database: 'lw', cluster: 'risk' })).toBe(
      'CREATE DATABASE IF NOT EXISTS lw ON CLUSTER risk',
    );
  });

  it('cluster: later migrations alter the local and the Distributed table, on the cluster', () => {
    const statements = migrations
      .filter((m) => m.version >= 12)
      .flatMap((m) => m.statements({ database: 'lw', cluster: 'risk' } as Warehouse));
    const alters = statements.filter((x) => x.startsWith('ALTER TABLE'));
    expect(alters.length).toBeGreaterThan(0);
    for (const a of alters) expect(a).toMatch(/^ALTER TABLE lw\.\w+ ON CLUSTER risk /);
    expect(alters).toContain(
      'ALTER TABLE lw.payments_local ON CLUSTER risk MODIFY COLUMN ingest_id LowCardinality(String)',
    );
    expect(alters).toContain('ALTER TABLE lw.payments ON CLUSTER risk MODIFY COLUMN ingest_id LowCardinality(String)');
    // every raw table's row_hash alias is (re)made on the local and the Distributed table (a later
    // migration that adds a column to a raw table makes it again over the new column list)
    const aliased = alters.filter((x) => x.includes('ADD COLUMN IF NOT EXISTS row_hash UInt64 ALIAS cityHash64('));
    for (const t of Object.keys(rawTables))
      for (const name of [`${t}_local`, t])
        expect(aliased.some((x) => x.startsWith(`ALTER TABLE lw.${name} ON CLUSTER`))).toBe(true);
  });

  it('declares every SPEC §3 entity', () => {
    expect(Object.keys(rawTables).sort()).toEqual([
      'collection_actions',
      'customers',
      'loan_events',
      'loans',
      'payments',
      'performance',
      'schedule',
    ]);
  });
});
