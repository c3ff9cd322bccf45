import { describe, expect, it } from 'vitest';
import { templates } from '../../../../reports/catalogue.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';
import { chartView } from '../../../../reports/render/svg.ts';
import { chartSpec } from '../../../../reports/spec.ts';
import { endLabelLifts } from '../../../../reports/templates/management/vintage-curves.ts';
import { parseMetricRequest } from '../../../../warehouse/metrics/run.ts';

/**
 * The pack's vintage charts ask for whole quarters: the 12 quarters ending with the last one the
 * period completes, from a quarter's first month to a quarter's last (the period less 3 years, 2021-06
 * for 2024-06, drew June alone as 2021Q2; a May pack drew April and May as 2024Q2, a cohort the June
 * pack draws with June's loans too), and their subtitle names the first and last quarter and the one
 * left out. A request the metric would refuse never leaves a pack.
 */
const charts = templates.filter((t) => t.id.startsWith('vintage-'));
const period = (ym: string): ReportPeriod => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { period: ym, monthEnd, from: monthEnd, segment: {} };
};
const quarterIndex = (ym: string) => Number(ym.slice(0, 4)) * 4 + Math.floor((Number(ym.slice(5, 7)) - 1) / 3);
const quarterName = (ym: string) => `${ym.slice(0, 4)}Q${String(Math.ceil(Number(ym.slice(5, 7)) / 3))}`;

describe('vintage charts: whole quarterly cohorts', () => {
  it('has both charts', () => {
    expect(charts.map((t) => t.id).sort()).toEqual(['vintage-ever30', 'vintage-ever90']);
  });
  for (const year of [2021, 2024, 2025])
    for (let m = 1; m <= 12; m++) {
      const ym = `${year}-${String(m).padStart(2, '0')}`;
      it(`period ${ym}`, () => {
        const p = period(ym);
        const quarterEnd = m % 3 === 0;
        for (const t of charts) {
          const { request } = t.data(p);
          const from = String(request.cohort_from);
          const to = String(request.cohort_to);
          // from a quarter's first month to a quarter's last: 12 whole quarters
          expect(Number(from.slice(5, 7)) % 3, t.id).toBe(1);
          expect(Number(to.slice(5, 7)) % 3, t.id).toBe(0);
          expect(quarterIndex(to) - quarterIndex(from), t.id).toBe(11);
          // the newest is the period's quarter only once the period ends it
          expect(quarterIndex(ym) - quarterIndex(to), t.id).toBe(quarterEnd ? 0 : 1);
          expect(to <= ym, t.id).toBe(true);
          // the metric takes it as it is
          const parsed = parseMetricRequest(request);
          expect([parsed.cohort_from, parsed.cohort_to]).toEqual([from, to]);
          const [first, last, open] = [quarterName(from), quarterName(to), quarterName(ym)];
          expect(t.shows(p, 'en')).toContain(`quarterly cohorts ${first} to ${last}, months on book to ${p.monthEnd}`);
          expect(t.shows(p, 'zh-CN')).toContain(`${first} 至 ${last} 季度放款批次，账龄截至`);
          if (quarterEnd) {
            expect(t.shows(p, 'en')).not.toContain('not yet whole');
            expect(t.shows(p, 'zh-CN')).not.toContain('未满一季');
          } else {
            expect(t.shows(p, 'en')).toContain(` (${open} not yet whole, left out)`);
            expect(t.shows(p, 'zh-CN')).toContain(`（${open} 未满一季，不列入）`);
          }
        }
      });
    }

  it('a May pack ends with 2024Q1 and a June pack with 2024Q2 (review 3: May drew April and May as 2024Q2)', () => {
    const [may, june] = [period('2024-05'), period('2024-06')];
    for (const t of charts) {
      expect(t.data(may).request).toMatchObject({ cohort_from: '2021-04', cohort_to: '2024-03' });
      expect(t.data(june).request).toMatchObject({ cohort_from: '2021-07', cohort_to: '2024-06' });
    }
  });

  it("names the cohorts drawn: a book whose first loans are from 2021-07 starts at 2021Q3, not the window's 2021Q2", () => {
    const may = period('2024-05');
    const quarters = ['2021-07-01', '2021-10-01', '2023-10-01', '2024-01-01'];
    const rows: Row[] = quarters.map((cohort) => ({ cohort, mob: 3, ever30_rate: 0.01, ever90_rate: 0 }));
    for (const t of charts) {
      expect(t.shows(may, 'en', rows)).toMatch(/^quarterly cohorts 2021Q3 to 2024Q1, months on book to 2024-05-31/u);
      expect(t.shows(may, 'zh-CN', rows)).toMatch(/^2021Q3 至 2024Q1 季度放款批次/u);
    }
  });
});

