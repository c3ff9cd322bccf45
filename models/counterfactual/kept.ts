import { createHash } from 'node:crypto';
import type { Warehouse } from '../../warehouse/connection.ts';
import { querySqlCompact } from '../../warehouse/compact-rows.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import type { ModelArtifact } from '../model-types.ts';
import { defaultBookActions, type ActionSpec } from './actions.ts';
import { loanCounterfactuals } from './book.ts';

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
 * and use only when `scored_at` is its score's. The loan's row names its sentence pair by
 * `text_id` (keptSentenceTexts): a month-end's 45,000 sentences on the 1M bench book are 12,300
 * distinct pairs — two thirds of them one of two "no change moves this loan" pairs — and carried
 * whole on every case they were two thirds of a list's bytes.
 */
export function keptCounterfactualsSql(
  wh: Warehouse,
  k: Omit<KeptKey, 'monthEnd'> & { monthEnd: Param },
  part: LoanPart,
): Sql {
  return sql`SELECT loan_id, max(lwq_k.scored_at) AS scored_at,
      ${trusted(textId('argMax(lwq_k.text_en, lwq_k.scored_at)', 'argMax(lwq_k.text_zh, lwq_k.scored_at)'))} AS text_id
    FROM ${trusted(tableRef(wh, 'loan_counterfactuals'))} AS lwq_k
    WHERE ${keyFilter(k)} AND ${inLoanPart('loan_id', part)}
    GROUP BY loan_id`;
}

/** A sentence pair's id: its 64-bit hash in hex (12,300 pairs: a collision is ~1e-11 likely). */
const textId = (en: string, zh: string) => `hex(cityHash64(${en}, ${zh}))`;

const keyFilter = (k: Omit<KeptKey, 'monthEnd'> & { monthEnd: Param }) =>
  sql`model_name = ${param(k.model.name, 'String')} AND model_version = ${param(k.model.version, 'UInt32')}
      AND month_end = ${k.monthEnd} AND spec = ${param(k.spec, 'String')}`;

/** Every distinct sentence pair kept for the month-end and spec, by the `text_id` keptCounterfactualsSql gives a loan. */
export async function keptSentenceTexts(
  wh: Warehouse,
  k: Omit<KeptKey, 'monthEnd'> & { monthEnd: Param },
): Promise<Map<string, { en: string; zh: string }>> {
  const rows = await querySqlCompact<{ text_id: string; en: string; zh: string }>(
    wh,
    sql`SELECT ${trusted(textId('text_en', 'text_zh'))} AS text_id, any(text_en) AS en, any(text_zh) AS zh
      FROM ${trusted(tableRef(wh, 'loan_counterfactuals'))} WHERE ${keyFilter(k)} GROUP BY text_id`,
  );
  return new Map(rows.map((r) => [r.text_id, { en: r.en, zh: r.zh }]));
}

/** Keeps searched sentences ('' for a loan the search found none for, so it is not searched again). */
async function keepCounterfactuals(
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

/**
 * Searches the loans' sentences at the key's month-end with the model that scored them and keeps
 * them (scored_at: the score each explains); the sentences by loan_id, '' where none was found.
 */
export async function searchAndKeepCounterfactuals(
  wh: Warehouse,
  art: ModelArtifact,
  k: KeptKey,
  loans: readonly { loan_id: string; scored_at: number }[],
): Promise<Map<string, { en: string; zh: string }>> {
  const found = await loanCounterfactuals(
    wh,
    art,
    loans.map((l) => ({ loan_id: l.loan_id, month_end: k.monthEnd })),
  );
  const sentences = new Map(
    loans.map((l) => [l.loan_id, { en: found.get(l.loan_id)?.text.en ?? '', zh: found.get(l.loan_id)?.text.zh ?? '' }]),
  );
  await keepCounterfactuals(
    wh,
    k,
    loans.map((l) => {
      const t = sentences.get(l.loan_id)!;
      return { loan_id: l.loan_id, scored_at: l.scored_at, text_en: t.en, text_zh: t.zh };
    }),
  );
  return sentences;
}
