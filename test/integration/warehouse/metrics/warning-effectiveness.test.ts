import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthEnds, monthEndOf } from '../../../../lib/dates.ts';
import { Rng } from '../../../../lib/random.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { parseWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { fetchChartData } from '../../../../reports/data/fetch.ts';
import { buildChart, reportPeriod } from '../../../../reports/pack.ts';
import { cjkFontFile } from '../../../../reports/render/fonts.ts';
import warningEffectivenessChart, {
  warningThresholdSuggestions as warningThresholdsChart,
} from '../../../../reports/templates/management/warning-effectiveness.ts';
import { runMetric } from '../../../../warehouse/metrics/run.ts';
import { suggestThreshold } from '../../../../warehouse/metrics/warning-math.ts';
import { thresholdGrid } from '../../../../warehouse/metrics/warning-sources.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * 60 hand-built loans of 1,800.00 booked 2023-01-15: 18 installments of 100.00 + 10.00 due on the
 * 15th from 2023-02-15. Each pays in a seeded way — on time, late by 0–40 days, stops at an
 * installment, or stops and later pays the arrears in one sum — so DPD paths cross 30 and 90 at
 * different months; loan S stops at the 2023-09-15 installment (DPD 15 at 09-30, 46 at 10-31: over 30
 * from 10-16) and scores 0.9 at 09-30. Loans that stop get a collection action (team, agent, a
 * promise they break). Champion scores per active loan-month (probability from the DPD plus noise,
 * graded A–E) and the warning rules fired at every month-end of the warning months 2023-07 … 2023-12,
 * one more rule on 2023-08-20 and 2023-10-20 (warnings fired mid-month belong to that month). The metrics are checked against the same definitions computed here
 * in TypeScript from the rows read back: loan_month, warnings, scores, collection_actions.
 */
const asOf = '2024-06-30';
const due = Array.from({ length: 18 }, (_, i) => new Date(Date.UTC(2023, 1 + i, 15)).toISOString().slice(0, 10));
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const dayDiff = (a: string, b: string) =>
  Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

function book() {
  const rng = new Rng(2206);
  const ids = [...Array.from({ length: 59 }, (_, i) => `L${String(i).padStart(2, '0')}`), 'S'];
  const payments: string[] = [];
  const actions: string[] = [];
  const loans = ids.map((id, n) => {
    const region = n % 2 ? 'north' : 'south';
    const type =
      id === 'S'
        ? 'stops'
        : rng.weighted([
            ['good', 3],
            ['late', 3],
            ['stops', 2],
            ['cures', 2],
          ] as const);
    const k = id === 'S' ? 7 : rng.int(2, 14);
    const gap = rng.int(2, 5);
    const pay = (i: number, date: string, amount: number) => {
      if (date <= asOf) payments.push(`${id}p${i},${id},${date},${amount.toFixed(2)}`);
    };
    due.forEach((d, i) => {
      if (type === 'good' || (i < k && type !== 'late')) pay(i, d, 110);
      else if (type === 'late') pay(i, addDays(d, rng.int(0, 40)), 110);
      else if (type === 'cures' && i === k + gap) pay(i, d, 110 * (gap + 1));
      else if (type === 'cures' && i > k + gap) pay(i, d, 110);
    });
    if (type === 'stops' || type === 'cures') {
      const day = addDays(due[k]!, 12);
      const team = `${region}-early`;
      actions.push(
        `${id}a,${id},${day},phone,promise_to_pay,${team}-0${String(rng.int(1, 3))},${team},110.00,${addDays(day, 5)}`,
      );
    }
    return `${id},c${id},${n % 3 ? 'consumer' : 'auto'},2023-01-15,1800.00,0.0733,18,${region},b${String(n % 2)}`;
  });
  return {
    ids,
    files: {
      'loans.csv': [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region,branch',
        ...loans,
      ],
      'schedule.csv': [
        'loan_id,installment_no,due_date,principal_due,interest_due',
        ...ids.flatMap((id) => due.map((d, i) => `${id},${i + 1},${d},100.00,10.00`)),
      ],
      'payments.csv': ['payment_id,loan_id,paid_date,amount', ...payments],
      'collection_actions.csv': [
        'action_id,loan_id,action_date,channel,outcome,agent_id,team,promised_amount,promised_date',
        ...actions,
      ],
    },
  };
}

