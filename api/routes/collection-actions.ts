import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { localDateOf } from '../../lib/dates.ts';
import type { Context } from 'hono';
import { execSql, querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { dataColumns, rawTables, rowHashExpr } from '../../warehouse/tables.ts';
import { entitySpecs, type FieldSpec } from '../../pipelines/ingest/entity-specs.ts';
import { beforeOriginationSelect } from '../../pipelines/ingest/origination-rule.ts';
import { fieldReasonColumns, stagedSelect } from '../../pipelines/ingest/validation-sql.ts';
import { latestTeamSql } from '../../pipelines/cases/case-actions.ts';
import type { ApiKey } from '../auth/keys.ts';
import { mayOpenLoan } from '../auth/loan-scope.ts';
import { promiseTermProblems, type TypedAction } from './promise-terms.ts';
import { defaultPromiseMaxDays } from '../../warehouse/config.ts';
import { audit } from '../audit.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { errorResponses, loanIdSchema, noQueryParameters } from '../schemas.ts';
import { invalidateCaseLists } from './cases.ts';
import { withdrawal } from './action-history.ts';
import { actionVersion } from './action-version.ts';
import { teamAssignmentProblem } from '../auth/scopes.ts';
import { maskedPersonalNumbersSql, maskPersonalNumbers } from '../../warehouse/personal-numbers.ts';

/**
 * Collection outcomes recorded by people (the console's form, `POST /v1/collection-actions`), held
 * to the same contract as a file's rows: the one row is landed as the ingest lands a file's rows and
 * staged by the ingest's own compiled rules (pipelines/ingest/validation-sql.ts over entity-specs.ts),
 * so a bad value is refused with exactly the reason a file's row would be quarantined with, and the
 * row stored is the staged row. It is written by one INSERT … SELECT of that staged row: all of it or
 * nothing. `source` (console/api), `recorded_by` (the key id) and the note go with it, and an audit row.
 *
 * Idempotent by the client's action id: the same action again answers the stored one (200), a
 * different action under a used id is a 409; concurrent requests for one id are serialised here.
 */
export const actionSources = ['console', 'api'] as const;
export type ActionSource = (typeof actionSources)[number];

const spec = entitySpecs.collection_actions;
const table = rawTables.collection_actions;
const fields = spec.fields.map((f) => f.name);

export const actionInput = z
  .object({
    action_id: z.string().max(200).openapi({ description: "the client's id of the action: sending it again is safe" }),
    loan_id: z.string().max(200),
    action_date: z.string().max(40).optional().openapi({
      description:
        "YYYY-MM-DD, not before the loan's origination nor after tomorrow (UTC); default: today where the server runs (its TZ), as the console's form",
    }),
    channel: z
      .string()
      .max(40)
      .openapi({ description: spec.fields.find((f) => f.name === 'channel')!.values!.join(', ') }),
    outcome: z
      .string()
      .max(40)
      .openapi({ description: spec.fields.find((f) => f.name === 'outcome')!.values!.join(', ') }),
    promised_amount: z
      .union([z.string().max(40), z.number()])
      .optional()
      .openapi({
        description:
          'a decimal amount above 0, at most 2 decimal places; required for promise_to_pay, refused for other outcomes',
      }),
    promised_date: z.string().max(40).optional().openapi({
      description:
        'YYYY-MM-DD from the action date to 60 days after it (LOANWATCH_PROMISE_MAX_DAYS); required for promise_to_pay, refused for other outcomes',
    }),
    action_time: z.string().max(40).optional().openapi({
      description: "local time of day HH:MM of the contact (the contact rules' hours); absent: not checked",
    }),
    team: z.string().max(200).optional().openapi({
      description:
        "default: the key's team, else the loan's current team; a collector may give only that (or the loan's current team)",
    }),
    agent_id: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "default: the key's agent id, else the key id; a collector may give only that" }),
    note: z
      .string()
      .max(1000, 'note: longer than 1000 characters')
      .optional()
      .openapi({ description: 'free text: no control character but tab, line feed and carriage return' }),
  })
  .strict()
  .openapi('CollectionActionRequest');
export type ActionInput = z.infer<typeof actionInput>;