interface Scene {
  mark?: { role?: string; marktype?: string };
  items?: Scene[];
  text?: unknown;
  bounds?: { x1: number; x2: number; y1: number; y2: number };
}
/** the cohort names the chart prints at its lines' ends, with their boxes as Vega laid them out */
async function endLabels(rows: Row[]) {
  const t = charts.find((c) => c.id === 'vintage-ever30')!;
  const view = await chartView(chartSpec(t, rows, 'en', period('2024-06')));
  const found: { text: string; b: { x1: number; x2: number; y1: number; y2: number } }[] = [];
  const visit = (n: Scene) => {
    if (
      n.mark?.marktype === 'text' &&
      n.mark.role === 'mark' &&
      typeof n.text === 'string' &&
      /^\d{4}Q\d$/u.test(n.text) &&
      n.bounds
    )
      found.push({ text: n.text, b: n.bounds });
    n.items?.forEach(visit);
  };
  visit((view.scenegraph() as unknown as { root: Scene }).root);
  view.finalize();
  return found;
}
const touching = (ls: Awaited<ReturnType<typeof endLabels>>) =>
  ls.flatMap((a, i) =>
    ls
      .slice(i + 1)
      .filter((c) => a.b.x1 < c.b.x2 && c.b.x1 < a.b.x2 && a.b.y1 < c.b.y2 && c.b.y1 < a.b.y2)
      .map((c) => `${a.text}/${c.text}`),
  );

/**
 * 12 quarterly cohorts to 2024Q2, each to the months on book it reached (the newest to 0, as a
 * month-end pack sees it), the oldest to `oldest`; `rate(q, mob)` its ever-30 rate
 */
function book(rate: (q: number, mob: number) => number, oldest = 33): Row[] {
  const rows: Row[] = [];
  for (let q = 0; q < 12; q++) {
    const start = new Date(Date.UTC(2021, 6 + 3 * q, 1)).toISOString().slice(0, 10);
    for (let mob = 0; mob <= (q === 0 ? oldest : 3 * (11 - q)); mob++)
      rows.push({ cohort: start, mob, ever30_rate: rate(q, mob), ever90_rate: rate(q, mob) / 2 });
  }
  return rows;
}

describe('vintage charts: the newest cohorts’ names at their line ends never print over each other', () => {
  const cases: [string, (q: number, mob: number) => number][] = [
    // review 4: 2024Q2 and 2024Q1 both end near the origin
    ['young cohorts at 0', (_q, mob) => (mob < 6 ? 0 : Math.min(0.08, (mob - 6) / 400))],
    ['every cohort on one curve', (_q, mob) => mob / 500],
    ['rates spread by cohort', (q, mob) => (mob * (q + 1)) / 3000],
    ['nothing overdue', () => 0],
  ];
  for (const [name, rate] of cases)
    for (const oldest of [33, 60, 120])
      it(`${name}, the oldest cohort to ${oldest} months on book`, async () => {
        const labels = await endLabels(book(rate, oldest));
        expect(labels.map((l) => l.text).sort()).toEqual(['2023Q3', '2023Q4', '2024Q1', '2024Q2']);
        expect(touching(labels)).toEqual([]);
      });

  it('labels far apart stay at their line ends (no lift)', () => {
    const lifts = endLabelLifts(
      [
        { cohort: 'a', mob: 30, rate: 0.05 },
        { cohort: 'b', mob: 10, rate: 0.01 },
      ],
      { width: 620, height: 260 },
    );
    expect(lifts).toEqual({ a: 0, b: 0 });
    const close = endLabelLifts(
      [
        { cohort: 'a', mob: 2, rate: 0 },
        { cohort: 'b', mob: 3, rate: 0 },
        { cohort: 'c', mob: 3, rate: 0 },
      ],
      { width: 620, height: 260 },
      { mob: 36, rate: 0.1 },
    );
    expect(Object.values(close).sort((x, y) => y - x)).toEqual([0, -12, -24]);
  });
});

describe('vintage subtitle without a cohort drawn', () => {
  it('names no quarter (the period-based twelve were all before the data)', () => {
    for (const t of charts) {
      expect(t.shows(period('2021-07'), 'en', [])).toBe(
        'no whole quarterly cohort yet, months on book to 2021-07-31 (2021Q3 not yet whole, left out)',
      );
      expect(t.shows(period('2021-09'), 'zh-CN', [])).toBe('尚无完整季度的放款批次，账龄截至 2021-09-30');
    }
  });
});