const rules = parseWarningRules({
  rules: [
    { id: 'streak_2', kind: 'consecutive_overdue', months: 2 },
    { id: 'amount_150', kind: 'overdue_amount', limit: '150' },
    { id: 'score_03', kind: 'score_above', threshold: 0.3 },
    { id: 'jump_01', kind: 'score_jump', delta: 0.12345 },
    { id: 'broken', kind: 'broken_promise', lookback_days: 31 },
  ],
});
const midMonth = parseWarningRules({ rules: [{ id: 'mid_amount', kind: 'overdue_amount', limit: '100' }] });
const champion = { model_name: 'm', version: 1 } as ModelVersion;
const gradeOf = (p: number) => (p < 0.05 ? 'A' : p < 0.1 ? 'B' : p < 0.2 ? 'C' : p < 0.35 ? 'D' : 'E');

interface LoanMonth {
  loan_id: string;
  month_end: string;
  status: string;
  dpd: number;
  overdue: number;
  region: string;
  product: string;
}
interface Stored {
  rule_id: string;
  kind: string;
  loan_id: string;
  as_of: string;
  threshold: number;
}
interface Facts {
  months: Map<string, LoanMonth[]>;
  warnings: Stored[];
  scores: Map<string, { grade: string; probability: number }>;
  actions: { loan_id: string; action_date: string; action_id: string; team: string; agent: string }[];
}

const horizons = [1, 3];
const levels = [30, 90];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length / 2;
  return s.length === 0 ? null : s.length % 2 ? s[Math.floor(m)]! : (s[m - 1]! + s[m]!) / 2;
};

/** An eligible loan-month with its outcome, computed from the rows read back. */
interface Judged {
  row: LoanMonth;
  h: number;
  x: number;
  rolled: boolean;
  eventMe: string;
  eventDay: string;
  streak: number;
  team: string;
}

function judge(f: Facts, from: string, to: string, keep: (r: LoanMonth) => boolean = () => true): Judged[] {
  const out: Judged[] = [];
  for (const rows of f.months.values()) {
    rows.forEach((row, i) => {
      if (row.month_end < from || row.month_end > to || row.status !== 'active' || !keep(row)) return;
      // the rule's streak: month-ends back to the last at DPD 0, or the loan's first month-end minus one
      let last0 = -1;
      for (let j = i; j >= 0; j--)
        if (rows[j]!.dpd === 0) {
          last0 = j;
          break;
        }
      const monthsBack = (j: number) =>
        (Number(row.month_end.slice(0, 4)) - Number(rows[j]!.month_end.slice(0, 4))) * 12 +
        Number(row.month_end.slice(5, 7)) -
        Number(rows[j]!.month_end.slice(5, 7));
      const streak = row.dpd > 0 ? (last0 >= 0 ? monthsBack(last0) : monthsBack(0) + 1) : 0;
      const acts = f.actions
        .filter((a) => a.loan_id === row.loan_id && a.action_date <= row.month_end)
        .sort((a, b) => (a.action_date + a.action_id < b.action_date + b.action_id ? -1 : 1));
      const team = acts.at(-1)?.team ?? `unassigned:${row.region}`;
      for (const h of horizons)
        for (const x of levels) {
          if (row.dpd > x || addMonthEnds(row.month_end, h) > asOf) continue;
          const end = addMonthEnds(row.month_end, h);
          const hit = rows.find((r) => r.month_end > row.month_end && r.month_end <= end && r.dpd > x);
          const eventDay = hit
            ? [addDays(addMonthEnds(hit.month_end, -1), 1), addDays(hit.month_end, -(hit.dpd - x - 1))].sort()[1]!
            : '';
          out.push({ row, h, x, rolled: !!hit, eventMe: hit?.month_end ?? '', eventDay, streak, team });
        }
    });
  }
  return out;
}

