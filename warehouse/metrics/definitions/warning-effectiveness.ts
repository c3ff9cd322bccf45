import { MetricRequestError } from '../compile.ts';
import type {
  DerivedMetric,
  FilterKey,
  MetricColumn,
  MetricDefinition,
  MetricRequest,
  MetricRow,
} from '../definition.ts';
import { smallVolume, suggestThreshold, warningWindow, weightedMedian, type GridPoint } from '../warning-math.ts';
import { championGrades } from '../warning-sources.ts';
import { both } from './common.ts';

/**
 * Warning effectiveness (监控效果评估, issue 22 item 6): detection rate (逾期发现率), precision, lead
 * time and false alarms of each warning rule and champion grade, and the threshold rules' dominance
 * check. Definitions in docs/metrics.md, "Warning effectiveness"; sources in warning-sources.ts.
 */

const filters: readonly FilterKey[] = ['product', 'region', 'branch', 'channel', 'cohort', 'period'];
const keys = ['subject_kind', 'subject', 'horizon', 'level'] as const;
/** Eligible loan-months × rules and grades: warned, rolled, detected; events with their lead days (a dimension). */
export const warningOutcomes = {
  name: 'warning_outcomes',
  title: 'Warning outcomes by rule and grade',
  description:
    'Eligible loan-months of the warning months (active, DPD ≤ level at the month-end, horizon observed) per warning rule and champion grade: warned, rolled to DPD > level within the horizon, detected (both), false alarms (warned, not rolled); events = detected rolls, one per loan and event month-end, by lead days.',
  source: 'warning_outcomes',
  dimensions: {
    subject_kind: 'subject_kind',
    subject: 'subject',
    horizon: 'horizon',
    level: 'level',
    month_end: 'month_end',
    product: 'product',
    region: 'region',
    branch: 'branch',
    channel: 'channel',
    team: 'team',
    agent: 'agent',
    lead_days: 'lead_days',
  },
  defaultDimensions: keys,
  requiredDimensions: keys,
  weight: { balance: 'n', count: 'n' },
  measures: {
    loan_months: {},
    rolled: both('n_rolled'),
    warned: both('n_warned'),
    detected: both('n_detected'),
    false_alarms: both('n_warned - n_detected'),
    events: both('n_events'),
  },
  ratios: {
    detection_rate: {
      numerator: 'detected',
      denominator: 'rolled',
      denominatorLabel: 'eligible loan-months that rolled',
    },
    precision: { numerator: 'detected', denominator: 'warned', denominatorLabel: 'warned eligible loan-months' },
    roll_rate: { numerator: 'rolled', denominator: 'loan_months', denominatorLabel: 'eligible loan-months' },
  },
  filters,
  bases: ['count'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

/** The threshold grid: warned and detected loan-months of each candidate threshold of each threshold rule. */
export const warningThresholds = {
  name: 'warning_thresholds',
  title: 'Warning thresholds: detection and volume on a grid',
  description:
    "Each threshold rule (consecutive overdue, overdue amount, score above, score jump) re-evaluated at the warning month-ends from the snapshot and the champion's scores, at its latest stored threshold and candidates around it: warned eligible loan-months, detected (warned and rolled), rolled.",
  source: 'warning_thresholds',
  dimensions: {
    rule_id: 'rule_id',
    kind: 'kind',
    current_threshold: 'current_threshold',
    threshold: 'threshold',
    horizon: 'horizon',
    level: 'level',
    month_end: 'month_end',
    product: 'product',
    region: 'region',
    branch: 'branch',
    channel: 'channel',
  },
  defaultDimensions: ['rule_id', 'kind', 'current_threshold', 'threshold', 'horizon', 'level'],
  requiredDimensions: ['rule_id', 'threshold', 'horizon', 'level'],
  weight: { balance: 'n', count: 'n' },
  measures: {
    warned: { when: 'is_warned' },
    detected: { when: 'is_warned AND is_rolled' },
    rolled: { when: 'is_rolled' },
  },
  ratios: {
    detection_rate: {
      numerator: 'detected',
      denominator: 'rolled',
      denominatorLabel: 'eligible loan-months that rolled',
    },
    precision: { numerator: 'detected', denominator: 'warned', denominatorLabel: 'warned eligible loan-months' },
  },
  filters,
  bases: ['count'],
  shape: { kind: 'aggregate' },
} as const satisfies MetricDefinition;

type Run = Parameters<DerivedMetric['derive']>[0];

/**
 * A derived metric refuses what it cannot apply by its own name, as the compiler does for declared
 * ones. The basis is not refused: the API fills every request's basis with the registry's default
 * (balance for a derived metric), and these figures are counts of loan-months whichever is given.
 */
function assertDerivedRequest(name: string, request: MetricRequest, dims: readonly string[]) {
  if (request.months !== undefined) throw new MetricRequestError(`months applies to the forecast only, not ${name}`);
  const unknown = (request.group_by ?? []).filter((d) => !dims.includes(d));
  if (unknown.length > 0)
    throw new MetricRequestError(`${name} cannot be grouped by ${unknown.join(', ')}; allowed: ${dims.join(', ')}`);
}

const num = (v: string | number | null | undefined) => Number(v ?? 0);

const subjectOrder = (kind: string, subject: string) =>
  kind === 'rule' ? `0${subject}` : `1${String(championGrades.indexOf(subject as never)).padStart(2, '0')}${subject}`;

/** warning_effectiveness's groups: its keys, then any dimension of warning_outcomes but lead_days */
const effectivenessDimensions: readonly string[] = [
  ...keys,
  ...Object.keys(warningOutcomes.dimensions).filter((d) => d !== 'lead_days' && !keys.includes(d as never)),
];

/** warning_effectiveness's groups: its keys, then the dimensions asked for */
const effectivenessGroups = (groupBy: readonly string[] | undefined): string[] => [
  ...keys,
  ...(groupBy ?? []).filter((d) => !keys.includes(d as never)),
];

/** warning_effectiveness's columns: its groups, then its measures */
const effectivenessColumns = (groupBy: readonly string[] | undefined): MetricColumn[] => [
  ...effectivenessGroups(groupBy).map((name) => ({ name, kind: 'dimension' as const })),
  ...['loan_months', 'rolled', 'warned', 'detected', 'false_alarms'].map((name) => ({ name, kind: 'count' as const })),
  { name: 'detection_rate', kind: 'ratio', denominator: 'eligible loan-months that rolled' },
  { name: 'precision', kind: 'ratio', denominator: 'warned eligible loan-months' },
  { name: 'median_lead_days', kind: 'number' },
  { name: 'events', kind: 'count' },
  { name: 'volume_flag', kind: 'text' },
];

/** warning_threshold_suggestions' columns (it takes no group_by) */
const suggestionColumns = (): MetricColumn[] => [
  { name: 'rule_id', kind: 'dimension' },
  { name: 'kind', kind: 'dimension' },
  { name: 'horizon', kind: 'dimension' },
  { name: 'level', kind: 'dimension' },
  { name: 'rolled', kind: 'count' },
  { name: 'current_threshold', kind: 'number' },
  { name: 'current_warned', kind: 'count' },
  { name: 'current_detected', kind: 'count' },
  { name: 'current_detection_rate', kind: 'ratio', denominator: 'eligible loan-months that rolled' },
  { name: 'current_precision', kind: 'ratio', denominator: 'warned eligible loan-months' },
  { name: 'suggested_rule_id', kind: 'text' },
  { name: 'suggested_threshold', kind: 'number' },
  { name: 'suggested_warned', kind: 'count' },
  { name: 'suggested_detected', kind: 'count' },
  { name: 'suggested_detection_rate', kind: 'ratio', denominator: 'eligible loan-months that rolled' },
  { name: 'suggested_precision', kind: 'ratio', denominator: 'warned eligible loan-months' },
];

/**
 * Per warning rule and champion grade, horizon (1, 3 months) and level (DPD > 30, > 90), over the
 * warning months: detection rate, precision, median lead days, warned and false-alarm volumes.
 */
export const warningEffectiveness = {
  name: 'warning_effectiveness',
  kind: 'derived',
  columns: effectivenessColumns,
  title: 'Warning effectiveness: detection, precision, lead time',
  groupBy: effectivenessDimensions,
  description:
    'Per warning rule and champion grade, horizon and level, over the warning months (default: the 12 month-ends ending 3 months before the as-of): eligible loan-months, rolled, warned, detected, false alarms, detection rate (detected / rolled, 逾期发现率), precision (detected / warned), median lead days from the first warning of a detected event to the day DPD first exceeded the level; volume_flag = small below 30 warned or rolled loan-months.',
  filters,
  async derive(run: Run, request, asOf) {
    assertDerivedRequest('warning_effectiveness', request, effectivenessDimensions);
    const { group_by: groupBy, basis: _basis, months: _months, ...rest } = request;
    const dims = effectivenessGroups(groupBy);
    const r = await run('warning_outcomes', {
      ...rest,
      ...warningWindow(request, asOf),
      as_of: asOf,
      basis: 'count',
      group_by: [...dims, 'lead_days'],
    });
    const groups = new Map<string, { row: MetricRow; sums: number[]; leads: [number, number][] }>();
    const measures = ['loan_months', 'rolled', 'warned', 'detected', 'false_alarms', 'events'] as const;
    for (const row of r.rows) {
      const key = JSON.stringify(dims.map((d) => row[d] ?? null));
      const g = groups.get(key) ?? {
        row: Object.fromEntries(dims.map((d) => [d, row[d] ?? null])),
        sums: measures.map(() => 0),
        leads: [],
      };
      measures.forEach((m, i) => (g.sums[i] = (g.sums[i] ?? 0) + num(row[m])));
      if (row.lead_days !== null && row.lead_days !== undefined && num(row.events) > 0)
        g.leads.push([num(row.lead_days), num(row.events)]);
      groups.set(key, g);
    }
    const rows: MetricRow[] = [...groups.values()].map(({ row, sums, leads }) => {
      const [loanMonths = 0, rolled = 0, warned = 0, detected = 0, falseAlarms = 0, events = 0] = sums;
      return {
        ...row,
        loan_months: loanMonths,
        rolled,
        warned,
        detected,
        false_alarms: falseAlarms,
        detection_rate: rolled > 0 ? detected / rolled : null,
        precision: warned > 0 ? detected / warned : null,
        median_lead_days: weightedMedian(leads),
        events,
        volume_flag: warned < smallVolume || rolled < smallVolume ? 'small' : '',
      };
    });
    rows.sort((a, b) => {
      const ka = subjectOrder(String(a.subject_kind), String(a.subject));
      const kb = subjectOrder(String(b.subject_kind), String(b.subject));
      if (ka !== kb) return ka < kb ? -1 : 1;
      for (const d of dims.slice(2)) {
        const [x, y] = [a[d] ?? '', b[d] ?? ''];
        if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      }
      return 0;
    });
    return { columns: effectivenessColumns(groupBy), rows };
  },
} as const satisfies DerivedMetric;

/**
 * Per threshold rule, horizon and level: its current threshold's detection and volume on the grid,
 * and the dominating threshold suggested instead (warning-dominance.ts), if any.
 */
export const warningThresholdSuggestions = {
  name: 'warning_threshold_suggestions',
  kind: 'derived',
  columns: suggestionColumns,
  title: 'Warning thresholds: dominated thresholds and suggestions',
  description:
    "Per threshold rule, horizon and level over the warning months: the current threshold's warned and detected loan-months, and the threshold (of this or another threshold rule) that detects at least as many with at most as many warnings, strictly better in one, if any (suggested_*; empty when the current one is not dominated).",
  filters,
  async derive(run: Run, request, asOf) {
    assertDerivedRequest('warning_threshold_suggestions', request, []);
    const { group_by: _g, basis: _b, months: _m, ...rest } = request;
    const r = await run('warning_thresholds', {
      ...rest,
      ...warningWindow(request, asOf),
      as_of: asOf,
      basis: 'count',
      group_by: ['rule_id', 'kind', 'current_threshold', 'threshold', 'horizon', 'level'],
    });
    const byTarget = new Map<string, { points: (GridPoint & { kind: string; current: number; rolled: number })[] }>();
    for (const row of r.rows) {
      const key = `${num(row.horizon)}|${num(row.level)}`;
      const t = byTarget.get(key) ?? { points: [] };
      t.points.push({
        rule_id: String(row.rule_id),
        kind: String(row.kind),
        threshold: num(row.threshold),
        current: num(row.current_threshold),
        warned: num(row.warned),
        detected: num(row.detected),
        rolled: num(row.rolled),
      });
      byTarget.set(key, t);
    }
    const rows: MetricRow[] = [];
    for (const [key, { points }] of byTarget) {
      const [horizon = 0, level = 0] = key.split('|').map(Number);
      const rolled = Math.max(0, ...points.map((p) => p.rolled));
      const rate = (p: GridPoint | null) => (p && rolled > 0 ? p.detected / rolled : null);
      const precision = (p: GridPoint | null) => (p && p.warned > 0 ? p.detected / p.warned : null);
      for (const cur of points.filter((p) => p.threshold === p.current)) {
        const s = suggestThreshold(cur, points);
        rows.push({
          rule_id: cur.rule_id,
          kind: cur.kind,
          horizon,
          level,
          rolled,
          current_threshold: cur.threshold,
          current_warned: cur.warned,
          current_detected: cur.detected,
          current_detection_rate: rate(cur),
          current_precision: precision(cur),
          suggested_rule_id: s?.rule_id ?? null,
          suggested_threshold: s?.threshold ?? null,
          suggested_warned: s?.warned ?? null,
          suggested_detected: s?.detected ?? null,
          suggested_detection_rate: rate(s),
          suggested_precision: precision(s),
        });
      }
    }
    rows.sort(
      (a, b) =>
        String(a.rule_id).localeCompare(String(b.rule_id)) ||
        num(a.horizon) - num(b.horizon) ||
        num(a.level) - num(b.level),
    );
    return { columns: suggestionColumns(), rows };
  },
} as const satisfies DerivedMetric;
