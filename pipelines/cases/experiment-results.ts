import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { delinquencyAsOfSql } from '../snapshot/delinquency-as-of.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { UserError } from '../../lib/user-error.ts';

/** What results can be cut by (a fixed catalogue: these names become SQL identifiers). */
export const experimentSegments = {
  all: `'all'`,
  stage: 'a.stage',
  grade: 'a.grade',
  product: 'a.product',
  region: 'a.region',
  action: 'a.action',
} as const;
export type ExperimentSegment = keyof typeof experimentSegments;

/** A results request that cannot be answered (nothing issued that day, or dates out of order): said plainly, exit 2 on the CLI. */
export class ExperimentRequestError extends UserError {}

export interface ArmResult {
  arm: string;
  segment: string;
  cases: number;
  balance: number;
  /** delinquent at assignment (DPD > 0): the cure-rate denominator */
  delinquent_cases: number;
  cured: number;
  cure_rate: number | null;
  /** cash received from the day after assignment to `until`, over the assigned balance */
  collected: number;
  collected_share: number | null;
  /** this arm's cure rate minus the first arm's (the control) in the same segment, and its two-proportion z */
  cure_rate_vs_control: number | null;
  z: number | null;
}

/**
 * Results of a strategy experiment after the fact: for the list issued on `asOf`, per arm and
 * segment, the cure rate (a delinquent case is cured when it is current or paid off on `until`)
 * and the amount collected in (asOf, until], each arm against the control arm.
 */
export async function experimentResults(
  wh: Warehouse,
  o: {
    experiment: string;
    control: string;
    asOf: string;
    until: string;
    segment: ExperimentSegment;
    settings: SnapshotSettings;
  },
): Promise<ArmResult[]> {
  // the segment becomes SQL: own catalogue entries only (an inherited name like `constructor` is no column)
  if (!Object.hasOwn(experimentSegments, o.segment))
    throw new ExperimentRequestError(
      `unknown segment ${o.segment}; known: ${Object.keys(experimentSegments).join(', ')}`,
    );
  if (o.until <= o.asOf)
    throw new ExperimentRequestError(`until (${o.until}) must be after the assignment date (${o.asOf})`);
  const experiment = param(o.experiment, 'String');
  const assignedOn = param(o.asOf, 'Date');
  const until = param(o.until, 'Date');
  const assignments = trusted(tableRef(wh, 'case_assignments'));
  const assigned = sql`SELECT loan_id FROM ${assignments} WHERE experiment = ${experiment} AND as_of = ${assignedOn}`;
  const rows = await querySql<{
    arm: string;
    segment: string;
    cases: string;
    balance: number;
    delinquent_cases: string;
    cured: string;
    collected: number;
  }>(
    wh,
    sql`
    SELECT toString(a.arm) AS arm, toString(${trusted(experimentSegments[o.segment])}) AS segment, count() AS cases, toFloat64(sum(a.balance)) AS balance,
      countIf(a.dpd > 0) AS delinquent_cases, countIf(a.dpd > 0 AND (d.status = 'paid_off' OR (d.status = 'active' AND d.dpd = 0))) AS cured,
      toFloat64(sum(ifNull(p.collected, 0))) AS collected
    FROM ${assignments} AS a
    LEFT JOIN (SELECT loan_id, dpd, status FROM (${delinquencyAsOfSql(wh, o.until, o.settings)})
               WHERE loan_id IN (${assigned})) AS d ON d.loan_id = a.loan_id
    LEFT JOIN (SELECT loan_id, sum(amount) AS collected FROM ${trusted(tableRef(wh, 'payments'))}
               WHERE paid_date > ${assignedOn} AND paid_date <= ${until}
                 AND loan_id IN (${assigned})
               GROUP BY loan_id) AS p ON p.loan_id = a.loan_id
    WHERE a.experiment = ${experiment} AND a.as_of = ${assignedOn}
    GROUP BY arm, segment ORDER BY segment, arm`,
    { join_use_nulls: 1 },
  );
  if (rows.length === 0)
    throw new ExperimentRequestError(
      `no cases were assigned in experiment ${o.experiment} on ${o.asOf}: issue the list first with \`loanwatch cases --as-of ${o.asOf} --experiment …\``,
    );
  return withControl(
    rows.map((r) => {
      const n = Number(r.delinquent_cases),
        cured = Number(r.cured);
      return {
        arm: r.arm,
        segment: r.segment,
        cases: Number(r.cases),
        balance: r.balance,
        delinquent_cases: n,
        cured,
        cure_rate: n > 0 ? cured / n : null,
        collected: r.collected,
        collected_share: r.balance > 0 ? r.collected / r.balance : null,
        cure_rate_vs_control: null,
        z: null,
      };
    }),
    o.control,
  );
}

function withControl(rows: ArmResult[], control: string): ArmResult[] {
  return rows.map((r) => {
    const c = rows.find((x) => x.segment === r.segment && x.arm === control);
    if (!c || r.arm === control || r.cure_rate === null || c.cure_rate === null) return r;
    const pooled = (r.cured + c.cured) / (r.delinquent_cases + c.delinquent_cases);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / r.delinquent_cases + 1 / c.delinquent_cases));
    return {
      ...r,
      cure_rate_vs_control: r.cure_rate - c.cure_rate,
      z: se > 0 ? (r.cure_rate - c.cure_rate) / se : null,
    };
  });
}