/** detection, precision, median lead of every rule and grade over the judged loan-months (the docs' definitions) */
function reference(f: Facts, judged: Judged[], by: (j: Judged) => string = () => '') {
  const ruleIds = [...new Set(f.warnings.map((w) => w.rule_id))].sort();
  const warnedOn = (subject: string, kind: 'rule' | 'grade', j: Judged) => {
    if (kind === 'grade')
      return f.scores.get(`${j.row.loan_id}|${j.row.month_end}`)?.grade === subject ? j.row.month_end : null;
    const ws = f.warnings
      .filter((w) => w.rule_id === subject && w.loan_id === j.row.loan_id && monthEndOf(w.as_of) === j.row.month_end)
      .map((w) => w.as_of)
      .sort();
    return ws[0] ?? null;
  };
  const out = new Map<
    string,
    { loan_months: number; rolled: number; warned: number; detected: number; leads: number[] }
  >();
  const subjects = [
    ...ruleIds.map((s) => ['rule', s] as const),
    ...['A', 'B', 'C', 'D', 'E'].map((s) => ['grade', s] as const),
  ];
  for (const [kind, subject] of subjects) {
    // an event (loan, event month-end) counts once, in the group of its earliest warned loan-month
    const events = new Map<string, { first: string; day: string; key: string }>();
    for (const j of judged) {
      const key = `${kind}|${subject}|${String(j.h)}|${String(j.x)}|${by(j)}`;
      const g = out.get(key) ?? { loan_months: 0, rolled: 0, warned: 0, detected: 0, leads: [] };
      const w = warnedOn(subject, kind, j);
      g.loan_months++;
      if (j.rolled) g.rolled++;
      if (w) g.warned++;
      if (w && j.rolled) {
        g.detected++;
        const ek = `${kind}|${subject}|${String(j.h)}|${String(j.x)}|${j.row.loan_id}|${j.eventMe}`;
        const e = events.get(ek);
        events.set(ek, { first: e && e.first < w ? e.first : w, day: j.eventDay, key: e?.key ?? key });
      }
      out.set(key, g);
    }
    for (const e of events.values()) out.get(e.key)!.leads.push(dayDiff(e.day, e.first));
  }
  return out;
}

/** every row's counts and median lead days equal the reference's for its subject, pair and group (`groupOf`) */
function expectAsReference(
  rows: Record<string, unknown>[],
  ref: ReturnType<typeof reference>,
  groupOf: (r: Record<string, unknown>) => string,
) {
  expect(rows).toHaveLength(ref.size);
  for (const r of rows) {
    const key = `${String(r.subject_kind)}|${String(r.subject)}|${String(r.horizon)}|${String(r.level)}|${groupOf(r)}`;
    const e = ref.get(key);
    expect(e, key).toBeDefined();
    expect([r.loan_months, r.rolled, r.warned, r.detected, r.median_lead_days], key).toEqual([
      e!.loan_months,
      e!.rolled,
      e!.warned,
      e!.detected,
      median(e!.leads),
    ]);
  }
}

