import type { MetricDefinition } from '../definition.ts';
import { ratiosOver } from './common.ts';

const cohortBase = { balance: 'cohort original principal', count: 'loans in the cohort' };
const ever = (x: number) => ({ weight: { balance: `first${x}_bal`, count: `first${x}_n` } });
const over = (x: number) => ({ weight: { balance: `over${x}_bal`, count: `over${x}_n` } });

/**
 * 账龄分析: for cohort c and MOB k, ever-X+ = original principal of cohort loans that reached
 * DPD > X at any month-end with MOB ≤ k / cohort original principal; coincident X+ = balance with
 * DPD > X at MOB k / cohort original principal. A cohort has no row at a MOB it has not reached.
 */
export const vintage = {
  name: 'vintage',
  title: 'Vintage curves (ever-X+ and coincident)',
  description: 'By origination cohort (month or quarter) and months on book.',
  source: 'vintage_events',
  dimensions: { cohort: 'cohort', mob: 'mob' },
  defaultDimensions: ['cohort', 'mob'],
  requiredDimensions: ['cohort', 'mob'],
  weight: { balance: 'cohort_principal', count: 'cohort_loans' },
  measures: {
    cohort_total: {},
    ever0: ever(0),
    ever30: ever(30),
    ever60: ever(60),
    ever90: ever(90),
    coincident0: over(0),
    coincident30: over(30),
    coincident60: over(60),
    coincident90: over(90),
  },
  ratios: ratiosOver(
    'cohort_total',
    cohortBase,
    [0, 30, 60, 90].flatMap(
      (x) =>
        [
          [`ever${x}_rate`, `ever${x}`],
          [`coincident${x}_rate`, `coincident${x}`],
        ] as [string, string][],
    ),
  ),
  // the cohort total sits on the MOB 0 row, so its running sum carries it to every MOB
  shape: { kind: 'cumulative', over: 'mob', cumulative: ['cohort_total', 'ever0', 'ever30', 'ever60', 'ever90'] },
} as const satisfies MetricDefinition;
