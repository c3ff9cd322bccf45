import { createHash } from 'node:crypto';
import { z } from 'zod';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import type { Case } from './case-list.ts';
import { recommendAction, strategyTableSchema, type Action, type StrategyTable } from './strategy.ts';
import type { ContactDecision } from './contact-filter.ts';

/**
 * Strategy champion/challenger: a case's test group is a pure function of the experiment name
 * and the loan id (SHA-256 → a point in [0, 1) → the group whose weight band holds it), so the
 * same loan stays in the same group on every run and machine, and groups are balanced by weight.
 */
export interface Arm {
  name: string;
  weight: number;
}

export function assignArm(experiment: string, loanId: string, arms: Arm[]): string {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  if (!(total > 0) || arms.some((a) => !(a.weight >= 0)))
    throw new Error('arm weights must be non-negative and sum to more than 0');
  const u = createHash('sha256').update(`${experiment}\u0000${loanId}`).digest().readUInt32BE(0) / 2 ** 32;
  let acc = 0;
  for (const a of arms) {
    acc += a.weight / total;
    if (u < acc) return a.name;
  }
  return arms[arms.length - 1]!.name;
}

/** A character an experiment or arm name may not hold: any but a letter or digit of any script (短信优先), _ . - */
const notNameCharacter = /[^\p{L}\p{M}\p{N}_.-]/gu;
const shown = (ch: string) =>
  ch === ' '
    ? 'a space'
    : /^[\p{C}\p{Z}]$/u.test(ch)
      ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
      : JSON.stringify(ch);

/**
 * A name that goes unquoted into a CSV cell, a URL's query and a file name: the characters that break
 * one (a comma, a quote, a slash, a space, ? # % & …) are refused, each named.
 */
const experimentName = (max: number) =>
  z
    .string()
    .min(1, 'empty')
    .refine((s) => (s.match(/./gsu) ?? []).length <= max, `at most ${max} characters`)
    .superRefine((s, ctx) => {
      const bad = [...new Set(s.match(notNameCharacter))];
      if (bad.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(s)} holds ${bad.map(shown).join(', ')}: a name is letters and digits of any script, _ . and - (a comma, quote, slash, space or other mark breaks a CSV cell, a URL or a file name)`,
        });
    });

/** A strategy experiment as a file: a name and its arms; an arm with its own strategy table is a challenger, one without uses the table in force. */
export const experimentSchema = z
  .object({
    name: experimentName(64),
    arms: z
      .array(
        z
          .object({
            name: experimentName(32),
            weight: z.number().positive(),
            strategy: strategyTableSchema.optional(),
          })
          .strict(),
      )
      .min(2, 'an experiment needs at least two arms'),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (new Set(e.arms.map((a) => a.name)).size !== e.arms.length)
      ctx.addIssue({ code: 'custom', path: ['arms'], message: 'arm names must be unique' });
  });
export type Experiment = z.infer<typeof experimentSchema>;

export function parseExperiment(raw: unknown): Experiment {
  const r = experimentSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `invalid experiment: ${r.error.issues.map((i) => `${i.path.join('.') || 'experiment'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

export interface AssignedCase extends Case {
  arm: string;
}

/** The contact rules' decision on a case's action under a strategy table (contact-filter.ts decideContact, with the loan's contacts). */
export type ContactDecider = (c: Case, action: Action, strategy: StrategyTable) => ContactDecision;

/**
 * Every case's arm and that arm's action. An arm without its own table keeps the case as the list
 * gave it (the table in force, a broken promise's escalation and the contact rules applied); a
 * challenger arm's action is its table's, not escalated, and passed through the same contact rules
 * (`decide`): an experiment never sends a collector to a borrower under a do-not-contact hold or
 * outside his consent, hours or caps (it left them unchecked: review 2026-12-06).
 */
export function assignExperiment(
  e: Experiment,
  cases: Case[],
  table: StrategyTable,
  decide: ContactDecider,
): AssignedCase[] {
  return cases.map((c) => {
    const arm = assignArm(e.name, c.loan_id, e.arms);
    const own = e.arms.find((a) => a.name === arm)!.strategy;
    if (!own) return { ...c, arm, action: c.action || recommendAction(table, c.stage, c.grade) };
    const action = recommendAction(own, c.stage, c.grade);
    return { ...c, arm, action, escalated_from: '', ...decide(c, action, own) };
  });
}

/**
 * Stores the issued list of a date, so results are measured on what was actually assigned. The
 * whole book's list is a re-issue: it replaces the date's earlier issue. A filtered list (a region's,
 * a team's, …) is one scope's pull: it replaces only its own loans' rows and keeps the other scopes'
 * assignments, which it never saw. Returns the date's stored cases afterwards.
 */
export async function storeAssignments(
  wh: Warehouse,
  e: Experiment,
  asOf: string,
  cases: AssignedCase[],
  o: { filtered: boolean } = { filtered: false },
): Promise<number> {
  const issue = { e: e.name, d: asOf };
  if (!o.filtered) await deleteRows(wh, 'case_assignments', 'experiment = {e:String} AND as_of = {d:Date}', issue);
  else
    for (let i = 0; i < cases.length; i += 10_000)
      await deleteRows(
        wh,
        'case_assignments',
        'experiment = {e:String} AND as_of = {d:Date} AND loan_id IN {loans:Array(String)}',
        { ...issue, loans: cases.slice(i, i + 10_000).map((c) => c.loan_id) },
      );
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < cases.length; i += 100_000) {
    await wh.client.insert({
      table: tableRef(wh, 'case_assignments'),
      format: 'JSONEachRow',
      values: cases.slice(i, i + 100_000).map((c) => ({
        experiment: e.name,
        as_of: asOf,
        loan_id: c.loan_id,
        arm: c.arm,
        stage: c.stage,
        grade: c.grade,
        action: c.action,
        product: c.product,
        region: c.region,
        dpd: c.dpd,
        balance: c.balance.toFixed(2),
        assigned_at: now,
      })),
    });
  }
  const [stored] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'case_assignments')} WHERE experiment = {e:String} AND as_of = {d:Date}`,
    issue,
  );
  return Number(stored?.n ?? 0);
}
