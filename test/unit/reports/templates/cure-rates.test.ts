import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { templates } from '../../../../reports/catalogue.ts';
import { languages } from '../../../../reports/i18n.ts';
import { renderSvg } from '../../../../reports/render/svg.ts';
import { chartSpec } from '../../../../reports/spec.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';
import { minCureBalance } from '../../../../reports/templates/management/cure-rates.ts';

/**
 * The cure-rates chart leaves out a month whose bucket held less than the minimum balance, and a
 * month the metric has no row for: its line breaks there, never drawn straight across it (M7+ ran
 * from 2024-02 to 2024-04 over a 2024-03 it said it left out).
 */
const t = templates.find((x) => x.id === 'cure-rates')!;
const period: ReportPeriod = { period: '2024-06', monthEnd: '2024-06-30', from: '2023-07-31', segment: {} };
const months = ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];

interface Item {
  datum?: Row;
  defined?: boolean;
  items?: Item[];
  marktype?: string;
  role?: string;
}
/** per bucket, the months its line is drawn through, in order, as runs of consecutive drawn points */
async function drawnRuns(rows: Row[]): Promise<Record<string, string[][]>> {
  const view = new vega.View(vega.parse(compile(chartSpec(t, rows, 'en', period)).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const runs: Record<string, string[][]> = {};
    const visit = (node: Item) => {
      // one line mark per bucket; its items are the line's points, `defined` false where the path breaks
      if (node.marktype === 'line' && node.role === 'mark' && node.items?.length) {
        const list = (runs[String(node.items[0]!.datum?.from_bucket)] ??= []);
        let run: string[] = [];
        for (const p of node.items) {
          if (p.defined === false) {
            if (run.length) list.push(run);
            run = [];
          } else run.push(String(p.datum?.month_end));
        }
        if (run.length) list.push(run);
      }
      for (const child of node.items ?? []) visit(child);
    };
    visit((view.scenegraph() as unknown as { root: Item }).root);
    return runs;
  } finally {
    view.finalize();
  }
}

const row = (from_bucket: string, month_end: string, from_total: number, cure_rate: number): Row => ({
  from_bucket,
  month_end,
  from_total,
  cured: from_total * cure_rate,
  cure_rate,
});
/** a bucket over every month, big enough to draw, except the months given as small or missing */
const bucket = (name: string, small: string[] = [], missing: string[] = []) =>
  months
    .filter((m) => !missing.includes(m))
    .map((m, i) => row(name, m, small.includes(m) ? minCureBalance / 10 : minCureBalance * 4, 0.1 + 0.05 * i));

/** the runs a bucket's line should draw: the months it shows, split at each it leaves out */
const expectedRuns = (hidden: string[]) =>
  months
    .reduce<string[][]>(
      (acc, m) => {
        if (hidden.includes(m)) acc.push([]);
        else acc[acc.length - 1]!.push(m);
        return acc;
      },
      [[]],
    )
    .filter((r) => r.length > 0);

describe('cure rates: a month left out breaks its line', () => {
  for (const [name, small, missing] of [
    ['small in the middle', [months[2]!], []],
    ['small first and last', [months[0]!, months[5]!], []],
    ['two small apart', [months[1]!, months[3]!], []],
    ['no row in the middle', [], [months[3]!]],
    ['small and missing side by side', [months[2]!], [months[3]!]],
  ] as const)
    it(name, async () => {
      const rows = [...bucket('M1'), ...bucket('M7+', [...small], [...missing])];
      const runs = await drawnRuns(rows);
      expect(runs.M1).toEqual([months]);
      expect(runs['M7+']).toEqual(expectedRuns([...small, ...missing]));
    });

  for (const lang of languages)
    it(`the size legend's title is whole (${lang})`, async () => {
      const svg = await renderSvg(chartSpec(t, [...bucket('M1'), ...bucket('M7+', [months[2]!])], lang, period));
      expect(svg).not.toContain('…');
      expect(svg).toContain(lang === 'en' ? 'Balance at the earlier month-end' : '上月末余额');
    });
});
