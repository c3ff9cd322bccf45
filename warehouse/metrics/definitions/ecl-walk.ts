import { addMonthEnds } from '../../../lib/dates.ts';
import type { DerivedMetric, MetricColumn, MetricRow } from '../definition.ts';

/** The walk's steps, in the order they are applied (each loan's change is split in this order). */
const eclWalkSteps = [
  'opening',
  'new_loans',
  'repaid',
  'written_off',
  'stage_moves',
  'pd_change',
  'lgd_change',
  'closing',
] as const;
type EclWalkStep = (typeof eclWalkSteps)[number];

const cents = (x: number) => Math.round(x * 100);

interface StageParams {
  pd: Map<number, number>;
  lgd: number;
  ecl: number;
}

const eclWalkColumns = (): MetricColumn[] => [
  ...['step_order', 'step', 'from_month', 'month_end'].map((name) => ({ name, kind: 'dimension' as const })),
  ...['amount', 'before', 'after'].map((name) => ({ name, kind: 'measure' as const })),
];

/**
 * ECL walk (变动分析) from the month-end before the as-of month-end (M − 1) to the as-of month-end
 * (M), on the `ecl` metric's definition: a loan's ECL at a month-end = its EAD × its stage's PD × the
 * LGD of that month-end (the stage-level PD and LGD the `ecl` metric reports, so the loans of a
 * stage sum to the stage's ECL). The change is split loan by loan:
 * - new loans: ECL at M of loans not active at M − 1;
 * - repaid: − ECL at M − 1 of loans closed in the month other than by write-off, plus, for loans
 *   active at both, the effect of their balance change at M − 1's stage, PD and LGD;
 * - written off: − ECL at M − 1 of loans written off in the month (moved to WO);
 * - stage moves: the loan's M balance × (PD at M − 1 of its stage at M − PD at M − 1 of its stage
 *   at M − 1) × LGD at M − 1 (a stage empty at M − 1 takes its PD at M);
 * - PD change: M balance × (PD at M − PD at M − 1, both of its stage at M) × LGD at M − 1;
 * - LGD change: M balance × PD at M × (LGD at M − LGD at M − 1).
 * Opening and closing are the `ecl` metric's totals at M − 1 and M. Amounts are in cents-exact
 * decimals: each step is rounded to the cent and the last step (LGD change) takes the rounding
 * difference (at most a few cents), so the steps add up to closing − opening exactly.
 */
export const eclWalk = {
  name: 'ecl_walk',
  kind: 'derived',
  columns: eclWalkColumns,
  title: 'ECL walk: change in ECL since the previous month-end',
  description:
    'Opening ECL (previous month-end), the change split into new loans, repaid/closed, written off, stage moves, PD changes and LGD changes, and closing ECL (as-of month-end); each step with the running total before and after it.',
  filters: ['product', 'region', 'branch', 'channel'],
  async derive(run, request, asOf) {
    const { product, region, branch, channel } = request;
    const filters = { product, region, branch, channel };
    const prevMonth = addMonthEnds(asOf, -1);
    const stageParams = async (at: string): Promise<StageParams> => {
      const r = await run('ecl', { ...filters, as_of: at, group_by: ['stage'] });
      return {
        pd: new Map(r.rows.map((x) => [Number(x.stage), Number(x.pd)])),
        lgd: Number(r.rows[0]?.lgd ?? 0),
        ecl: r.rows.reduce((s, x) => s + Number(x.ecl), 0),
      };
    };
    const [p0, p1, moves] = [
      await stageParams(prevMonth),
      await stageParams(asOf),
      await run('ecl_stage_moves', { ...filters, as_of: asOf, group_by: ['from_stage', 'to_stage', 'move'] }),
    ];
    const pd0 = (stage: number) => p0.pd.get(stage) ?? p1.pd.get(stage) ?? 0;
    const pd1 = (stage: number) => p1.pd.get(stage) ?? 0;
    const step: Record<EclWalkStep, number> = {
      opening: p0.ecl,
      new_loans: 0,
      repaid: 0,
      written_off: 0,
      stage_moves: 0,
      pd_change: 0,
      lgd_change: 0,
      closing: p1.ecl,
    };
    // every step is linear in the loans' EAD, so the loans of one (stage at M − 1, stage at M, move)
    // group enter it through their summed EAD at each end
    for (const m of moves.rows) {
      const [s0, s1, a, b] = [Number(m.from_stage), Number(m.to_stage), Number(m.ead_from), Number(m.ead_to)];
      if (m.move === 'new') {
        step.new_loans += b * pd1(s1) * p1.lgd;
        continue;
      }
      const before = a * pd0(s0) * p0.lgd;
      if (m.move !== 'continuing') {
        step[m.move === 'written_off' ? 'written_off' : 'repaid'] -= before;
        continue;
      }
      step.repaid += (b - a) * pd0(s0) * p0.lgd;
      step.stage_moves += b * (pd0(s1) - pd0(s0)) * p0.lgd;
      step.pd_change += b * (pd1(s1) - pd0(s1)) * p0.lgd;
      step.lgd_change += b * pd1(s1) * (p1.lgd - p0.lgd);
    }
    // cents: each step rounded, the rounding difference to the last step, so the walk adds up exactly
    const c = Object.fromEntries(eclWalkSteps.map((k) => [k, cents(step[k])])) as Record<EclWalkStep, number>;
    const middle = eclWalkSteps.slice(1, -1);
    c.lgd_change += c.closing - c.opening - middle.reduce((s, k) => s + c[k], 0);
    let running = 0;
    const rows: MetricRow[] = eclWalkSteps.map((k, i) => {
      const total = k === 'opening' || k === 'closing';
      const before = total ? 0 : running;
      running = total ? c[k] : running + c[k];
      return {
        step_order: i + 1,
        step: k,
        from_month: prevMonth,
        month_end: asOf,
        amount: (c[k] / 100).toFixed(2),
        before: (before / 100).toFixed(2),
        after: (running / 100).toFixed(2),
      };
    });
    return { columns: eclWalkColumns(), rows };
  },
} as const satisfies DerivedMetric;
