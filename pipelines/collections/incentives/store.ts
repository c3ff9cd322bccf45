import { createHash } from 'node:crypto';
import { querySql, type Warehouse } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { deleteRows } from '../../../warehouse/delete-rows.ts';
import { param, sql, trusted } from '../../../warehouse/sql.ts';
import type { EvidenceRow, IncentiveResult } from './award.ts';
import type { IncentiveScheme } from './scheme.ts';
import { nowDateTime64Text } from '../../../lib/dates.ts';

/** SHA-256 of the scheme as parsed (keys in schema order): which scheme an issued month used. */
export const schemeSha256 = (s: IncentiveScheme) => createHash('sha256').update(JSON.stringify(s)).digest('hex');

/** A stored evidence line: an award's, or (agent '', kind `unattributed`) cash no agent earned. */
export interface StoredEvidence extends Omit<EvidenceRow, 'month' | 'kind'> {
  month_end: string;
  kind: EvidenceRow['kind'] | 'unattributed';
}

/** The month's awards and evidence, replacing an earlier issue of the same month. */
export async function storeIncentives(wh: Warehouse, r: IncentiveResult, scheme: IncentiveScheme) {
  for (const table of ['incentive_awards', 'incentive_evidence'])
    await deleteRows(wh, table, 'month_end = {m:Date}', { m: r.month_end });
  const sha = schemeSha256(scheme);
  const issuedAt = nowDateTime64Text();
  if (r.agents.length > 0)
    await wh.client.insert({
      table: tableRef(wh, 'incentive_awards'),
      format: 'JSONEachRow',
      values: r.agents.map(({ month: _m, ...a }) => ({
        ...a,
        month_end: r.month_end,
        scheme_sha256: sha,
        attribution_days: r.attribution_days,
        issued_at: issuedAt,
      })),
    });
  const unattributed: StoredEvidence[] = r.unattributed.map((u) => ({
    month_end: r.month_end,
    agent_id: '',
    team: u.reason === 'agency' ? 'agency' : '',
    kind: 'unattributed',
    loan_id: u.loan_id,
    ref_id: u.cash_id,
    action_id: u.action_id,
    date: u.date,
    stage: u.stage,
    bucket: u.bucket,
    base: u.amount,
    rate: 0,
    value: 0,
    note: u.reason === 'agency' ? `agency ${u.by}` : u.reason,
  }));
  const lines: StoredEvidence[] = [
    ...r.evidence.map(({ month: _m, ...e }) => ({ ...e, month_end: r.month_end })),
    ...unattributed,
  ];
  if (lines.length > 0)
    await wh.client.insert({ table: tableRef(wh, 'incentive_evidence'), format: 'JSONEachRow', values: lines });
}

/** Evidence lines of an issued month (all agents', or the listed agents'), in agent, kind, date order. */
export async function listIncentiveEvidence(
  wh: Warehouse,
  o: { monthEnd: string; agents?: readonly string[]; withUnattributed?: boolean },
): Promise<StoredEvidence[]> {
  const agentFilter = o.agents ? sql`agent_id IN ${param([...o.agents], 'Array(String)')}` : trusted('1');
  const rows = await querySql<Omit<StoredEvidence, 'base' | 'value'> & { base: string; value: string }>(
    wh,
    sql`SELECT toString(month_end) AS month_end, agent_id, toString(team) AS team, toString(kind) AS kind, loan_id, ref_id, action_id,
          toString(date) AS date, toString(stage) AS stage, toString(bucket) AS bucket, toString(base) AS base, rate,
          toString(value) AS value, note
        FROM ${trusted(tableRef(wh, 'incentive_evidence'))} AS lwq_e
        WHERE lwq_e.month_end = ${param(o.monthEnd, 'Date')} AND ${agentFilter}
          AND ${o.withUnattributed ? trusted('1') : trusted("lwq_e.kind != 'unattributed'")}
        ORDER BY agent_id = '', agent_id, indexOf(['commission', 'cure_bonus', 'multiplier', 'cap', 'deduction', 'floor', 'unattributed'], toString(lwq_e.kind)), lwq_e.date, ref_id`,
  );
  return rows.map((r) => ({ ...r, base: Number(r.base), value: Number(r.value) }));
}

/** The issued months (month-ends), latest first. */
export const issuedMonths = async (wh: Warehouse) =>
  (
    await querySql<{ m: string }>(
      wh,
      sql`SELECT DISTINCT toString(month_end) AS m FROM ${trusted(tableRef(wh, 'incentive_awards'))} ORDER BY m DESC`,
    )
  ).map((r) => r.m);
