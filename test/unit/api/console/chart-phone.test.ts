import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartSpecs, type Dashboard } from '../../../../api/console/dashboard.ts';
import { monitoringSpecs } from '../../../../api/console/models-page.ts';
import type { ModelsOverview } from '../../../../api/console/models-data.ts';
import { monthEndOf } from '../../../../lib/dates.ts';
import { seriesColours } from '../../../../reports/theme.ts';

interface Item {
  role?: string;
  marktype?: string;
  text?: string;
  angle?: number;
  opacity?: number;
  stroke?: string;
  datum?: Record<string, unknown>;
  bounds?: { x1: number; x2: number; y1: number; y2: number };
  items?: Item[];
}
/** every scene item with the mark it belongs to (a mark holds the role and type, its items the text and colour) */
function walk(node: Item, visit: (i: Item, mark: Item) => void) {
  for (const i of node.items ?? []) {
    visit(i, node);
    walk(i, visit);
  }
}

/** the spec drawn `width` px wide (a phone's card is about 320 px), its scenegraph */
async function drawn(spec: object, width: number) {
  const view = new vega.View(vega.parse(compile({ ...spec, width } as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const root = (view as unknown as { scenegraph(): { root: Item } }).scenegraph().root;
  view.finalize();
  return root;
}

/** the month labels left visible on the x axis (slanted), and whether any two of them touch */
function monthLabels(root: Item) {
  const shown: Item[] = [];
  walk(root, (i, mark) => {
    if (mark.role === 'axis-label' && i.text && /^\d{4}-\d{2}$/u.test(i.text) && i.opacity !== 0) shown.push(i);
  });
  const overlaps = shown.flatMap((a, k) =>
    shown
      .slice(k + 1)
      .filter(
        (b) =>
          a.bounds!.x1 < b.bounds!.x2 &&
          b.bounds!.x1 < a.bounds!.x2 &&
          a.bounds!.y1 < b.bounds!.y2 &&
          b.bounds!.y1 < a.bounds!.y2,
      )
      .map((b) => `${a.text}/${b.text}`),
  );
  return { shown, overlaps };
}

function trend(n: number): Dashboard['trend'] {
  return Array.from({ length: n }, (_, i) => ({
    month_end: monthEndOf(new Date(Date.UTC(2023, 6 + i, 1)).toISOString().slice(0, 10)),
    outstanding: 4.9e9 + i * 1e7,
    overdue_ratio: 0.1 + i / 100,
    npl_ratio: 0.05 + i / 200,
    par90: 0.02 + i / 300,
  }));
}
const dash = (n: number) => ({ trend: trend(n), dim: null, drill: [] }) as unknown as Dashboard;
function models(n: number): ModelsOverview {
  const months = trend(n).map((r) => r.month_end);
  return {
    models: [],
    history: [],
    champions: [],
    monitoring: months.map((m, i) => ({ month_end: m, score_psi: 0.02 + i / 100, auc: 0.86 + i / 1000, loans: 1000 })),
    csi: months.map((m, i) => ({ month_end: m, variable: 'dpd_max_6m', csi: 0.01 * i })),
    monitored: { model: 'dpd30_3m_scorecard@1', test_auc: 0.8812 },
  };
}

describe('console trend charts on a phone: month labels slanted and thinned, never printed over each other', () => {
  for (const lang of ['zh-CN', 'en'] as const)
    for (const n of [3, 12, 24])
      for (const width of [300, 330, 700])
        it(`${lang}, ${n} months, ${width} px: dashboard and models charts`, async () => {
          const d = chartSpecs(dash(n), lang);
          const m = monitoringSpecs(models(n), lang);
          for (const [name, spec] of Object.entries({
            ratios: d.ratios,
            balance: d.balance,
            stability: m.stability,
            auc: m.auc,
          })) {
            const { shown, overlaps } = monthLabels(await drawn(spec!, width));
            expect(overlaps, name).toEqual([]);
            // thinned, not emptied: at least a label per 60 px; slanted (-45°, which Vega keeps as 315)
            expect(shown.length, name).toBeGreaterThanOrEqual(Math.min(n, Math.floor(width / 60)));
            expect(
              shown.every((l) => l.angle === 315),
              name,
            ).toBe(true);
          }
        });
});

describe("console charts' titles and names", () => {
  for (const lang of ['zh-CN', 'en'] as const)
    it(`${lang}: the trend title is short, the measures are its subtitle, the name says both (the figure's label)`, async () => {
      const d = chartSpecs(dash(12), lang);
      const m = monitoringSpecs(models(12), lang);
      for (const spec of [d.ratios, d.balance, m.stability, m.auc!]) {
        const title = spec.title;
        const text = typeof title === 'string' ? title : title.text;
        expect(spec.description.startsWith(text)).toBe(true);
        if (typeof title !== 'string') expect(spec.description).toContain(title.subtitle);
        // every title line fits a phone's chart: drawn at 320 px, no title text past the right edge
        const root = await drawn(spec, 320);
        const titles: Item[] = [];
        walk(root, (i, mark) => {
          if ((mark.role === 'title-text' || mark.role === 'title-subtitle') && i.text) titles.push(i);
        });
        expect(titles.length).toBeGreaterThanOrEqual(1);
        for (const t of titles) expect(t.bounds!.x2, String(t.text)).toBeLessThanOrEqual(330);
      }
      expect(d.ratios.description).toContain('PAR90');
    });
});

describe("the dashboard's ratio lines: one colour per measure, by its code, the packs' colours", () => {
  it('the same stroke for a measure in zh-CN and en, equal to the packs (reports/theme.ts)', async () => {
    const strokes: Record<string, Record<string, string>> = {};
    for (const lang of ['zh-CN', 'en'] as const) {
      const root = await drawn(chartSpecs(dash(12), lang).ratios, 600);
      walk(root, (i, mark) => {
        if (mark.marktype === 'line' && i.datum && typeof i.datum.measure === 'string' && i.stroke)
          (strokes[lang] ??= {})[i.datum.measure] = i.stroke;
      });
    }
    expect(Object.keys(strokes['zh-CN'] ?? {}).sort()).toEqual(['npl_ratio', 'overdue_ratio', 'par90']);
    for (const code of ['npl_ratio', 'overdue_ratio', 'par90']) {
      expect(strokes['zh-CN']![code]).toBe(seriesColours[code]);
      expect(strokes.en![code]).toBe(seriesColours[code]);
    }
  });

  it('a month without one measure (NPL not yet known) keeps the scale by code; tooltip and legend in words', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const d = dash(6);
      d.trend[0]!.npl_ratio = null;
      const spec = chartSpecs(d, lang).ratios;
      expect(spec.encoding.color.scale).toEqual({
        domain: ['npl_ratio', 'overdue_ratio', 'par90'],
        range: [seriesColours.npl_ratio, seriesColours.overdue_ratio, seriesColours.par90],
      });
      expect(spec.data.values).toHaveLength(17);
      for (const v of spec.data.values)
        if (v.measure !== 'par90') {
          expect(v.measure_label).not.toBe(v.measure);
          expect(spec.encoding.color.legend.labelExpr).toContain(JSON.stringify(v.measure_label));
        }
    }
  });
});