export const storedAction = z
  .object({
    action_id: z.string(),
    loan_id: z.string(),
    action_date: z.string(),
    channel: z.string(),
    outcome: z.string(),
    agent_id: z.string(),
    team: z.string(),
    promised_amount: z.number().nullable(),
    promised_date: z.string().nullable(),
    action_time: z.string().openapi({ description: "local HH:MM ('' when not recorded)" }),
    source: z.string().openapi({ description: 'file (ingested), console or api' }),
    recorded_by: z.string().openapi({ description: "the recording key's id ('' for ingested rows)" }),
    note: z.string(),
    version: z.string().openapi({
      description:
        'the stored version: send it back as `version` with a correction or withdrawal to be refused (409) when the action changed since',
    }),
  })
  .openapi('CollectionAction');
export type StoredAction = z.infer<typeof storedAction>;

/** A value the contract refuses: 400 with each broken rule as `field: reason`. */
export class ActionRefused extends ApiError {
  constructor(readonly reasons: { field: string; message: string }[]) {
    super('bad_request', reasons.map((r) => `${r.field}: ${r.message}`).join('; '), { fields: reasons });
  }
}

/**
 * A team named for a loan becomes its queue (the case list's team is the latest action's): a typo or
 * another region's team took the loan out of every queue of its own region, unannounced.
 */
export async function refuseUnassignableTeam(wh: Warehouse, region: string, team: string): Promise<void> {
  const problem = await teamAssignmentProblem(wh, region, team);
  if (problem) throw new ActionRefused([{ field: 'team', message: problem }]);
}

/**
 * The loan's region and current team, or null when there is no such loan or the
 * key may not see it (a 404 either way). A collector sees his region's loans, and a collector of a
 * team only the loans whose current team (the team of their latest action) is his: the loans of his
 * queue. Another team's loan opened by its id would otherwise take his recording, and with it his
 * team — the loan would move out of its own team's queue into his.
 */
export async function visibleLoan(wh: Warehouse, key: ApiKey, loanId: string) {
  const [l] = await querySql<{ region: string; team: string }>(
    wh,
    sql`SELECT l.region AS region,
      ifNull((SELECT ${trusted(latestTeamSql)} FROM ${trusted(tableRef(wh, 'collection_actions'))} WHERE loan_id = ${param(loanId, 'String')}), '') AS team
    FROM ${trusted(tableRef(wh, 'loans'))} AS l WHERE l.loan_id = ${param(loanId, 'String')} LIMIT 1`,
  );
  if (!l) return null;
  return mayOpenLoan(key, l) ? l : null;
}

/** The row as the ingest lands a file's row: every field a Nullable(String) `<field>__in` (blank = absent). */
function landedRow(values: Record<string, string | undefined>): Sql {
  const cols = fields.map((f) => sql`${param(values[f] ?? null, 'Nullable(String)')} AS ${trusted(`${f}__in`)}`);
  return sql`SELECT toUInt64(1) AS line, '' AS raw, '' AS structural, ${cols.reduce((a, b) => sql`${a}, ${b}`)}`;
}

/**
 * A note is text beside the file contract's fields (a file's row has none): held to a file's text
 * rules all the same — at most 1000 characters, valid UTF-8, no control character but tab, line feed
 * and carriage return (an escape sequence stored in it would reach whoever lists the loan's actions)
 */
const noteField: FieldSpec = { name: 'note', kind: 'text' };

/** what the note breaks of noteField's rules, as the ingest words a field's reasons ('' when nothing) */
export async function noteReason(
  wh: Warehouse,
  note: string | undefined,
  field: FieldSpec = noteField,
): Promise<string> {
  if (note === undefined) return '';
  const [r] = await querySql<Record<string, string>>(
    wh,
    sql`SELECT ${trusted(fieldReasonColumns(field))} FROM (SELECT ${param(note, 'Nullable(String)')} AS ${trusted(`${field.name}__in`)})`,
  );
  return r?.[`${field.name}__reason`] ?? '';
}