describe('warning effectiveness on hand-built loans', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let f: Facts;
  const from = '2023-07-31',
    to = '2023-12-31';

  beforeAll(async () => {
    const b = book();
    wh = await warehouseWithFiles('warneff', b.files, asOf);
    const lm = await queryRows<LoanMonth & { overdue: string }>(
      wh,
      `SELECT loan_id, toString(month_end) AS month_end, status, dpd, toString(overdue_principal + overdue_interest) AS overdue, region, product
       FROM ${wh.database}.loan_month ORDER BY loan_id, month_end`,
    );
    const noise = new Rng(9);
    const scoreRows = lm
      .filter((r) => r.status === 'active')
      .map((r) => {
        const p =
          r.loan_id === 'S' && r.month_end === '2023-09-30'
            ? 0.9
            : Math.min(0.95, Math.max(0.01, r.dpd / 60 + noise.uniform(-0.05, 0.3)));
        return { r, p };
      });
    await wh.client.insert({
      table: `${wh.database}.scores`,
      format: 'JSONEachRow',
      values: scoreRows.map(({ r, p }) => ({
        model_name: 'm',
        model_version: 1,
        loan_id: r.loan_id,
        month_end: r.month_end,
        probability: p,
        points: 0,
        grade: gradeOf(p),
        reasons: [],
        scored_at: 0,
      })),
    });
    await wh.client.insert({
      table: `${wh.database}.champion_history`,
      format: 'JSONEachRow',
      values: [
        {
          target: 'dpd30_3m',
          model_name: 'm',
          version: 1,
          decided_at: '2024-01-01 00:00:00.000',
          actor: 't',
          reason: 'r',
          challenger_auc: 0.8,
          champion_auc: null,
          score_psi: 0,
        },
      ],
    });
    for (let me = from; me <= to; me = addMonthEnds(me, 1))
      await fireWarnings(wh, { asOf: me, rules, settings: defaultSettings, champion });
    for (const me of ['2023-08-31', '2023-10-31'])
      await fireWarnings(wh, { asOf: `${me.slice(0, 8)}20`, rules: midMonth, settings: defaultSettings, champion });

    const months = new Map<string, LoanMonth[]>();
    for (const r of lm) {
      const row = { ...r, overdue: Number(r.overdue) };
      months.set(r.loan_id, [...(months.get(r.loan_id) ?? []), row]);
    }
    const warnings = await queryRows<Stored>(
      wh,
      `SELECT rule_id, kind, loan_id, toString(as_of) AS as_of, threshold FROM ${wh.database}.warnings WHERE loan_id != ''`,
    );
    const scores = new Map(
      (
        await queryRows<{ loan_id: string; month_end: string; grade: string; probability: number }>(
          wh,
          `SELECT loan_id, toString(month_end) AS month_end, grade, probability FROM ${wh.database}.scores`,
        )
      ).map((s) => [`${s.loan_id}|${s.month_end}`, { grade: s.grade, probability: s.probability }]),
    );
    const actions = await queryRows<Facts['actions'][number]>(
      wh,
      `SELECT loan_id, toString(action_date) AS action_date, action_id, team, agent_id AS agent FROM ${wh.database}.collection_actions`,
    );
    f = { months, warnings, scores, actions };
  });
  afterAll(() => disposeIfOpened(wh));

  const effectiveness = async (request: Record<string, unknown> = {}) =>
    (await runMetric(wh, 'warning_effectiveness', { as_of: asOf, from, to, ...request })).rows;

  it('the fixture has rolls to 30+ and 90+ and warnings of every rule in the window', () => {
    const judged = judge(f, from, to);
    for (const x of levels) expect(judged.filter((j) => j.x === x && j.h === 3 && j.rolled).length).toBeGreaterThan(10);
    const fired = new Set(f.warnings.filter((w) => w.as_of >= from && w.as_of <= addDays(to, 1)).map((w) => w.rule_id));
    expect([...fired].sort()).toEqual(['amount_150', 'broken', 'jump_01', 'mid_amount', 'score_03', 'streak_2']);
  });

  it('counts, detection rate, precision and median lead days equal the computation from the rows, for both horizons and levels', async () => {
    const rows = await effectiveness();
    const ref = reference(f, judge(f, from, to));
    expect(rows).toHaveLength(ref.size);
    for (const r of rows) {
      const key = `${String(r.subject_kind)}|${String(r.subject)}|${String(r.horizon)}|${String(r.level)}|`;
      const e = ref.get(key);
      expect(e, key).toBeDefined();
      const { leads, ...counts } = e!;
      expect(
        {
          loan_months: r.loan_months,
          rolled: r.rolled,
          warned: r.warned,
          detected: r.detected,
          false_alarms: r.false_alarms,
          events: r.events,
          median_lead_days: r.median_lead_days,
        },
        key,
      ).toEqual({
        ...counts,
        false_alarms: counts.warned - counts.detected,
        events: leads.length,
        median_lead_days: median(leads),
      });
      expect(r.detection_rate, key).toBe(counts.rolled ? counts.detected / counts.rolled : null);
      expect(r.precision, key).toBe(counts.warned ? counts.detected / counts.warned : null);
    }
    // every subject detects something somewhere: the comparison is not between zeros
    const detecting = new Set(rows.filter((r) => Number(r.detected) > 0).map((r) => r.subject));
    expect([...detecting].sort()).toEqual(
      ['A', 'B', 'C', 'D', 'E', 'amount_150', 'broken', 'jump_01', 'mid_amount', 'score_03', 'streak_2'].filter((s) =>
        [...ref.entries()].some(([k, v]) => k.split('|')[1] === s && v.detected > 0),
      ),
    );
    expect(detecting.size).toBeGreaterThan(6);
  });

  it('a period reaching the as-of month-end judges each loan-month only on the horizons that have ended by then', async () => {
    const lateFrom = addMonthEnds(asOf, -5);
    const rows = await effectiveness({ from: lateFrom, to: asOf });
    const judged = judge(f, lateFrom, asOf);
    // the last month-ends are judged on one horizon, or none: the comparison covers the partial case
    expect(judged.some((j) => j.row.month_end > addMonthEnds(asOf, -3) && j.h === 1)).toBe(true);
    expect(judged.some((j) => j.row.month_end > addMonthEnds(asOf, -3) && j.h === 3)).toBe(false);
    expectAsReference(rows, reference(f, judged), () => '');
  });

  it('lead time runs from the warning date to the day DPD first exceeded the level (loan S: 2023-09-30 → 10-16)', async () => {
    const rows = await effectiveness({ from: '2023-09-30', to: '2023-09-30', region: ['north', 'south'] });
    const s = judge(f, '2023-09-30', '2023-09-30').find((j) => j.row.loan_id === 'S' && j.x === 30 && j.h === 1)!;
    expect(s).toMatchObject({ rolled: true, eventMe: '2023-10-31', eventDay: '2023-10-16' });
    const score = rows.find((r) => r.subject === 'score_03' && r.horizon === 1 && r.level === 30)!;
    expect(Number(score.detected)).toBeGreaterThan(0);
    const ref = reference(f, judge(f, '2023-09-30', '2023-09-30'));
    expect(ref.get('rule|score_03|1|30|')!.leads).toContain(16);
  });

  it('filters by region and groups by collector team like the computation restricted to them', async () => {
    const north = await effectiveness({ region: ['north'], group_by: ['team'] });
    const ref = reference(
      f,
      judge(f, from, to, (r) => r.region === 'north'),
      (j) => j.team,
    );
    expect(north).toHaveLength(ref.size);
    for (const r of north) {
      const e = ref.get(
        `${String(r.subject_kind)}|${String(r.subject)}|${String(r.horizon)}|${String(r.level)}|${String(r.team)}`,
      )!;
      expect([r.warned, r.detected, r.false_alarms, r.median_lead_days]).toEqual([
        e.warned,
        e.detected,
        e.warned - e.detected,
        median(e.leads),
      ]);
    }
    const teams = new Set(north.map((r) => String(r.team)));
    expect(teams.has('unassigned:north')).toBe(true);
    expect([...teams].some((t) => t.startsWith('north-early'))).toBe(true);
  });

  it('groups by two dimensions like the computation grouped by both (past the public six-dimension cap of its inner read)', async () => {
    const rows = await effectiveness({ group_by: ['product', 'team'] });
    expectAsReference(
      rows,
      reference(f, judge(f, from, to), (j) => `${j.row.product}/${j.team}`),
      (r) => `${String(r.product)}/${String(r.team)}`,
    );
    expect(new Set(rows.map((r) => r.product)).size).toBeGreaterThan(1);
  });

  it('grouped by any one dimension, the outcomes add up to the ungrouped ones (a dimension not grouped by is not kept apart)', async () => {
    const keys = ['subject_kind', 'subject', 'horizon', 'level'] as const;
    const measures = ['loan_months', 'rolled', 'warned', 'detected', 'events'] as const;
    const totals = (rows: Record<string, unknown>[]) => {
      const out = new Map<string, number[]>();
      for (const r of rows) {
        const k = keys.map((x) => String(r[x])).join('|');
        const acc = out.get(k) ?? measures.map(() => 0);
        measures.forEach((m, i) => (acc[i]! += Number(r[m])));
        out.set(k, acc);
      }
      return out;
    };
    const whole = totals((await runMetric(wh, 'warning_outcomes', { as_of: asOf, from, to })).rows);
    expect([...whole.values()].some((v) => v[3]! > 0)).toBe(true);
    for (const dim of ['month_end', 'product', 'region', 'branch', 'channel', 'team', 'agent'] as const) {
      const by = await runMetric(wh, 'warning_outcomes', { as_of: asOf, from, to, group_by: [...keys, dim] });
      // the hand-built loans share one channel; every other dimension splits them
      if (dim !== 'channel') expect(new Set(by.rows.map((r) => r[dim])).size, dim).toBeGreaterThan(1);
      expect(totals(by.rows), dim).toEqual(whole);
    }
  });

  it('the threshold grid equals the rules re-evaluated from the rows; at the current threshold it equals the stored month-end warnings', async () => {
    const grid = (await runMetric(wh, 'warning_thresholds', { as_of: asOf, from, to })).rows;
    const judged = judge(f, from, to);
    const latest = new Map<string, Stored>();
    for (const w of [...f.warnings].sort((a, b) => (a.as_of < b.as_of ? -1 : 1))) latest.set(w.rule_id, w);
    const prob = (loan: string, me: string) => f.scores.get(`${loan}|${me}`)?.probability;
    let compared = 0;
    for (const [ruleId, w] of latest) {
      if (w.kind === 'broken_promise') continue;
      const cur = w.threshold;
      const candidates =
        w.kind === 'consecutive_overdue'
          ? thresholdGrid.monthOffsets.map((d) => cur + d).filter((v) => v >= 1)
          : w.kind === 'overdue_amount'
            ? thresholdGrid.amountFactors.map((k) => Math.round(cur * k * 100) / 100)
            : thresholdGrid.scoreFactors
                .map((k) => Math.round(cur * k * 10_000) / 10_000)
                .filter((v) => v > 0 && v < 1);
      // the grid's points: the current threshold and one per expected candidate (the engine rounds
      // half-way cases of the binary value its own way: 0.12345 × 1 may give 0.1234 or 0.1235)
      const points = [...new Set(grid.filter((r) => r.rule_id === ruleId).map((r) => Number(r.threshold)))];
      const expected = [...new Set([cur, ...candidates])];
      expect(points.length, ruleId).toBe(expected.length);
      expect(points).toContain(cur);
      for (const t of points)
        expect(Math.min(...expected.map((e) => Math.abs(e - t))), `${ruleId} ${String(t)}`).toBeLessThan(0.006);
      for (const t of points)
        for (const h of horizons)
          for (const x of levels) {
            const js = judged.filter((j) => j.h === h && j.x === x);
            const warned = (j: Judged) => {
              const p = prob(j.row.loan_id, j.row.month_end);
              const prev = prob(j.row.loan_id, addMonthEnds(j.row.month_end, -1));
              if (w.kind === 'consecutive_overdue') return j.streak >= t;
              if (w.kind === 'overdue_amount') return j.row.overdue > t;
              // a score rule warns inside the model's population alone (DPD ≤ 30 at the month-end)
              if (j.row.dpd > 30) return false;
              if (w.kind === 'score_above') return p !== undefined && p > t;
              return p !== undefined && prev !== undefined && p - prev > t;
            };
            const g = grid.find(
              (r) => r.rule_id === ruleId && Number(r.threshold) === t && r.horizon === h && r.level === x,
            );
            const exp = { warned: js.filter(warned).length, detected: js.filter((j) => warned(j) && j.rolled).length };
            expect(
              { warned: Number(g?.warned ?? 0), detected: Number(g?.detected ?? 0) },
              `${ruleId} ${String(t)} ${String(h)} ${String(x)}`,
            ).toEqual(exp);
            if (g) expect(Number(g.rolled)).toBe(js.filter((j) => j.rolled).length);
            compared++;
          }
    }
    expect(compared).toBeGreaterThan(100);
    // the rules fired at month-ends, re-evaluated at their own thresholds, warn exactly the loan-months they stored
    const stored = await effectiveness();
    for (const ruleId of ['streak_2', 'amount_150', 'score_03', 'jump_01'])
      for (const h of horizons)
        for (const x of levels) {
          const s = stored.find((r) => r.subject === ruleId && r.horizon === h && r.level === x)!;
          const g = grid.find(
            (r) => r.rule_id === ruleId && r.horizon === h && r.level === x && r.threshold === r.current_threshold,
          );
          expect([Number(g?.warned ?? 0), Number(g?.detected ?? 0)], `${ruleId} ${String(h)} ${String(x)}`).toEqual([
            s.warned,
            s.detected,
          ]);
        }
  });

  it('the threshold grid grouped by any one dimension adds up to the ungrouped grid', async () => {
    const keys = ['rule_id', 'threshold', 'horizon', 'level'] as const;
    const totals = (rows: Record<string, unknown>[]) => {
      const out = new Map<string, number[]>();
      for (const r of rows) {
        const k = keys.map((x) => String(r[x])).join('|');
        const acc = out.get(k) ?? [0, 0, 0];
        (['warned', 'detected', 'rolled'] as const).forEach((m, i) => (acc[i]! += Number(r[m])));
        out.set(k, acc);
      }
      return out;
    };
    const whole = totals((await runMetric(wh, 'warning_thresholds', { as_of: asOf, from, to })).rows);
    expect([...whole.values()].some((v) => v[1]! > 0)).toBe(true);
    for (const dim of ['month_end', 'product', 'region', 'branch', 'channel'] as const) {
      const by = await runMetric(wh, 'warning_thresholds', { as_of: asOf, from, to, group_by: [...keys, dim] });
      if (dim !== 'channel') expect(new Set(by.rows.map((r) => r[dim])).size, dim).toBeGreaterThan(1);
      expect(totals(by.rows), dim).toEqual(whole);
    }
  });

  it('suggestions are the dominance rule applied to the grid', async () => {
    const grid = (await runMetric(wh, 'warning_thresholds', { as_of: asOf, from, to })).rows;
    const sugg = (await runMetric(wh, 'warning_threshold_suggestions', { as_of: asOf, from, to })).rows;
    expect(sugg).toHaveLength(4 * 2 * 2 + 4); // four month-end threshold rules and mid_amount, 4 targets each
    for (const s of sugg) {
      const points = grid
        .filter((g) => g.horizon === s.horizon && g.level === s.level)
        .map((g) => ({
          rule_id: String(g.rule_id),
          threshold: Number(g.threshold),
          warned: Number(g.warned),
          detected: Number(g.detected),
        }));
      const current = points.find((p) => p.rule_id === s.rule_id && p.threshold === s.current_threshold)!;
      const best = suggestThreshold(current, points);
      expect([s.suggested_rule_id, s.suggested_threshold, s.suggested_warned, s.suggested_detected]).toEqual(
        best ? [best.rule_id, best.threshold, best.warned, best.detected] : [null, null, null, null],
      );
    }
  });

  it("the pack's two charts read these metrics for a month and a segment, and draw them", async () => {
    // the period 2024-03: warning months 2023-01 … 2023-12, the fixture's warnings among them
    const p = await reportPeriod(wh, '2024-03', { region: ['north'] });
    const table = await fetchChartData(wh, warningEffectivenessChart.data(p), p.segment);
    expect(table.segmentApplied).toBe(true);
    expect(table.rows).toEqual(
      await effectiveness({ as_of: '2024-03-31', from: '2023-01-31', to: '2023-12-31', region: ['north'] }),
    );
    const grid = await fetchChartData(wh, warningThresholdsChart.data(p), p.segment);
    expect(grid.rows.filter((r) => r.level === 30 && r.horizon === 3).map((r) => r.rule_id)).toEqual([
      'amount_150',
      'jump_01',
      'mid_amount',
      'score_03',
      'streak_2',
    ]);
    for (const t of [warningEffectivenessChart, warningThresholdsChart]) {
      const c = await buildChart(wh, t, p, 'zh-CN', cjkFontFile());
      expect(c.svg).toContain(t.title['zh-CN']);
    }
  });

  it('refuses by name what it cannot apply', async () => {
    await expect(runMetric(wh, 'warning_effectiveness', { group_by: ['grade'] })).rejects.toThrow(
      /warning_effectiveness cannot be grouped by grade/u,
    );
    await expect(runMetric(wh, 'warning_outcomes', { basis: 'balance' })).rejects.toThrow(/count basis only/u);
    // the API gives every request the registry's default basis (balance for a derived metric): counts all the same
    const [counted, balanced] = await Promise.all([
      effectiveness({ basis: 'count' }),
      effectiveness({ basis: 'balance' }),
    ]);
    expect(balanced).toEqual(counted);
    await expect(runMetric(wh, 'warning_threshold_suggestions', { group_by: ['team'] })).rejects.toThrow(
      /warning_threshold_suggestions cannot be grouped by team/u,
    );
    await expect(runMetric(wh, 'warning_outcomes', { months: 3 })).rejects.toThrow(
      /months applies to the forecast only/u,
    );
  });
});
