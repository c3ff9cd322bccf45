import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { execSql, querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { entitySpecs, type FieldSpec } from '../../pipelines/ingest/entity-specs.ts';
import { rowJsonExpr } from '../../pipelines/ingest/key-conflicts.ts';
import type { CorrectionOrigin } from '../../pipelines/ingest/apply-corrections.ts';
import { maskPersonalNumbers } from '../../warehouse/personal-numbers.ts';
import type { ApiKey } from '../auth/keys.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { lastActionEdit, latestActionChange, type ActionChange } from './action-history.ts';
import { versionStanding } from './action-version.ts';
import { invalidateCaseLists } from './cases.ts';
import {
  actionInput,
  ActionRefused,
  collectorMayRecord,
  contractChecked,
  insertAction,
  nonEmpty,
  noteReason,
  publicAction,
  selectActions,
  serialised,
  stagedRow,
  visibleLoan,
  refuseUnassignableTeam,
  type ActionSource,
  type StoredAction,
} from './collection-actions.ts';

/**
 * Corrections and withdrawals of the actions people recorded (the console, the API), stored as the
 * ingest's `--correct` and `--retract` store theirs (docs/data-contract.md, "Corrections and
 * retractions"): an audit row in row_corrections (old and new row as JSON, their hashes, the old and
 * new loan) written first, then the stored row replaced (or removed), so the row reflects the latest
 * version, the audit keeps every earlier one, and the next snapshot refreshes the loan from the audit
 * (pipelines/snapshot/corrected-loans.ts). Who did it, when, why, before and after go to the API's
 * audit log as well (`collection_actions.correct` / `.withdraw`, with the request id that
 * row_corrections carries as its ingest_id).
 *
 * Our choices where the SPEC is silent:
 * - only actions recorded by people (source console/api); a file's row is the file's to correct
 *   (`ingest --correct` / `--retract`): 409 naming them;
 * - a collector corrects or withdraws only his own actions — recorded by his key, or under his agent
 *   id — on loans of his queue (another's: 403; a loan outside his queue: 404, as for recording);
 *   there is no team-lead role, so a team's actions are corrected by an admin, who may correct any;
 * - an action stays on its loan: recorded on the wrong loan, it is withdrawn and recorded anew;
 * - the recorder (recorded_by) and the source stay the original's: the corrector is in the audit;
 * - a withdrawn action id stays used: it cannot be corrected, nor recorded again;
 * - optimistic concurrency is the client's choice: with the `version` it read, a change made since is
 *   a 409 (who, when, the current action); without one (clients older than the field) the last
 *   request wins, as before. The same correction sent again is "unchanged" whatever its version.
 *
 * Replacement order: the audit log, the audit row, the new version inserted, the other versions
 * deleted. A request cut short after any step and sent again finishes (no second audit row of the
 * same change, the log entry at most twice): the action is never missing, and two stored versions
 * are reduced to the one asked for.
 */

const spec = entitySpecs.collection_actions;

/** an optional `version` of the body (GET's `version` of the action) */
const versionField = z.string().max(100).optional().openapi({
  description:
    "the action's `version` as GET /v1/collection-actions listed it: when given and the action changed since, 409 with the current action; absent, the change applies to whatever is stored (as before this field)",
});

/** PUT's body: the action's values, as POST takes them, without its id (in the path). */
export const correctionInput = actionInput
  .omit({ action_id: true })
  .extend({
    loan_id: z.string().max(200).optional().openapi({
      description: 'the stored loan id, when given: an action stays on its loan (withdraw it and record anew)',
    }),
    reason: z
      .string()
      .max(500, 'reason: longer than 500 characters')
      .optional()
      .openapi({ description: 'why it is corrected (kept in the audit log)' }),
    version: versionField,
  })
  .strict()
  .openapi('CollectionActionCorrection');
export type CorrectionInput = z.infer<typeof correctionInput>;

export const withdrawalInput = z
  .object({
    reason: z
      .string()
      .max(500, 'reason: longer than 500 characters')
      .openapi({ description: 'why it is withdrawn (required; kept in the audit log)' }),
    version: versionField,
  })
  .strict()
  .openapi('CollectionActionWithdrawal');

const reasonField: FieldSpec = { name: 'reason', kind: 'text' };

/** a reason held to a file's text rules (no control character but tab and line breaks); required when asked */
async function checkedReason(wh: Warehouse, reason: string | undefined, required: boolean): Promise<string> {
  if (required && (reason === undefined || reason.trim() === ''))
    throw new ActionRefused([{ field: 'reason', message: 'missing: say why the action is withdrawn' }]);
  const broken = await noteReason(wh, reason, reasonField);
  if (broken !== '') throw new ActionRefused([{ field: 'reason', message: broken.replace(/^reason: /u, '') }]);
  // the reason goes to the audit log and the trail: a phone or ID number typed into it is masked as a note's
  return maskPersonalNumbers(wh, reason?.trim() ?? '');
}

/** Whether `key` may change the stored action (beyond seeing its loan): see the module comment. */
export function mayChangeAction(key: ApiKey, a: Pick<StoredAction, 'source' | 'recorded_by' | 'agent_id'>): boolean {
  if (a.source === 'file') return false;
  if (key.role === 'admin') return true;
  if (key.role !== 'collector') return false;
  return a.recorded_by === key.key_id || (!!key.agent_id && a.agent_id === key.agent_id);
}

type Version = Omit<StoredAction, 'version'> & { content_hash: string };

/**
 * A client's `version` that no stored version has any more (action-version.ts): the action was
 * changed since the client read it, a 409 naming who changed it and when, with the current action to
 * fill its form from; its note alone, a 409 saying so (`part: note`), or that a number in it may
 * only be shown masked since. A version it never had is a 400.
 */
async function refuseStale(wh: Warehouse, actionId: string, versions: Version[], asked: string | undefined) {
  if (asked === undefined) return;
  const current = publicAction(versions[0]!);
  const standing = await versionStanding(wh, { id: actionId, loanId: current.loan_id }, versions, asked);
  if (standing === 'current') return;
  if (standing === 'never')
    throw new ApiError(
      'bad_request',
      `version ${JSON.stringify(asked)} is no version action ${actionId} ever had: send the version GET /v1/collection-actions gives it`,
      { fields: [{ field: 'version', message: 'not a version of this action' }] },
    );
  const edit = await lastActionEdit(wh, actionId, current.loan_id);
  const note = standing === 'note_changed' || standing === 'note_masked';
  // a note masked by the upgrade was edited by nobody: only a correction is named as the change
  const last = note && edit?.action !== 'collection_actions.correct' ? null : edit;
  const by = last ? ` by ${last.by} at ${last.at} UTC` : '';
  const what =
    standing === 'note_changed'
      ? `the note of action ${actionId} was changed since you read it${by}`
      : standing === 'note_masked'
        ? `the note of action ${actionId} is not the one you read: a phone or ID number in it is now shown masked, or it was changed since${by}`
        : `action ${actionId} was changed since you read it${by}`;
  throw new ApiError(
    'conflict',
    `${what}: its current values are in details.current (version ${current.version}); send your change again with that version if it still applies`,
    {
      reason: 'changed',
      part: note ? 'note' : 'action',
      by: last?.by ?? '',
      at: last?.at ?? '',
      current,
    },
  );
}

/**
 * The stored versions of the action (normally one) and its loan, checked for the key: 404 when there
 * is none it may see, 409 for a file's row, 403 for another's; `withdrawn` when it was withdrawn.
 */
async function changeable(
  wh: Warehouse,
  key: ApiKey,
  actionId: string,
): Promise<{ versions: Version[] } | { withdrawn: string; loanId: string }> {
  const versions = await selectActions(wh, sql`action_id = ${param(actionId, 'String')}`, { everyVersion: true });
  const first = versions[0];
  if (!first) {
    const last = await latestActionChange(wh, actionId);
    if (last?.action === 'retract' && (await visibleLoan(wh, key, last.old_loan_id)))
      return { withdrawn: last.changed_at.slice(0, 19), loanId: last.old_loan_id };
    throw new ApiError('not_found', `no such action ${actionId} (or its loan is outside your region or team)`);
  }
  if (!(await visibleLoan(wh, key, first.loan_id)))
    throw new ApiError('not_found', `no such action ${actionId} (or its loan is outside your region or team)`);
  if (first.source === 'file')
    throw new ApiError(
      'conflict',
      `action ${actionId} was loaded from a file: correct it with \`loanwatch ingest --correct\`, withdraw it with \`ingest --retract\``,
    );
  if (!mayChangeAction(key, first))
    throw new ApiError(
      'forbidden',
      `action ${actionId} was recorded by someone else: a collector corrects only his own actions`,
    );
  return { versions };
}

/**
 * The audit row of one change, as the ingest's auditAndDelete writes it: the loaded row `old` of the
 * action and, for a correction, the staged row of `values`.
 */
async function writeChange(
  wh: Warehouse,
  o: {
    action: 'correct' | 'retract';
    actionId: string;
    old: Version;
    values?: Record<string, string | undefined>;
    requestId: string;
    file: string;
    /** the key that made the change and the reason it gave (row_corrections.actor, .reason) */
    origin: CorrectionOrigin;
  },
): Promise<void> {
  const oldRow = sql`SELECT action_id, loan_id AS o_loan, row_hash AS o_hash, toString(ingest_id) AS o_ingest, ${trusted(rowJsonExpr(spec))} AS o_row
    FROM ${trusted(tableRef(wh, 'collection_actions'))}
    WHERE action_id = ${param(o.actionId, 'String')} AND row_hash = ${param(o.old.content_hash, 'UInt64')} LIMIT 1`;
  const newRow: Sql = o.values
    ? sql`SELECT ${trusted(rowJsonExpr(spec))} AS n_row, content_hash AS n_hash, loan_id AS n_loan FROM (${stagedRow(wh, o.values)})`
    : sql`SELECT '' AS n_row, toUInt64(0) AS n_hash, '' AS n_loan`;
  await execSql(
    wh,
    sql`INSERT INTO ${trusted(tableRef(wh, 'row_corrections'))}
      (at, ingest_id, entity, key, action, old_row, new_row, old_hash, new_hash, old_ingest_id, old_loan_id, new_loan_id, file, line, actor, reason)
    SELECT now64(3), ${param(o.requestId, 'String')}, 'collection_actions', action_id, ${param(o.action, 'String')}, o_row, n_row,
      o_hash, n_hash, o_ingest, o_loan, n_loan, ${param(o.file, 'String')}, 0, ${param(o.origin.actor, 'String')}, ${param(o.origin.reason, 'String')}
    FROM (${oldRow}) AS lwq_o CROSS JOIN (${newRow}) AS lwq_n`,
  );
}

/** whether the action's latest audit row is this change of this row: a request cut short after it, sent again */
const audited = (last: ActionChange | null, action: string, oldHash: string, newHash: string) =>
  last?.action === action && last.old_hash === oldHash && last.new_hash === newHash;

/** The action the staged row of `values` would store (the audit log's `after`), with its origin and note. */
async function stagedAction(
  wh: Warehouse,
  values: Record<string, string | undefined>,
  origin: Pick<StoredAction, 'source' | 'recorded_by' | 'note'>,
): Promise<StoredAction> {
  const [r] = await querySql<
    Omit<StoredAction, 'source' | 'recorded_by' | 'note' | 'version'> & { content_hash: string }
  >(
    wh,
    sql`SELECT toString(content_hash) AS content_hash, action_id, loan_id, toString(action_date) AS action_date, toString(channel) AS channel, toString(outcome) AS outcome,
      agent_id, toString(team) AS team, toFloat64(promised_amount) AS promised_amount,
      if(isNull(promised_date), NULL, toString(promised_date)) AS promised_date, action_time
    FROM (${stagedRow(wh, values)})`,
  );
  if (!r) throw new Error('the staged row of a corrected action is missing');
  return publicAction({ ...r, ...origin });
}

/** the stored action's fields that differ from the new version's (the audit log's `changed`) */
const changedFields = (a: StoredAction, b: StoredAction) =>
  (Object.keys(a) as (keyof StoredAction)[]).filter((k) => k !== 'version' && a[k] !== b[k]);

/**
 * Replaces the values of an action `key` may change (see the module comment) after the checks a
 * POST makes: the same 400 reasons. What the request leaves out of action_date, agent_id, team and
 * note stays as stored; the other fields are as given (absent: no value). The same correction again
 * changes nothing (`changed` false).
 */
export async function correctCollectionAction(
  c: Context<AppEnv>,
  actionId: string,
  input: CorrectionInput,
  o: { source: ActionSource },
): Promise<{ changed: boolean; action: StoredAction }> {
  const { wh, promiseWindowDays } = c.get('deps');
  const key = c.get('key');
  return serialised(`${wh.database}\u001f${actionId}`, async () => {
    const found = await changeable(wh, key, actionId);
    if ('withdrawn' in found) {
      // who withdrew it, when and why: a form opened before (another tab) is told what happened to it
      const last = await lastActionEdit(wh, actionId, found.loanId);
      const w = last?.action === 'collection_actions.withdraw' ? last : null;
      throw new ApiError(
        'conflict',
        `action ${actionId} was withdrawn${w ? ` by ${w.by}` : ''} (${w?.at ?? found.withdrawn} UTC): record a new action`,
        { reason: 'withdrawn', by: w?.by ?? '', at: w?.at ?? found.withdrawn, why: w?.reason ?? '' },
      );
    }
    const { versions } = found;
    const stored = versions[0]!;
    if (input.loan_id !== undefined && input.loan_id !== stored.loan_id)
      throw new ActionRefused([
        {
          field: 'loan_id',
          message: `the action is on loan ${stored.loan_id}: an action stays on its loan (withdraw it and record a new one on the other loan)`,
        },
      ]);
    const loan = await visibleLoan(wh, key, stored.loan_id);
    if (key.role === 'collector') {
      const own = { agent: nonEmpty(key.agent_id, key.key_id), team: nonEmpty(loan?.team ?? '', key.team) };
      // the team the action was recorded in is his as well
      collectorMayRecord(input.team === stored.team ? { ...input, team: undefined } : input, own, loan?.team ?? '');
    }
    // only a changed team is checked, whatever the loan's current team is (it may be a slip stored before the check)
    if (input.team !== undefined && input.team !== stored.team)
      await refuseUnassignableTeam(wh, loan?.region ?? '', input.team);
    const values: Record<string, string | undefined> = {
      action_id: actionId,
      loan_id: stored.loan_id,
      action_date: input.action_date ?? stored.action_date,
      channel: input.channel,
      outcome: input.outcome,
      agent_id: input.agent_id ?? stored.agent_id,
      team: input.team ?? stored.team,
      promised_amount: input.promised_amount === undefined ? undefined : String(input.promised_amount),
      promised_date: input.promised_date,
      action_time: input.action_time,
    };
    // masked as a recorded note is (the stored one was masked when stored or is when read)
    const note = input.note === undefined ? stored.note : await maskPersonalNumbers(wh, input.note);
    const row = await contractChecked(wh, values, note, promiseWindowDays);
    const reason = await checkedReason(wh, input.reason, false);
    const current = versions.find((v) => v.content_hash === row.content_hash && v.note === note);
    const others = versions.filter((v) => v !== current);
    // the same correction sent again is answered as done, whatever version it was sent with
    if (current && others.length === 0) return { changed: false, action: publicAction(current) };
    await refuseStale(wh, actionId, versions, input.version);
    // the version replaced: the one whose values differ, else (the note alone changed) the stored one
    const old = others.find((v) => v.content_hash !== row.content_hash) ?? others[0]!;
    const dataChanged = old.content_hash !== row.content_hash;
    const done =
      dataChanged && audited(await latestActionChange(wh, actionId), 'correct', old.content_hash, row.content_hash);
    // the audit log first, then the audit row, the new version, the old one's removal: a request cut
    // short and sent again is logged once (twice at worst, cut between the two audits), never not at all
    if (dataChanged ? !done : !current) {
      const after = await stagedAction(wh, values, { source: stored.source, recorded_by: stored.recorded_by, note });
      await audit(c, 'collection_actions.correct', stored.loan_id, {
        action_id: actionId,
        source: o.source,
        reason,
        changed: changedFields(publicAction(old), after),
        before: publicAction(old),
        after,
      });
    }
    if (dataChanged && !done)
      await writeChange(wh, {
        action: 'correct',
        actionId,
        old,
        values,
        requestId: c.get('requestId'),
        file: `${o.source}:${key.key_id}`,
        origin: { actor: key.key_id, reason },
      });
    if (!current) await insertAction(wh, values, { source: stored.source, recordedBy: stored.recorded_by, note });
    await deleteRows(
      wh,
      'collection_actions',
      'action_id = {id:String} AND NOT (row_hash = {hash:UInt64} AND note = {note:String})',
      { id: actionId, hash: row.content_hash, note },
    );
    const [after] = await selectActions(wh, sql`action_id = ${param(actionId, 'String')}`);
    if (!after) throw new Error(`action ${actionId} is missing after its correction`);
    invalidateCaseLists(wh);
    return { changed: true, action: publicAction(after) };
  });
}

/**
 * Withdraws an action `key` may change, with a reason: audited (row_corrections as a retraction, the
 * audit log with the reason and the action as it was), then removed. Withdrawn again: nothing changes
 * (`changed` false).
 */
export async function withdrawCollectionAction(
  c: Context<AppEnv>,
  actionId: string,
  reasonText: string,
  o: { source: ActionSource; version?: string },
): Promise<{ changed: boolean; action_id: string; withdrawn: StoredAction | null }> {
  const { wh } = c.get('deps');
  const key = c.get('key');
  return serialised(`${wh.database}\u001f${actionId}`, async () => {
    const found = await changeable(wh, key, actionId);
    // withdrawn already: the same request again is answered, not refused
    if ('withdrawn' in found) return { changed: false, action_id: actionId, withdrawn: null };
    const { versions } = found;
    const reason = await checkedReason(wh, reasonText, true);
    await refuseStale(wh, actionId, versions, o.version);
    const stored = versions[0]!;
    const last = await latestActionChange(wh, actionId);
    const pending = versions.filter((v) => !audited(last, 'retract', v.content_hash, '0'));
    // as a correction: the audit log, the audit rows, then the removal
    if (pending.length > 0)
      await audit(c, 'collection_actions.withdraw', stored.loan_id, {
        action_id: actionId,
        source: o.source,
        reason,
        before: publicAction(stored),
      });
    for (const v of pending)
      await writeChange(wh, {
        action: 'retract',
        actionId,
        old: v,
        requestId: c.get('requestId'),
        file: `${o.source}:${key.key_id}`,
        origin: { actor: key.key_id, reason },
      });
    await deleteRows(wh, 'collection_actions', 'action_id = {id:String}', { id: actionId });
    invalidateCaseLists(wh);
    return { changed: true, action_id: actionId, withdrawn: publicAction(stored) };
  });
}