/** the staged row of the landed one: reason ('' when the contract holds), the typed columns and their content hash */
export function stagedRow(wh: Warehouse, values: Record<string, string | undefined>): Sql {
  const staged = stagedSelect(spec, "''", tableRef(wh, 'loans'));
  return sql`SELECT ${trusted(staged.columns.join(', '))}, ${trusted(rowHashExpr(dataColumns(table)))} AS content_hash
    FROM (SELECT ${trusted(staged.select)} FROM (${landedRow(values)}))`;
}

/** `field: reason; field: reason` (the ingest's quarantine reason) as a list */
export const reasonsOf = (reason: string) =>
  reason.split('; ').map((r) => {
    const i = r.indexOf(': ');
    return i < 0 ? { field: '(row)', message: r } : { field: r.slice(0, i), message: r.slice(i + 2) };
  });

/** the actions matching `where`, one row per action id (every stored version with everyVersion: a correction cut short leaves two) */
export const selectActions = (wh: Warehouse, where: Sql, o: { everyVersion?: boolean } = {}) =>
  querySql<Omit<StoredAction, 'version'> & { content_hash: string }>(
    wh,
    sql`SELECT action_id, loan_id, toString(action_date) AS action_date, toString(channel) AS channel, toString(outcome) AS outcome,
      agent_id, toString(team) AS team, toFloat64(promised_amount) AS promised_amount,
      if(isNull(promised_date), NULL, toString(promised_date)) AS promised_date, action_time,
      toString(source) AS source, recorded_by, ${trusted(maskedPersonalNumbersSql('note'))} AS note, toString(row_hash) AS content_hash
    FROM ${trusted(tableRef(wh, 'collection_actions'))} WHERE ${where}
    ORDER BY action_date DESC, action_id DESC ${trusted(o.everyVersion ? '' : 'LIMIT 1 BY action_id')}`,
  );

export const publicAction = ({
  content_hash,
  ...a
}: Omit<StoredAction, 'version'> & { content_hash: string; version?: string }): StoredAction => ({
  ...a,
  version: actionVersion({ content_hash, note: a.note }),
});

/**
 * The values of one action held to the contract, as a file's row is staged, and its note to a file's
 * text rules; then the ingest's cross-row rule (a contact before the loan was lent) and a promise's
 * terms. Returns the staged row's content hash; throws ActionRefused naming every broken rule.
 */
export async function contractChecked(
  wh: Warehouse,
  values: Record<string, string | undefined>,
  noteText: string | undefined,
  promiseWindowDays: number | undefined,
): Promise<{ content_hash: string }> {
  const [row] = await querySql<TypedAction & { reason: string; content_hash: string }>(
    wh,
    sql`SELECT reason, toString(content_hash) AS content_hash, toString(outcome) AS outcome, toString(action_date) AS action_date,
      toFloat64(promised_amount) AS promised_amount, if(isNull(promised_date), NULL, toString(promised_date)) AS promised_date
    FROM (${stagedRow(wh, values)})`,
  );
  if (!row) throw new Error('the staged row of a recorded action is missing');
  const note = await noteReason(wh, noteText);
  const fieldReasons = [row.reason, note].filter((r) => r !== '').join('; ');
  if (fieldReasons !== '') throw new ActionRefused(reasonsOf(fieldReasons));
  // the ingest's cross-row rule, over the same staged row: a contact before the loan was lent
  const early = await querySql<{ reason: string }>(
    wh,
    beforeOriginationSelect('action_date', sql`(${stagedRow(wh, values)})`, tableRef(wh, 'loans')),
  );
  // the typed values (an alias such as 承诺还款 is promise_to_pay by now) against the promise's terms
  const broken = [
    ...early.flatMap((r) => reasonsOf(r.reason)),
    ...promiseTermProblems(row, { windowDays: promiseWindowDays ?? defaultPromiseMaxDays }),
  ];
  if (broken.length) throw new ActionRefused(broken);
  return row;
}

/**
 * Stores the staged row of `values` with its origin, in one statement: the row whole, or (should it
 * break a rule after all) not at all. Recorded rows carry their source as ingest_id (no run's id).
 */
