import { createHash } from 'node:crypto';
import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { defaultBookActions, type ActionSpec } from './actions.ts';

/**
 * Counterfactual sentences kept per scored loan-month (warehouse/tables.ts loan_counterfactuals):
 * a case list reads the kept ones with its cases and searches only the loans it has none for.
 */

/** What a kept sentence was searched with: the actions and the target grade, hashed (a change of either is a new spec). */
export const counterfactualSpec = (actions: readonly ActionSpec[] = defaultBookActions, targetGrade?: string) =>
  createHash('sha256')
    .update(JSON.stringify({ actions, targetGrade: targetGrade ?? null }))
    .digest('hex')
    .slice(0, 16);

export interface KeptKey {
  model: { name: string; version: number };
  monthEnd: string;
  spec: string;
}

/**
 * The kept sentences of one model version's month-end and spec, one row per loan (two lists that
 * searched a loan at once both wrote it; the latest score's), for a case list to join on the loan
 * and use only when `scored_at` is its score's.
 */
export function keptCounterfactualsSql(
  wh: Warehouse,
  k: Omit<KeptKey, 'monthEnd'> & { monthEnd: Param },
  part: LoanPart,
): Sql {
  return sql`SELECT loan_id, max(lwq_k.scored_at) AS scored_at, argMax(lwq_k.text_en, lwq_k.scored_at) AS text_en,
      argMax(lwq_k.text_zh, lwq_k.scored_at) AS text_zh
    FROM ${trusted(tableRef(wh, 'loan_counterfactuals'))} AS lwq_k
    WHERE model_name = ${param(k.model.name, 'String')} AND model_version = ${param(k.model.version, 'UInt32')}
      AND month_end = ${k.monthEnd} AND spec = ${param(k.spec, 'String')} AND ${inLoanPart('loan_id', part)}
    GROUP BY loan_id`;
}

/** Keeps searched sentences ('' for a loan the search found none for, so it is not searched again). */
export async function keepCounterfactuals(
  wh: Warehouse,
  k: KeptKey,
  rows: readonly { loan_id: string; scored_at: number; text_en: string; text_zh: string }[],
) {
  const chunk = 50_000;
  for (let a = 0; a < rows.length; a += chunk)
    await wh.client.insert({
      table: tableRef(wh, 'loan_counterfactuals'),
      format: 'JSONEachRow',
      values: rows.slice(a, a + chunk).map((r) => ({
        model_name: k.model.name,
        model_version: k.model.version,
        month_end: k.monthEnd,
        spec: k.spec,
        ...r,
      })),
    });
}
