import { z } from 'zod';
import { resolve } from 'node:path';
import { enumList, isoMonth } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { loadProvisions } from '../../pipelines/provisions/load-provisions.ts';
import { buildReportPack, reportFormats } from '../../reports/pack.ts';
import { languages } from '../../reports/i18n.ts';
import { packs, type ReportSegment } from '../../reports/template.ts';
import { metricTextFields } from '../../warehouse/metrics/request.ts';
import { cjkFontFile } from '../../reports/render/fonts.ts';
import { log } from '../progress.ts';

const reportFlags = {
  period: flag(isoMonth, 'the month of the pack', 'YYYY-MM'),
  pack: flag(enumList(packs).default([...packs]), 'which packs', packs.join(',')),
  lang: flag(enumList(languages).default(['zh-CN']), 'languages', languages.join(',')),
  format: flag(enumList(reportFormats).default([...reportFormats]), 'files to write', reportFormats.join(',')),
  product: flag(metricTextFields.product, 'a pack for these products only', 'a,b'),
  region: flag(metricTextFields.region, 'a pack for these regions only', 'a,b'),
  branch: flag(metricTextFields.branch, 'a pack for these branches only', 'a,b'),
  out: flag(z.string().min(1).optional(), 'folder (default out/reports/<pack>-<period>[-<segment>]-<lang>)', 'DIR'),
  provisions: flag(
    z.string().min(1).optional(),
    "load the finance ledger's provisions first (provision coverage)",
    'FILE.csv',
  ),
};
export type ReportFlags = FlagValues<typeof reportFlags>;

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'the monthly management and regulatory packs: HTML, PDF, PNG/SVG, Vega-Lite JSON and CSV per chart',
  flags: reportFlags,
  examples: [
    'loanwatch report --period 2024-06 --lang zh-CN,en --provisions examples/provisions.csv',
    'loanwatch report --period 2024-06 --pack management --region east --format html,pdf',
  ],
  warehouse: true,
  run: ({ wh, config, out }, f) => runReport(wh, config, out, f),
});

/** One folder per pack and language; a single pack in a single language goes straight into --out. */
export async function runReport(wh: Warehouse, config: Config, out: Output, f: ReportFlags) {
  const fontFile = cjkFontFile(config.LOANWATCH_CJK_FONT);
  if (f.provisions) {
    const r = await loadProvisions(wh, f.provisions);
    log(`provisions: ${r.months} month-ends loaded (${r.first} … ${r.last})`);
  }
  const segment: ReportSegment = {};
  for (const k of ['product', 'region', 'branch'] as const) if (f[k]) segment[k] = f[k];
  // a segment pack gets its own default folder: it must not overwrite the whole book's
  const segmentPart = Object.values(segment)
    .map((values: string[]) => values.join('+'))
    .join('-')
    .replace(/[^\p{L}\p{N}+_.-]/gu, '_');
  const written = [];
  for (const pack of f.pack) {
    for (const lang of f.lang) {
      const single = f.pack.length * f.lang.length === 1;
      const name = [pack, f.period, ...(segmentPart ? [segmentPart] : []), lang].join('-');
      const outDir = f.out && single ? resolve(f.out) : resolve(f.out ?? 'out/reports', name);
      const t0 = performance.now();
      const m = await buildReportPack(wh, {
        pack,
        period: f.period,
        segment,
        lang,
        formats: f.format,
        outDir,
        fontFile,
      });
      log(
        `${pack} ${lang}: ${m.charts.length} charts in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}`,
      );
      written.push({ pack, lang, outDir, charts: m.charts.length, files: m.files.length });
    }
  }
  out.line(JSON.stringify(written, null, 2));
  return written;
}
