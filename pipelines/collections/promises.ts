import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { csvChunks } from '../../warehouse/metrics/csv.ts';
import {
  judgedThrough,
  promiseFactsSql,
  promiseRowsSql,
  specGraceDays,
} from '../../warehouse/metrics/promise-sources.ts';
import { anyOf, param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { loansWithPromisesSinceSnapshot } from './promises-since-snapshot.ts';
import { addDays } from '../../lib/dates.ts';
import { assertWithinData, dataLastDate } from '../../warehouse/data-horizon.ts';

/**
 * Promises to pay as a list (issue 22, item 2): each promise with its state on the as-of date
 * (open / kept / partial / broken, warehouse/metrics/promise-sources.ts), for a collector's
 * follow-up (`loanwatch promises`, `GET /v1/promises`). The KPIs are the catalogue's `promises`
 * metric; this list and the metric read the same SQL.
 */
export const promiseStatuses = ['open', 'kept', 'partial', 'broken'] as const;
export type PromiseStatus = (typeof promiseStatuses)[number];

export interface PromiseRow {
  action_id: string;
  loan_id: string;
  region: string;
  product: string;
  team: string;
  agent_id: string;
  channel: string;
  stage: string;
  action_date: string;
  promised_date: string;
  /** promised date + grace days: the promise is judged on it */
  deadline: string;
  /** null when the promise named no amount */
  promised_amount: number | null;
  paid_amount: number;
  status: PromiseStatus;
  /** the day the promised amount was complete (kept promises), else '' */
  kept_on: string;
  days_late: number | null;
}

export interface PromiseQuery {
  asOf: string;
  /** days after the promised date a payment still keeps it (SPEC §5: 3) */
  graceDays?: number;
  status?: readonly PromiseStatus[];
  /** `today`: promises whose promised date is the as-of date */
  due?: 'today';
  region?: readonly string[];
  team?: readonly string[];
  agent?: readonly string[];
  /** how the caller names the date in a refusal (`--as-of` on the CLI; default `as_of`, the API's field) */
  label?: string;
}

/** The promises made up to the date (scope and filters applied), the ones falling due first first. */
export async function listPromises(wh: Warehouse, q: PromiseQuery): Promise<PromiseRow[]> {
  // later, every open promise would be judged broken by payments not loaded yet
  await assertWithinData(wh, q.asOf, q.label ?? 'as_of');
  const asOf = sql`${param(q.asOf, 'Date')}`;
  const through = sql`${param(judgedThrough(q.asOf, await dataLastDate(wh)), 'Date')}`;
  const where = sql`${anyOf(q.region, 'lwq_n.region')} AND ${anyOf(q.team, 'lwq_o.team')} AND ${anyOf(q.agent, 'lwq_o.agent')}
    AND ${anyOf(q.status, 'lwq_o.status')}
    AND (${param(q.due === 'today' ? 1 : 0, 'UInt8')} = 0 OR lwq_o.promised_date = ${asOf})`;
  const rows = await querySql<
    Omit<PromiseRow, 'promised_amount' | 'paid_amount' | 'days_late'> & {
      promised: string;
      paid: string;
      has_amount: number;
      days_late: number;
    }
  >(
    wh,
    sql`SELECT action_id, loan_id, region, product, team, agent AS agent_id, channel, stage, toString(action_date) AS action_date,
        toString(promised_date) AS promised_date, toString(deadline) AS deadline, toString(promised) AS promised, toString(paid) AS paid,
        toUInt8(has_amount) AS has_amount, status, ifNull(toString(kept_on), '') AS kept_on, days_late
      FROM (${promiseFactsSql(trusted(wh.database), asOf, sql`${param(q.graceDays ?? specGraceDays, 'UInt16')}`, where, through)})
      ORDER BY promised_date, loan_id, action_id`,
  );
  return rows.map(({ promised, paid, has_amount, days_late, ...r }) => ({
    ...r,
    promised_amount: has_amount ? Number(promised) : null,
    paid_amount: Number(paid),
    days_late: r.status === 'kept' ? days_late : null,
  }));
}

const csvColumns = [
  'action_id',
  'loan_id',
  'region',
  'product',
  'team',
  'agent_id',
  'channel',
  'stage',
  'action_date',
  'promised_date',
  'deadline',
  'promised_amount',
  'paid_amount',
  'status',
  'kept_on',
  'days_late',
] as const;

/** Promises as CSV pieces (one value per cell, amounts to the cent), the same for the CLI and the API. */
export const promisesCsvChunks = (rows: readonly PromiseRow[]) =>
  csvChunks(csvColumns, rows.values(), 1000, { money: ['promised_amount', 'paid_amount'] });

/** A loan's latest promise in a state the case list escalates on, whose deadline fell in the look-back. */
export interface UnkeptPromise {
  action_id: string;
  /** the day the promise was made */
  action_date: string;
  deadline: string;
  status: PromiseStatus;
}

/**
 * Loans with a promise judged broken (or another listed state) whose deadline fell in the
 * `lookbackDays` before the date: the case list escalates them (strategy.ts escalation). The
 * latest such promise per loan.
 */
export async function recentUnkeptPromises(
  wh: Warehouse,
  o: {
    asOf: string;
    lookbackDays: number;
    graceDays: number;
    states: readonly PromiseStatus[];
    /** collection_facts was built after every payment and action loaded (a fresh snapshot): its states may be read */
    factsFresh?: boolean;
    /** the data's last day (dataLastDate), when the caller has read it already */
    dataLast?: string | null;
    /** with factsFresh: loansWithPromisesSinceSnapshot's answer, when the caller has read it already */
    changedLoans?: readonly string[];
  },
): Promise<Map<string, UnkeptPromise>> {
  const asOf = sql`${param(o.asOf, 'Date')}`;
  // a deadline after the data's last day is not judged yet (judgedThrough): it escalates nothing
  const dataLast = o.dataLast !== undefined ? o.dataLast : await dataLastDate(wh);
  const through = sql`${param(judgedThrough(o.asOf, dataLast), 'Date')}`;
  const grace = sql`${param(o.graceDays, 'UInt16')}`;
  const since = param(addDays(o.asOf, -o.lookbackDays), 'Date');
  const states = param(o.states, 'Array(String)');
  const pick = sql`SELECT loan_id, argMax(lwq_u.action_id, (lwq_u.deadline, lwq_u.action_id)) AS action_id,
        toString(argMax(lwq_u.action_date, (lwq_u.deadline, lwq_u.action_id))) AS action_date,
        toString(max(lwq_u.deadline)) AS deadline, argMax(lwq_u.status, (lwq_u.deadline, lwq_u.action_id)) AS status`;
  // only loans with a deadline in the look-back are judged (each with all its promises): not the whole book's promises
  const fromActions = async (only: Sql = trusted('1')) => {
    const loans = sql`loan_id IN (SELECT loan_id FROM ${trusted(tableRef(wh, 'collection_actions'))}
      WHERE outcome = 'promise_to_pay' AND addDays(ifNull(promised_date, action_date), ${grace}) > ${since}
        AND addDays(ifNull(promised_date, action_date), ${grace}) <= ${through}) AND ${only}`;
    return querySql<{ loan_id: string } & UnkeptPromise>(
      wh,
      sql`${pick}
        FROM (SELECT loan_id, action_id, action_date, deadline, status FROM (${promiseRowsSql(trusted(wh.database), asOf, grace, loans, through)})
              WHERE status IN ${states} AND deadline > ${since}) AS lwq_u
        GROUP BY loan_id`,
    );
  };
  // A promise's state is final once its deadline has passed (collection_facts' promise_status, judged with
  // SPEC's 3 days): for these deadlines, all on or before the date, the facts give the lifecycle's answer
  // without running it over the loans' payments. Not for another grace, nor when `open` counts (a deadline
  // after the date), nor after a load the snapshot has not seen; nor for the loans with a promise recorded,
  // corrected or withdrawn in the console or the API since (not in the facts as stored): judged from the actions
  if (o.factsFresh && o.graceDays === specGraceDays && !o.states.includes('open')) {
    const changed = o.changedLoans ?? (await loansWithPromisesSinceSnapshot(wh));
    const unseen = param(changed, 'Array(String)');
    const [fromFacts, recorded] = await Promise.all([
      querySql<{ loan_id: string } & UnkeptPromise>(
        wh,
        sql`${pick} FROM (SELECT loan_id, action_id, action_date, promise_due AS deadline, toString(promise_status) AS status
            FROM ${trusted(tableRef(wh, 'collection_facts'))}
            WHERE outcome = 'promise_to_pay' AND action_date <= ${asOf} AND promise_due > ${since} AND promise_due <= ${through}
              AND toString(promise_status) IN ${states} AND loan_id NOT IN ${unseen}) AS lwq_u
          GROUP BY loan_id`,
      ),
      changed.length > 0 ? fromActions(sql`loan_id IN ${unseen}`) : [],
    ]);
    return new Map([...fromFacts, ...recorded].map(({ loan_id, ...r }) => [loan_id, r]));
  }
  return new Map((await fromActions()).map(({ loan_id, ...r }) => [loan_id, r]));
}
