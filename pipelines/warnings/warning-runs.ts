import { createHash, randomUUID } from 'node:crypto';
import { nowDateTime64Text } from '../../lib/dates.ts';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { UserError } from '../../lib/user-error.ts';
import { computedWarningDaysSql } from '../../warehouse/warning-days-sql.ts';
import type { WarningRules } from './rules.ts';

/*
 * `warnings` holds only what fired: a day the rules never ran for and a quiet day are both no
 * warning rows. `warning_runs` (migration 43) tells them apart, and a run stopped after replacing
 * part of a day from a finished one.
 */

export interface WarningRunStart {
  asOf: string;
  runId: string;
  rules: WarningRules;
  champion: string;
}

export async function startWarningRun(
  wh: Warehouse,
  o: { asOf: string; rules: WarningRules; champion: string },
): Promise<WarningRunStart> {
  const run = { ...o, runId: randomUUID() };
  await writeRunRow(wh, run, 'started', [], 0);
  liveRuns.add(liveKey(wh, run));
  return run;
}

/** The runs this process has started and not ended: on the embedded engine the only ones that can be going. */
const liveRuns = new Set<string>();
const liveKey = (wh: Warehouse, run: WarningRunStart) => `${wh.database}\u0000${run.runId}`;
/** A run that stopped on an error is no longer going (its rows say unfinished: it may have replaced part of the day). */
const releaseWarningRun = (wh: Warehouse, run: WarningRunStart) => void liveRuns.delete(liveKey(wh, run));

/** Another run of the same day is going: this one stopped before replacing anything (exit 2). */
export class WarningRunBusyError extends UserError {}

/**
 * Two runs of one day at once would each replace the day's warnings and both insert theirs, doubling
 * them; ClickHouse has no lock to take. Each run writes its start first, then looks: when any other
 * run of the day is unfinished (neither finished, abandoned nor stopped), it records itself
 * abandoned — which the readers of a day skip — and stops before replacing anything. Whichever
 * order the starts were written in or became visible (clocks of two clients, a replica behind), two
 * runs never both go on; two that see each other both stop, and a retry goes alone. On a server a
 * run that was killed stays unfinished and holds its day back: the refusal says so, and `force` (the
 * CLI's --force) records such runs stopped and goes on (stopRunsBefore).
 */
export async function refuseBesideOtherRun(
  wh: Warehouse,
  run: WarningRunStart,
  /**
   * whether another process can be running the rules on this warehouse: on a server, yes; the embedded
   * engine's folder is held by one process, so there an unfinished run of another process stopped and
   * only this process's own runs count (a demo or a re-run after a kill is not held back)
   */
  othersMayRun = !wh.embedded,
): Promise<void> {
  const rival = (await unfinishedOthers(wh, run)).find(
    (r) => othersMayRun || liveRuns.has(liveKey(wh, { ...run, runId: r.run_id })),
  );
  if (!rival) return;
  await writeRunRow(wh, run, 'abandoned', [], 0);
  releaseWarningRun(wh, run);
  throw new WarningRunBusyError(
    `warnings for ${run.asOf}: another run started at ${rival.started} (UTC) has not finished — it may still be running: wait for it; if it stopped, run again with --force`,
  );
}

/** The day's other runs that neither finished, were abandoned nor recorded stopped: the latest start first. */
function unfinishedOthers(wh: Warehouse, run: WarningRunStart) {
  return querySql<{ run_id: string; started: string }>(
    wh,
    sql`SELECT run_id, toString(toDateTime(minIf(at, event = 'started'))) AS started
    FROM ${trusted(tableRef(wh, 'warning_runs'))} WHERE as_of = ${param(run.asOf, 'Date')} AND run_id != ${param(run.runId, 'String')}
    GROUP BY run_id
    HAVING countIf(event IN ('finished', 'abandoned', 'stopped')) = 0 AND countIf(event = 'started') > 0
    ORDER BY minIf(at, event = 'started') DESC`,
  );
}

/**
 * --force: the day's other unfinished runs are recorded stopped (the user says they are not going),
 * so they hold no later run back. The day still reads as computed only once a run finishes after
 * them: a stopped run may have replaced part of the day.
 */
export async function stopRunsBefore(wh: Warehouse, run: WarningRunStart): Promise<void> {
  for (const other of await unfinishedOthers(wh, run))
    await writeRunRow(wh, { ...run, runId: other.run_id }, 'stopped', [], 0);
}

