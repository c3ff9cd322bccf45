import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { templates } from '../../../../reports/catalogue.ts';
import { languages } from '../../../../reports/i18n.ts';
import { chartSpec } from '../../../../reports/spec.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';

/**
 * A fixed axis domain that the data can leave draws marks off the plot (a provision coverage of
 * 531 % over an axis that stopped at 180 %). Every chart, on its fixture rows with every number
 * scaled far up and far down, must keep every data mark (bars, points, lines) inside its view.
 */

const rows = JSON.parse(
  readFileSync(new URL('../../../fixtures/reports/rows.json', import.meta.url), 'utf8'),
) as Record<string, Row[]>;
const period: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };

const scaled = (rs: Row[], k: number): Row[] =>
  rs.map((r) => Object.fromEntries(Object.entries(r).map(([f, v]) => [f, typeof v === 'number' ? v * k : v])));

interface Item {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  items?: Node[];
}
interface Node {
  marktype?: string;
  role?: string;
  name?: string;
  items?: Item[];
}

/** data marks drawn outside the view they belong to, by mark name */
function outside(root: Node): string[] {
  const found: string[] = [];
  const tolerance = 1;
  const visit = (node: Node, view: { width: number; height: number }) => {
    for (const item of node.items ?? []) {
      if (node.marktype === 'group') {
        const inner =
          item.width !== undefined && item.height !== undefined ? { width: item.width, height: item.height } : view;
        for (const child of item.items ?? []) visit(child, inner);
        continue;
      }
      if (node.role !== 'mark' || !['symbol', 'rect', 'line', 'area'].includes(node.marktype ?? '')) continue;
      const ys = [item.y, node.marktype === 'rect' ? (item.y ?? 0) + (item.height ?? 0) : undefined];
      const xs = [item.x, node.marktype === 'rect' ? (item.x ?? 0) + (item.width ?? 0) : undefined];
      const off = (v: number | undefined, max: number) =>
        v !== undefined && Number.isFinite(v) && (v < -tolerance || v > max + tolerance);
      if (ys.some((y) => off(y, view.height)) || xs.some((x) => off(x, view.width)))
        found.push(`${node.name ?? node.marktype} at (${item.x}, ${item.y}) in ${view.width}×${view.height}`);
    }
  };
  visit(root, { width: Infinity, height: Infinity });
  return found;
}

describe('chart axes cover the data', () => {
  for (const t of templates)
    for (const k of [10, 0.05])
      for (const lang of languages)
        it(`${t.id} (${lang}), every number ×${k}`, async () => {
          const spec = chartSpec(t, scaled(rows[t.id]!, k), lang, period);
          const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
          try {
            await view.runAsync();
            expect(outside((view.scenegraph() as unknown as { root: Node }).root).slice(0, 3)).toEqual([]);
          } finally {
            view.finalize();
          }
        });
});