export async function insertAction(
  wh: Warehouse,
  values: Record<string, string | undefined>,
  o: { source: string; recordedBy: string; note: string },
): Promise<void> {
  const staged = stagedSelect(spec, "''", tableRef(wh, 'loans'));
  const cols = staged.targetColumns.join(', ');
  await execSql(
    wh,
    sql`INSERT INTO ${trusted(tableRef(wh, 'collection_actions'))} (${trusted(cols)}, ingest_id, source, recorded_by, note)
    SELECT ${trusted(cols)}, ${param(o.source, 'String')}, ${param(o.source, 'String')}, ${param(o.recordedBy, 'String')}, ${param(o.note, 'String')}
    FROM (${stagedRow(wh, values)}) WHERE reason = ''`,
  );
}

const inFlight = new Map<string, Promise<unknown>>();
/** one recording per action id at a time in this process, so a retry racing the original finds it stored */
export async function serialised<T>(id: string, work: () => Promise<T>): Promise<T> {
  const before = inFlight.get(id) ?? Promise.resolve();
  const mine = before.then(work, work);
  inFlight.set(id, mine);
  try {
    return await mine;
  } finally {
    if (inFlight.get(id) === mine) inFlight.delete(id);
  }
}

/**
 * Records one outcome for `key` (see the module comment); `today` is the default action date.
 * Returns the stored action and whether this call created it.
 */
export async function recordCollectionAction(
  c: Context<AppEnv>,
  input: ActionInput,
  o: { source: ActionSource; today: string },
): Promise<{ created: boolean; action: StoredAction }> {
  const { wh, promiseWindowDays } = c.get('deps');
  const key = c.get('key');
  const loan = await visibleLoan(wh, key, input.loan_id);
  if (!loan) throw new ApiError('not_found', 'no such loan (or outside your region or team)');
  // the loan stays in its team unless someone names another team (an admin: collectorMayRecord);
  // only a loan no team holds yet goes to the recording key's team
  const own = { agent: nonEmpty(key.agent_id, key.key_id), team: nonEmpty(loan.team, key.team) };
  if (key.role === 'collector') collectorMayRecord(input, own, loan.team);
  return serialised(`${wh.database}\u001f${input.action_id}`, async () => {
    const [existing] = await selectActions(wh, sql`action_id = ${param(input.action_id, 'String')}`);
    // what the request leaves out is filled as it was when the action was recorded, not again: a
    // retry after midnight (another default date) or after the loan changed team is the same action
    // a named team is checked unless it is the action's own (a retry): the loan's current team may be a
    // slip stored before the check, and recording under it again kept the loan out of its queue
    if (input.team !== undefined && input.team !== existing?.team)
      await refuseUnassignableTeam(wh, loan.region, input.team);
    const values: Record<string, string | undefined> = {
      action_id: input.action_id,
      loan_id: input.loan_id,
      action_date: input.action_date ?? existing?.action_date ?? o.today,
      channel: input.channel,
      outcome: input.outcome,
      agent_id: input.agent_id ?? existing?.agent_id ?? own.agent,
      team: input.team ?? existing?.team ?? own.team,
      promised_amount: input.promised_amount === undefined ? undefined : String(input.promised_amount),
      promised_date: input.promised_date,
      action_time: input.action_time,
    };
    // stored masked, as a file's note is: the answers and the audit log then never carry the numbers
    const note = input.note === undefined ? undefined : await maskPersonalNumbers(wh, input.note);
    const row = await contractChecked(wh, values, note, promiseWindowDays);
    if (existing) {
      if (existing.content_hash !== row.content_hash || existing.loan_id !== input.loan_id)
        throw new ApiError(
          'conflict',
          `action ${input.action_id} is already recorded with other content: use a new action id for a new action`,
        );
      return { created: false, action: publicAction(existing) };
    }
    // a withdrawn action stays withdrawn: its id sent again (a client's retry of the first request) is
    // not a new action
    const gone = await withdrawal(wh, input.action_id);
    if (gone)
      throw new ApiError(
        'conflict',
        `action ${input.action_id} was withdrawn (${gone.changed_at.slice(0, 19)} UTC): use a new action id for a new action`,
      );
    await insertAction(wh, values, { source: o.source, recordedBy: key.key_id, note: note ?? '' });
    const [stored] = await selectActions(wh, sql`action_id = ${param(input.action_id, 'String')}`);
    if (!stored) throw new Error(`action ${input.action_id} was not stored`);
    // the next case list (API and console) must show it: the cached lists of this warehouse go
    invalidateCaseLists(wh);
    await audit(c, 'collection_actions.record', input.loan_id, {
      action_id: input.action_id,
      source: o.source,
      channel: stored.channel,
      outcome: stored.outcome,
      promised_amount: stored.promised_amount,
      promised_date: stored.promised_date,
      // what the action did to the loan's queue: its team before and the team recorded
      team: stored.team,
      team_before: loan.team,
    });
    return { created: true, action: publicAction(stored) };
  });
}

