import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Lang } from '../../../reports/i18n.ts';
import { moneyAxis } from '../../../reports/spec.ts';

interface SceneItem {
  role?: string;
  text?: string;
  items?: SceneItem[];
}
/** every axis label Vega lays out, in order */
function axisLabels(node: SceneItem, out: string[] = []): string[] {
  if (node.role === 'axis-label') for (const i of node.items ?? []) out.push(String(i.text));
  else for (const i of node.items ?? []) axisLabels(i, out);
  return out;
}

/** the labels of a money y axis over lo … hi, `length` px long, as Vega draws them */
export async function moneyTicks(lang: Lang, lo: number, hi: number, length: number, across?: number) {
  const spec = {
    width: 100,
    height: length,
    data: { values: [{ v: lo }, { v: hi }] },
    mark: 'point',
    encoding: { y: { field: 'v', type: 'quantitative', scale: { zero: false }, axis: moneyAxis(lang, across) } },
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  try {
    return axisLabels((view as unknown as { scenegraph(): { root: SceneItem } }).scenegraph().root);
  } finally {
    view.finalize();
  }
}

/** ranges across units and steps: 万 in steps of 2,000 (the incentives axis), 亿 in steps of 万, K by hundreds, negatives */
const ranges: [number, number][] = [];
for (const scale of [1, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10])
  for (const [a, b] of [
    [1, 2],
    [1.2, 1.9],
    [-1.4, 2],
    [0, 3.3],
    [-5, -1.1],
    [9.5, 10.5],
    [0.3, 0.95],
  ] as const)
    ranges.push([a * scale, b * scale]);
ranges.push([-14_000, 20_000], [12_345, 12_890], [99_990_000, 100_020_000], [0.5, 3.5]);

describe('money axis labels: no two ticks print the same text', () => {
  for (const lang of ['zh-CN', 'en'] as const)
    for (const length of [120, 260, 600])
      it(`${lang}, an axis of ${length} px, ${ranges.length} ranges`, async () => {
        for (const [lo, hi] of ranges) {
          const labels = await moneyTicks(lang, lo, hi, length);
          expect(labels.length, `${lo} … ${hi}`).toBeGreaterThanOrEqual(2);
          expect(new Set(labels).size, `${lo} … ${hi}: ${labels.join(' ')}`).toBe(labels.length);
        }
      });

  it('the incentives axis of review 4 (−14,000 … 20,000): 1.2万 and 1.4万, not 1万 twice; en in K', async () => {
    const zh = await moneyTicks('zh-CN', -14_000, 20_000, 600);
    expect(zh).toEqual(expect.arrayContaining(['−1.2万', '1.2万', '1.4万', '1.6万', '2万', '−8,000', '0']));
    const en = await moneyTicks('en', -14_000, 20_000, 600);
    expect(en).toEqual(expect.arrayContaining(['−14K', '2K', '20K']));
    // an axis across the chart asks for fewer ticks, still distinct
    const across = await moneyTicks('zh-CN', -14_000, 20_000, 380, 380);
    expect(new Set(across).size).toBe(across.length);
  });

  it('whole units stay whole, and small amounts keep cents only where a tick has them', async () => {
    expect(await moneyTicks('zh-CN', 0, 5e8, 260)).toEqual(['0', '1亿', '2亿', '3亿', '4亿', '5亿']);
    expect(await moneyTicks('en', 0, 5e6, 260)).toEqual(['0', '1M', '2M', '3M', '4M', '5M']);
    const cents = await moneyTicks('zh-CN', 0.5, 3.5, 260);
    expect(cents).toContain('0.5');
    expect(cents).toContain('1');
  });
});