/** A run that failed records so (best effort: the failure may be the warehouse's) and is no longer going. */
export async function recordRunStopped(wh: Warehouse, run: WarningRunStart): Promise<void> {
  releaseWarningRun(wh, run);
  await writeRunRow(wh, run, 'stopped', [], 0).catch(() => undefined);
}

/** Records the run's end and returns when it was (`YYYY-MM-DD hh:mm:ss`, a day's `computed_at`). */
export async function finishWarningRun(wh: Warehouse, run: WarningRunStart, o: { skipped: string[]; fired: number }) {
  const at = await writeRunRow(wh, run, 'finished', o.skipped, o.fired);
  releaseWarningRun(wh, run);
  return at.slice(0, 19);
}

async function writeRunRow(
  wh: Warehouse,
  run: WarningRunStart,
  event: 'started' | 'finished' | 'abandoned' | 'stopped',
  skipped: string[],
  fired: number,
) {
  const at = nowDateTime64Text();
  await wh.client.insert({
    table: tableRef(wh, 'warning_runs'),
    format: 'JSONEachRow',
    // a Distributed table queues an insert by default: a day read right after its run (the API, a
    // --list) would miss the run. Only on a cluster: on chDB a setting stays for the whole session
    ...(wh.cluster ? { clickhouse_settings: { insert_distributed_sync: 1 } } : {}),
    values: [
      {
        as_of: run.asOf,
        run_id: run.runId,
        event,
        at,
        rules_digest: createHash('sha256').update(JSON.stringify(run.rules)).digest('hex'),
        rule_ids: run.rules.rules.map((r) => r.id),
        rule_kinds: run.rules.rules.map((r) => r.kind),
        champion: run.champion,
        skipped,
        fired,
      },
    ],
  });
  return at;
}

/**
 * What is known of a day's warnings. `computed`: the latest run finished (`computed_at` its end,
 * `YYYY-MM-DD hh:mm:ss` UTC). `unfinished`: the latest run started at `started_at` and
 * has not finished: it may still be running, or it stopped with part of the day replaced and part
 * missing — nothing here tells the two apart. `never`: no run. A day fired
 * before migration 43 has warnings and no run rows: it counts as computed when its latest warning
 * was stored, so nothing that listed before the migration is refused after it.
 */
export type WarningDay =
  | {
      state: 'computed';
      computed_at: string;
      stored: number;
      /** rule ids the run skipped (no champion), and the ids it ran (null: fired before migration 43) */
      skipped: string[];
      rule_ids: string[] | null;
      /** each of rule_ids' kind, in its order (null: a run before migration 45, or fired before 43) */
      rule_kinds: string[] | null;
      champion: string;
    }
  | { state: 'unfinished'; started_at: string }
  | { state: 'never' };

export async function warningDay(wh: Warehouse, asOf: string): Promise<WarningDay> {
  const day = param(asOf, 'Date');
  // the run rows and the stored warnings are asked at once: each request of GET /v1/warnings waits on both
  const [[latest], [stored]] = await Promise.all([
    querySql<{
      started: string;
      finished: string;
      finishes: string;
      skipped: string[];
      rule_ids: string[];
      rule_kinds: string[];
      champion: string;
    }>(
      wh,
      sql`SELECT toString(toDateTime(minIf(at, event = 'started'))) AS started,
      toString(toDateTime(maxIf(at, event = 'finished'))) AS finished, countIf(event = 'finished') AS finishes,
      anyIf(skipped, event = 'finished') AS skipped, anyIf(rule_ids, event = 'finished') AS rule_ids,
      anyIf(rule_kinds, event = 'finished') AS rule_kinds,
      anyIf(champion, event = 'finished') AS champion
    FROM ${trusted(tableRef(wh, 'warning_runs'))} WHERE as_of = ${day}
    GROUP BY run_id HAVING countIf(event = 'abandoned') = 0 ORDER BY minIf(at, event = 'started') DESC LIMIT 1`,
    ),
    querySql<{ n: string; last_fired: string }>(
      wh,
      // UTC as a run's end is (written as UTC text, read back in the zone it was parsed in); fired_at
      // would show in the server's zone, and computed_at would change meaning at the migration
      sql`SELECT count() AS n, toString(max(fired_at), 'UTC') AS last_fired FROM ${trusted(tableRef(wh, 'warnings'))} WHERE as_of = ${day}`,
    ),
  ]);
  const n = Number(stored?.n ?? 0);
  if (latest && Number(latest.finishes) > 0) {
    const { finished, skipped, rule_ids, champion } = latest;
    // a run before migration 45 recorded no kinds (its column reads empty)
    const rule_kinds = latest.rule_kinds.length === rule_ids.length ? latest.rule_kinds : null;
    return { state: 'computed', computed_at: finished, stored: n, skipped, rule_ids, rule_kinds, champion };
  }
  if (latest) return { state: 'unfinished', started_at: latest.started };
  return n > 0
    ? {
        state: 'computed',
        computed_at: stored!.last_fired,
        stored: n,
        skipped: [],
        rule_ids: null,
        rule_kinds: null,
        champion: '',
      }
    : { state: 'never' };
}

