import { assertWithinData } from '../../warehouse/data-horizon.ts';
import { execSql, querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { deleteRows } from '../../warehouse/delete-rows.ts';
import { param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import { defaultMonitor, monitorModel, storeMonitoring } from '../../models/evaluate/monitor.ts';
import type { ModelVersion } from '../../models/registry/registry.ts';
import { lastMonthEnd } from '../snapshot/build-snapshots.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { activeDelinquencyQuery } from '../snapshot/delinquency-as-of.ts';
import { latestTeamSql } from '../cases/case-actions.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { loanRuleQuery } from './rule-sql.ts';
import type { LoanRule, WarningRule, WarningRules } from './rules.ts';
import {
  finishWarningRun,
  recordRunStopped,
  refuseBesideOtherRun,
  startWarningRun,
  stopRunsBefore,
  WarningRunBusyError,
} from './warning-runs.ts';

export interface RuleOutcome {
  rule_id: string;
  kind: string;
  severity: string;
  fired: number;
  skipped: string | null;
}

/**
 * Evaluates every rule for a date and stores what fires (rule, evidence, as-of date, the loan's
 * region, product, branch and latest collection team). A re-run of the same date replaces that
 * date's warnings of those rules, so running twice never doubles them. The run is recorded in
 * warning_runs, started before the day's warnings are replaced and finished once every rule is
 * stored: a quiet day then lists as computed, and a run stopped half-way as unfinished. A run of a
 * day beside another run of it still going is refused (refuseBesideOtherRun).
 */
export async function fireWarnings(wh: Warehouse, o: FireOptions): Promise<RuleOutcome[]> {
  return (await fireWarningsRun(wh, o)).outcomes;
}

interface FireOptions {
  asOf: string;
  rules: WarningRules;
  settings: SnapshotSettings;
  champion: ModelVersion | null;
  /** how the caller names the date in a refusal (`--as-of` on the CLI; default `as_of`) */
  label?: string;
  /** run although another run of the day started earlier and has not finished (it stopped) */
  force?: boolean;
}

/**
 * fireWarnings, also saying when its own run finished: the caller that fired a day judges it by that
 * run, not by the day's latest run, which may be another one started since and still going.
 */
export async function fireWarningsRun(
  wh: Warehouse,
  o: FireOptions,
): Promise<{ outcomes: RuleOutcome[]; finishedAt: string }> {
  // as a case list for the date would be: after the data every installment due since reads as unpaid
  // (a year on, 1,024 'overdue' warnings stored on a book whose data ended then)
  await assertWithinData(wh, o.asOf, o.label ?? 'as_of');
  const monthEnd = lastMonthEnd(o.asOf);
  const ctx = {
    asOf: o.asOf,
    monthEnd,
    previousMonthEnd: addMonthEnds(monthEnd, -1),
    delinquency: (await activeDelinquencyQuery(wh, o.asOf, o.settings)).sql,
    champion: o.champion ? { name: o.champion.model_name, version: o.champion.version } : null,
  };
  const model = o.champion ? `${o.champion.model_name}@${o.champion.version}` : '';
  const run = await startWarningRun(wh, { asOf: o.asOf, rules: o.rules, champion: model });
  try {
    // before anything of the day is replaced: beside another run of the day still going, none goes on
    if (o.force) await stopRunsBefore(wh, run);
    else await refuseBesideOtherRun(wh, run);
    const out: RuleOutcome[] = [];
    // one DELETE for every rule of the date: each is a mutation costing about a second even on a small table
    await deleteRows(wh, 'warnings', 'as_of = {d:Date} AND has({r:Array(String)}, rule_id)', {
      d: o.asOf,
      r: o.rules.rules.map((r) => r.id),
    });
    for (const rule of o.rules.rules) {
      const base = { rule_id: rule.id, kind: rule.kind, severity: rule.severity };
      if (rule.kind === 'model_drift') {
        out.push({ ...base, ...(await fireModelDrift(wh, rule, o.asOf, o.champion)) });
        continue;
      }
      const q = loanRuleQuery(wh, rule, ctx);
      if ('skipped' in q) {
        out.push({ ...base, fired: 0, skipped: q.skipped });
        continue;
      }
      await insertLoanWarnings(wh, rule, o.asOf, q, rule.kind.startsWith('score_') ? model : '');
      out.push({ ...base, fired: await countFired(wh, o.asOf, rule.id), skipped: null });
    }
    const finishedAt = await finishWarningRun(wh, run, {
      skipped: out.filter((r) => r.skipped !== null).map((r) => r.rule_id),
      fired: out.reduce((n, r) => n + r.fired, 0),
    });
    return { outcomes: out, finishedAt };
  } catch (e) {
    // a run that failed half-way is no longer going: no later run of the day waits for it (the day
    // reads as unfinished until one finishes: part of it may have been replaced)
    if (!(e instanceof WarningRunBusyError)) await recordRunStopped(wh, run);
    throw e;
  }
}

async function insertLoanWarnings(wh: Warehouse, rule: LoanRule, asOf: string, fired: Sql, model: string) {
  const date = param(asOf, 'Date');
  await execSql(
    wh,
    sql`INSERT INTO ${trusted(tableRef(wh, 'warnings'))} (as_of, rule_id, kind, severity, loan_id, model, value, threshold, evidence, region, product, branch, team, fired_at)
    SELECT ${date}, ${param(rule.id, 'String')}, ${param(rule.kind, 'String')}, ${param(rule.severity, 'String')}, w.loan_id, ${param(model, 'String')},
      w.value, w.threshold, w.evidence, l.region, l.product, l.branch, ifNull(a.team, ''), now()
    FROM (${fired}) AS w
    INNER JOIN (SELECT loan_id, region, product, branch FROM ${trusted(tableRef(wh, 'loans'))}) AS l ON l.loan_id = w.loan_id
    LEFT JOIN (SELECT loan_id, ${trusted(latestTeamSql)} AS team FROM ${trusted(tableRef(wh, 'collection_actions'))}
               WHERE action_date <= ${date} GROUP BY loan_id) AS a ON a.loan_id = w.loan_id`,
    { join_use_nulls: 0 },
  );
}

/** Monitoring of the champion (PSI/CSI, realised AUC) for the month-ends after its training window up to the date; each month with a retraining signal is one warning. */
async function fireModelDrift(
  wh: Warehouse,
  rule: Extract<WarningRule, { kind: 'model_drift' }>,
  asOf: string,
  champion: ModelVersion | null,
) {
  if (!champion) return { fired: 0, skipped: 'no champion model to monitor' };
  // only the months up to the date: the demo fires 15 past dates, each of which scored every later month too
  const monitored = await monitorModel(wh, champion, {
    ...defaultMonitor,
    maxPsi: rule.max_psi,
    aucDrop: rule.auc_drop,
    until: asOf,
  });
  await storeMonitoring(wh, champion, monitored);
  const months = monitored.filter((m) => m.warnings.length > 0);
  if (months.length === 0) return { fired: 0, skipped: null };
  const model = `${champion.model_name}@${champion.version}`;
  await wh.client.insert({
    table: tableRef(wh, 'warnings'),
    format: 'JSONEachRow',
    values: months.map((m) => ({
      as_of: asOf,
      rule_id: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      loan_id: '',
      model,
      value: m.score_psi,
      threshold: rule.max_psi,
      evidence: JSON.stringify({
        month_end: m.month_end,
        score_psi: m.score_psi,
        auc: m.auc,
        test_auc: champion.metrics.test.auc,
        observed: m.observed,
        csi: m.csi,
        signals: m.warnings,
      }),
      region: '',
      product: '',
      branch: '',
      team: '',
      fired_at: Math.floor(Date.now() / 1000),
    })),
  });
  return { fired: months.length, skipped: null };
}

async function countFired(wh: Warehouse, asOf: string, ruleId: string) {
  const [r] = await querySql<{ n: string }>(
    wh,
    sql`SELECT count() AS n FROM ${trusted(tableRef(wh, 'warnings'))} WHERE as_of = ${param(asOf, 'Date')} AND rule_id = ${param(ruleId, 'String')}`,
  );
  return Number(r?.n ?? 0);
}