/**
 * A collector records its own work: under its agent id, and in its own team (the key's, else the
 * loan's current one) — naming another agent would credit or blame them (incentives, contact
 * compliance), and another team would move the loan out of its team's queue (its team is the team
 * of its latest action). Reassigning a loan is an admin's.
 */
export function collectorMayRecord(
  input: Pick<ActionInput, 'agent_id' | 'team'>,
  own: { agent: string; team: string },
  loanTeam: string,
) {
  if (input.agent_id !== undefined && input.agent_id !== own.agent)
    throw new ApiError('forbidden', `a collector records under its own agent id (${own.agent}): leave out agent_id`, {
      fields: [{ field: 'agent_id', message: `not this key's agent id ${own.agent}` }],
    });
  if (input.team !== undefined && input.team !== own.team && input.team !== loanTeam)
    throw new ApiError(
      'forbidden',
      `a collector records in its own team (${own.team || 'the loan’s'}): leave out team; reassigning a loan is for an admin`,
      { fields: [{ field: 'team', message: 'not this key’s team nor the loan’s' }] },
    );
}

/** a key without an agent id or a team has '' (or nothing) for it */
export const nonEmpty = (v: string | undefined, fallback: string) => (v === undefined || v === '' ? fallback : v);

/** A loan's actions, newest first; null when the key may not see the loan. */
export async function loanActions(c: Context<AppEnv>, loanId: string): Promise<StoredAction[] | null> {
  const { wh } = c.get('deps');
  if (!(await visibleLoan(wh, c.get('key'), loanId))) return null;
  return (await selectActions(wh, sql`loan_id = ${param(loanId, 'String')}`)).map(publicAction);
}

/** Today in UTC: the API's default action date (only request handling reads the clock). */
export const utcToday = () => new Date().toISOString().slice(0, 10);

const loanIdQuery = loanIdSchema();

export const collectionActionRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('actions:record')] as const,
      method: 'post',
      path: '/v1/collection-actions',
      summary:
        "Records a collection outcome (collectors: loans of their region), checked by the ingest's contract rules; idempotent by action_id; audited",
      request: {
        query: noQueryParameters,
        body: { required: true, content: { 'application/json': { schema: actionInput } } },
      },
      responses: {
        201: {
          description: 'recorded',
          content: { 'application/json': { schema: z.object({ action: storedAction, created: z.literal(true) }) } },
        },
        200: {
          description: 'this action id was recorded before with the same content: the stored action',
          content: { 'application/json': { schema: z.object({ action: storedAction, created: z.literal(false) }) } },
        },
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const r = await recordCollectionAction(c, c.req.valid('json'), { source: 'api', today: localDateOf(new Date()) });
      return r.created
        ? c.json({ action: r.action, created: true as const }, 201)
        : c.json({ action: r.action, created: false as const }, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('actions:read')] as const,
      method: 'get',
      path: '/v1/collection-actions',
      summary: "A loan's collection actions, newest first, ingested and recorded (collectors: loans of their region)",
      request: { query: z.object({ loan_id: loanIdQuery }).strict() },
      responses: {
        200: {
          description: 'actions',
          content: { 'application/json': { schema: z.object({ actions: z.array(storedAction) }) } },
        },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const actions = await loanActions(c, c.req.valid('query').loan_id);
      if (!actions) throw new ApiError('not_found', 'no such loan (or outside your region or team)');
      return c.json({ actions }, 200);
    },
  );
