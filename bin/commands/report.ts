import { z } from 'zod';
import { resolve } from 'node:path';
import { list } from '../flags.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { loadProvisions } from '../../pipelines/provisions/load-provisions.ts';
import { buildReportPack, reportFormats } from '../../reports/pack.ts';
import { languages } from '../../reports/i18n.ts';
import { packs } from '../../reports/template.ts';
import { cjkFontFile } from '../../reports/render/fonts.ts';
import { log } from '../progress.ts';

export const reportFlags = z.object({
  pack: list.pipe(z.array(z.enum(packs)).min(1)).default([...packs]),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/u, 'YYYY-MM'),
  lang: list.pipe(z.array(z.enum(languages)).min(1)).default(['zh-CN']),
  format: list.pipe(z.array(z.enum(reportFormats)).min(1)).default([...reportFormats]),
  out: z.string().optional(),
  provisions: z.string().optional(),
});

/**
 * `loanwatch report --pack management,regulatory --period 2024-06 --lang zh-CN,en --format html,pdf,png,svg`:
 * one folder per pack and language (default out/reports/<pack>-<period>-<lang>), each with the
 * HTML, PDF, PNG/SVG per chart, the Vega-Lite JSON and the data behind each chart as CSV.
 * `--provisions file.csv` loads the finance ledger's provisions first (provision coverage).
 */
export async function reportCommand(wh: Warehouse, config: Config, f: z.infer<typeof reportFlags>) {
  const fontFile = cjkFontFile(config.LOANWATCH_CJK_FONT);
  if (f.provisions) {
    const r = await loadProvisions(wh, f.provisions);
    log(`provisions: ${r.months} month-ends loaded (${r.first} … ${r.last})`);
  }
  const written = [];
  for (const pack of f.pack) {
    for (const lang of f.lang) {
      // one pack in one language goes straight into --out; several get a sub-folder each under it
      const single = f.pack.length * f.lang.length === 1;
      const outDir = f.out && single ? resolve(f.out) : resolve(f.out ?? 'out/reports', `${pack}-${f.period}-${lang}`);
      const t0 = performance.now();
      const m = await buildReportPack(wh, { pack, period: f.period, lang, formats: f.format, outDir, fontFile });
      log(`${pack} ${lang}: ${m.charts.length} charts in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}`);
      written.push({ pack, lang, outDir, charts: m.charts.length, files: m.files.length });
    }
  }
  console.log(JSON.stringify(written, null, 2));
  return written;
}
