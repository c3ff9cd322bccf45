import type { TopLevelSpec } from 'vega-lite';
import { chartView } from '../../reports/render/svg.ts';

interface SceneItem {
  mark?: { role?: string; marktype?: string };
  items?: SceneItem[];
  bounds?: { x1: number; x2: number; y1: number; y2: number };
  text?: unknown;
  opacity?: number;
  angle?: number;
  x?: number;
}

/**
 * Pairs of neighbouring axis labels a chart draws over each other: the visible, unrotated labels of
 * each axis, in order along it, whose boxes (as vega measured them with the chart's font) intersect,
 * or along x come within 2 px.
 */
export async function overlappingAxisLabels(spec: TopLevelSpec, fontFile?: string): Promise<string[]> {
  const view = await chartView(spec, fontFile);
  try {
    const found: string[] = [];
    const visit = (node: SceneItem) => {
      if (node.mark?.role === 'axis-label' && node.items) {
        const labels = node.items.filter((i) => i.bounds && i.opacity !== 0 && !i.angle);
        // an axis along x has labels side by side; along y, stacked
        const xs = labels.map((l) => l.bounds!.x1);
        const alongX = new Set(labels.map((l) => Math.round(l.bounds!.y1))).size === 1 && new Set(xs).size > 1;
        const key = (l: SceneItem) => (alongX ? l.bounds!.x1 : l.bounds!.y1);
        const sorted = [...labels].sort((a, b) => key(a) - key(b));
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!.bounds!, sorted[i]!.bounds!];
          // side by side, labels that touch read as one ("−8,000−6,000"): a gap of 2 px at least
          const overlaps = alongX ? b.x1 < a.x2 + 2 : b.y1 < a.y2 - 0.5;
          if (overlaps) found.push(`${String(sorted[i - 1]!.text)} × ${String(sorted[i]!.text)}`);
        }
      }
      node.items?.forEach(visit);
    };
    // the scenegraph's root item: its typings stop at the Scene interface
    visit((view.scenegraph() as unknown as { root: SceneItem }).root);
    return found;
  } finally {
    view.finalize();
  }
}
