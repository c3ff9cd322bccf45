/**
 * What the notebooks share: the warehouse the runner prepared (LOANWATCH_DATA_DIR, see
 * notebooks/run.sh), and display helpers for Deno's Jupyter kernel. Charts are shown as PNG
 * (nbconvert drops SVG), rendered by the same pipeline as the reports.
 */
import type { TopLevelSpec } from 'vega-lite';
import { loadConfig } from '../../warehouse/config.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.ts';
import { migrate } from '../../warehouse/migrations/index.ts';
import { renderSvg } from '../../reports/render/svg.ts';
import { svgToPng } from '../../reports/render/png.ts';
import { cjkFontFile } from '../../reports/render/fonts.ts';
import { chartConfig } from '../../reports/theme.ts';
import { vegaLiteSchema } from '../../reports/spec.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  jupyter: { display(data: Record<string, unknown>, o: { raw: true }): Promise<void> };
};

export async function openNotebookWarehouse(): Promise<Warehouse> {
  const config = loadConfig(Deno.env.toObject());
  const wh = openWarehouse(config);
  await migrate(wh);
  return wh;
}

const font = () => cjkFontFile(Deno.env.toObject().LOANWATCH_CJK_FONT ?? '');

/** A Vega-Lite spec (schema and theme added) shown as a PNG. */
export async function showChart(spec: Record<string, unknown>) {
  const full = { $schema: vegaLiteSchema, config: chartConfig, width: 560, height: 240, ...spec } as TopLevelSpec;
  const png = await svgToPng(await renderSvg(full, font()), font());
  await Deno.jupyter.display({ 'image/png': png.toString('base64') }, { raw: true });
}

/** An SVG already rendered (a report chart) shown as a PNG. */
export async function showSvg(svg: string) {
  await Deno.jupyter.display({ 'image/png': (await svgToPng(svg, font())).toString('base64') }, { raw: true });
}

/** A cell as text: null and undefined empty, objects and arrays as JSON (String() would give '[object Object]'). */
const text = (v: unknown): string => {
  switch (typeof v) {
    case 'string':
      return v;
    case 'undefined':
      return '';
    case 'object':
      return v === null ? '' : JSON.stringify(v);
    default:
      return String(v);
  }
};
const esc = (v: unknown) => text(v).replace(/[&<>]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

/** Rows as an HTML table (numbers rounded for reading; the data itself is untouched). */
export async function showTable(rows: Record<string, unknown>[], digits = 4) {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(digits) : esc(v));
  const html = `<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  await Deno.jupyter.display({ 'text/html': html, 'text/plain': `${rows.length} rows` }, { raw: true });
}