/**
 * The latest day whose latest run finished (or, before migration 43, that has warnings and no run),
 * null when none: a day whose latest run has not finished is refused, so it is not named as one
 * that lists. With `onOrBefore`, the latest such day on or before it (what a page of that date can
 * say it read).
 */
export async function latestComputedDay(wh: Warehouse, onOrBefore?: string): Promise<string | null> {
  const bound = onOrBefore === undefined ? trusted('1') : sql`as_of <= ${param(onOrBefore, 'Date')}`;
  const [r] = await querySql<{ n: string; latest: string }>(
    wh,
    sql`SELECT count() AS n, toString(max(day)) AS latest
      FROM (${computedWarningDaysSql((name) => trusted(tableRef(wh, name)), bound)})`,
  );
  return Number(r?.n ?? 0) > 0 ? r!.latest : null;
}

/**
 * The one line a day without a finished run is refused with, the same from the CLI's --list and the
 * API: it names the command that computes the day, and the latest day that lists.
 */
export async function notComputedMessage(wh: Warehouse, asOf: string, day: Exclude<WarningDay, { state: 'computed' }>) {
  const latest = await latestComputedDay(wh);
  const why =
    day.state === 'unfinished'
      ? `a run started at ${day.started_at} has not finished: it may still be running (wait for it), or it stopped — then run loanwatch warnings --as-of ${asOf} again${wh.embedded ? '' : ' with --force'}`
      : `the rules never ran for it — run loanwatch warnings --as-of ${asOf}`;
  return `warnings not computed for ${asOf}: ${why}${latest && latest !== asOf ? ` (the latest day computed is ${latest})` : ''}`;
}

/**
 * The rules a computed day's run did not run, of those a request names (`rule`, `kind`; all when
 * neither): skipped (a score or model rule without a champion) or absent from its rules file. An
 * empty list for one of them would otherwise read as "ran and fired nothing". A rule's kind is the
 * run's record of it; `kindOf` names it for a run that recorded none (before migration 45).
 */
export function rulesNotRun(
  day: Extract<WarningDay, { state: 'computed' }>,
  asked: { rule?: string[]; kind?: string[] },
  kindOf: (ruleId: string) => string | undefined,
): { skipped: string[]; absent: string[] } {
  // the run's own kinds first: another rules file may give an id another kind than the caller's rules
  const recorded = new Map(
    day.rule_kinds === null ? [] : (day.rule_ids ?? []).map((id, i) => [id, day.rule_kinds![i]!]),
  );
  const kindOfId = (id: string) => recorded.get(id) ?? kindOf(id);
  const wanted = (id: string) =>
    (asked.rule === undefined || asked.rule.includes(id)) &&
    (asked.kind === undefined || asked.kind.includes(kindOfId(id) ?? ''));
  const ran = day.rule_ids;
  return {
    skipped: day.skipped.filter(wanted),
    absent: ran === null ? [] : (asked.rule ?? []).filter((id) => !ran.includes(id) && wanted(id)),
  };
}

/** The clause an empty listing adds when rules it asked for did not run: "high_score was skipped …". */
export function notRunClause(
  day: Extract<WarningDay, { state: 'computed' }>,
  o: { skipped: string[]; absent: string[] },
) {
  const were = (ids: string[]) => `${ids.join(', ')} ${ids.length === 1 ? 'was' : 'were'}`;
  return [
    o.skipped.length > 0
      ? `${were(o.skipped)} skipped in the run at ${day.computed_at}${day.champion === '' ? ': no champion model' : ''}`
      : '',
    o.absent.length > 0 ? `${were(o.absent)} not in the rules run at ${day.computed_at}` : '',
  ]
    .filter((c) => c !== '')
    .join('; ');
}
