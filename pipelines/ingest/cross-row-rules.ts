import { epochDay } from '../../lib/dates.ts';
import { exec, execSql, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { sql, trusted } from '../../warehouse/sql.ts';
import type { EntitySpec } from './entity-specs.ts';
import { beforeOriginationSelect, eventDateColumn } from './origination-rule.ts';
import { scheduleRule } from './schedule-rule.ts';

/**
 * Rules a row's own fields cannot decide, judged on the staged rows the field rules accepted:
 * a loan's customer not loaded (unknownCustomers); a date before the loan's origination; a date past
 * the data horizon (dataHorizonLimit); a loan's schedule that is no schedule (scheduleRule). Fills `rules` (line, reason) with the rows that break one
 * (a row its first rule only); ingestFile quarantines them like key conflicts: they win no
 * duplicate and are not inserted. Returns how many rows it found.
 */
export interface CrossRowInput {
  spec: EntitySpec;
  /** the file's stage (line, reason and typed columns) */
  stg: string;
  /** scratch table to fill: line UInt64, reason String */
  rules: string;
  loans: string;
  customers: string;
  /** the run brings a customers file (loaded before the loans: ingestOrder) */
  customersInRun: boolean;
  /** dataHorizonLimit's tolerance */
  maxDaysAhead: number;
  /**
   * the data's last day when the run started (dataLastDate), null on an empty warehouse: the files of
   * one run are judged against the data before it, not against each other (a book's loans end
   * before its payments do)
   */
  lastBefore: string | null;
}

/** the date of a row that moves the data horizon (dataLastDate): as there, a tape month stands for its last day */
const horizonDate: Partial<Record<EntitySpec['entity'], { col: string; expr: string }>> = {
  loans: { col: 'origination_date', expr: 'origination_date' },
  payments: { col: 'paid_date', expr: 'paid_date' },
  collection_actions: { col: 'action_date', expr: 'action_date' },
  loan_events: { col: 'event_date', expr: 'event_date' },
  performance: { col: 'as_of_month', expr: 'toLastDayOfMonth(as_of_month)' },
};

/**
 * The latest date a file's rows may carry. From the loaded data's last day (`last`; on an empty
 * warehouse, the file's 99th-percentile date, so that a few stray dates cannot be the start), the
 * file's dates carry the horizon on as long as each is at most `maxDays` after the one before: a
 * day's or a month's files go through, a date after a longer gap (a mistyped year, a tape of a
 * month to come) and every date after it are past the horizon. `dates` ascend, with their row counts.
 */
export function dataHorizonLimit(
  dates: { d: string; n: number }[],
  last: string | null,
  maxDays: number,
): string | null {
  if (dates.length === 0) return last;
  let anchor = last;
  if (anchor === null) {
    const total = dates.reduce((s, x) => s + x.n, 0);
    let seen = 0;
    for (const x of dates) {
      seen += x.n;
      if (seen >= total * 0.99) {
        anchor = x.d;
        break;
      }
    }
  }
  let limit = anchor!;
  for (const { d } of dates) {
    if (d <= limit) continue;
    if (epochDay(d) - epochDay(limit) > maxDays) break;
    limit = d;
  }
  return limit;
}

/**
 * A loan names a customer loaded before it or in the same run (customers load first: ingestOrder),
 * as a payment names a loan; one quarantined in the run's customers file is no customer either.
 * A book that has never had customers — none loaded, no customers file in the run: a servicer's
 * loans and tapes alone — has none to name, and its loans load (docs/data-contract.md): quarantining
 * every loan of it would load nothing. A loan loaded so, sent again under the same customer once
 * customers arrive, is not judged again: a re-sent file stays "already present", as it was.
 */
async function unknownCustomers(wh: Warehouse, x: CrossRowInput): Promise<void> {
  if (!x.customersInRun) {
    const [c] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM (SELECT 1 FROM ${x.customers} LIMIT 1)`);
    if (Number(c!.n) === 0) return;
  }
  const unknown = `SELECT line, loan_id, customer_id FROM ${x.stg}
    WHERE reason = '' AND customer_id NOT IN (SELECT customer_id FROM ${x.customers})`;
  // the loaded loans are narrowed to those of the (usually few) rows naming no customer: a set of
  // every loaded (loan, customer) pair would hold the whole book in memory on every loans file
  await exec(
    wh,
    `INSERT INTO ${x.rules} SELECT line, concat('customer_id: no such customer ', customer_id, ' (not loaded, or quarantined)')
    FROM (${unknown}) WHERE (loan_id, customer_id) NOT IN (SELECT loan_id, customer_id FROM ${x.loans}
      WHERE loan_id IN (SELECT loan_id FROM (${unknown})))`,
  );
}

export async function crossRowRules(wh: Warehouse, x: CrossRowInput): Promise<number> {
  await exec(wh, `DROP TABLE IF EXISTS ${x.rules}`);
  await exec(wh, `CREATE TABLE ${x.rules} (line UInt64, reason String) ENGINE = Memory`);
  if (x.spec.entity === 'loans') await unknownCustomers(wh, x);
  const col = eventDateColumn[x.spec.entity];
  // the loans of the same run are loaded before (ingestOrder), so "known" means in the loans table
  if (col)
    await execSql(wh, sql`INSERT INTO ${trusted(x.rules)} ${beforeOriginationSelect(col, trusted(x.stg), x.loans)}`);
  if (x.spec.entity === 'schedule') await scheduleRule(wh, x);
  const hz = horizonDate[x.spec.entity];
  if (hz) {
    const notRuled = `line NOT IN (SELECT line FROM ${x.rules})`;
    const dates = await queryRows<{ d: string; n: string }>(
      wh,
      `SELECT toString(d) AS d, count() AS n FROM (SELECT ${hz.expr} AS d FROM ${x.stg} WHERE reason = '' AND ${notRuled}) GROUP BY d ORDER BY d`,
    );
    const last = x.lastBefore;
    const limit = dataHorizonLimit(
      dates.map((r) => ({ d: r.d, n: Number(r.n) })),
      last,
      x.maxDaysAhead,
    );
    if (limit !== null && dates.length > 0 && dates[dates.length - 1]!.d > limit) {
      const why = `${x.maxDaysAhead} days after the data horizon ${limit} (${
        last === null ? 'this file' : `the loaded data's last day ${last}`
      }${last === null || limit > last ? ', carried on by the dates of this file without a longer gap' : ''}): a date the data has not reached`;
      await exec(
        wh,
        `INSERT INTO ${x.rules} SELECT line, concat({col:String}, ': ', ${x.spec.entity === 'performance' ? 'substring(toString(as_of_month), 1, 7)' : `toString(${hz.col})`}, ' is more than ', {why:String})
        FROM ${x.stg} WHERE reason = '' AND ${notRuled} AND ${hz.expr} > {limit:Date}`,
        { col: hz.col, why, limit },
      );
    }
  }
  const [c] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${x.rules}`);
  return Number(c!.n);
}
