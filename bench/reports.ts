/**
 * bench/reports: the full monthly packs for the 1M-loan book of bench/ingest-snapshot, in Chinese,
 * every format (HTML, PDF, PNG and SVG per chart, Vega-Lite JSON, CSV). The inputs a month-end run
 * has by then (champion scores of the month-end and the one before, warnings with the champion's
 * monitoring, a provisions ledger) are prepared first and not timed.
 * Each pack now opens with its key-figures summary, commentary and breakdowns (reports/summary/).
 * Writes bench/results/reports.json with management_pack_s and regulatory_pack_s (medians of `--runs`, default 3,
 * the two packs in turn; every run and the worst beside them) and summary_rows
 * (key figures plus breakdown rows of both packs).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { delinquencySettings } from '../warehouse/config.ts';
import { queryRows } from '../warehouse/connection.ts';
import { addMonthEnds } from '../lib/dates.ts';
import { defaultTarget, targetName } from '../warehouse/feature-catalogue.ts';
import { currentChampion } from '../models/registry/registry.ts';
import { scoreMonthInDb } from '../models/score.ts';
import { loadProvisions } from '../pipelines/provisions/load-provisions.ts';
import { defaultSnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import { fireWarnings } from '../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../pipelines/warnings/rules.ts';
import { buildReportPack } from '../reports/pack.ts';
import { cjkFontFile } from '../reports/render/fonts.ts';
import { writeDemoProvisions } from '../bin/commands/demo-provisions.ts';
import { openBuiltBenchWarehouse, waitForMerges } from './lib/bench-warehouse.ts';
import { median } from './lib/median.ts';
import { benchMachine, writeBenchResult } from './lib/results.ts';

// as bin/loanwatch.mjs does: the packs are timed as `loanwatch report` runs them, without reading
// the source maps of vega and the rest, which tsx would otherwise have node load on first import
process.setSourceMapsEnabled(false);
const { values } = parseArgs({ options: { work: { type: 'string' }, runs: { type: 'string' } } });
const work = resolve(values.work ?? 'bench/work');
const log = (s: string) => {
  console.error(`[bench/reports] ${s}`);
};
const { wh, config } = await openBuiltBenchWarehouse(work, 'bench/reports');
const [last] = await queryRows<{ m: string }>(wh, 'SELECT toString(max(month_end)) AS m FROM bench.loan_month');
const monthEnd = last!.m;
const previous = addMonthEnds(monthEnd, -1);
const champion = await currentChampion(wh, targetName(defaultTarget));
if (!champion) throw new Error('no champion: bench/cases trains and promotes one; run `npm run bench`');

let t0 = performance.now();
for (const me of [previous, monthEnd]) await scoreMonthInDb(wh, champion, me);
await fireWarnings(wh, {
  asOf: monthEnd,
  rules: defaultWarningRules,
  settings: defaultSnapshotSettings(delinquencySettings(config)),
  champion,
});
const ledger = join(work, 'provisions.csv');
await writeDemoProvisions(wh, ledger, monthEnd);
await loadProvisions(wh, ledger);
log(`inputs (scores, warnings and monitoring, provisions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
// the inputs' inserts are merged (and their replacements mutated) in the background; a pack timed
// beside that work measures it too (one run: summary 9.6 s and interest arrears 8.6 s, against 2.2
// and 0.5 s in the next)
t0 = performance.now();
await waitForMerges(wh);
log(`inputs merged in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const fontFile = cjkFontFile(config.LOANWATCH_CJK_FONT);
const period = monthEnd.slice(0, 7);
const packs = ['management', 'regulatory'] as const;
const runs = Math.max(1, Math.trunc(Number(values.runs ?? 3)) || 3);
const timings: Record<string, number[]> = { management: [], regulatory: [] };
const charts: Record<string, { id: string; rows: number }[]> = {};
let summaryRows = 0;
const partsS: Record<string, Record<string, number>[]> = { management: [], regulatory: [] };
// each pack `runs` times, the two in turn (neither timed straight after itself), every run reported
for (let run = 1; run <= runs; run++) {
  for (const pack of packs) {
    const outDir = join(work, 'reports', pack);
    rmSync(outDir, { recursive: true, force: true });
    t0 = performance.now();
    // where the time goes: the summary, each chart's data and drawing, then the files (PNG, PDF, …)
    const parts: Record<string, number> = {};
    let lap = t0;
    const m = await buildReportPack(wh, {
      log: (line) => {
        const now = performance.now();
        parts[line.split(':')[0]!] = Number(((now - lap) / 1000).toFixed(2));
        lap = now;
      },
      pack,
      period,
      lang: 'zh-CN',
      formats: ['html', 'pdf', 'png', 'svg'],
      outDir,
      fontFile,
    });
    const seconds = (performance.now() - t0) / 1000;
    timings[pack]!.push(seconds);
    parts.files = Number(((performance.now() - lap) / 1000).toFixed(2));
    partsS[pack]!.push(parts);
    charts[pack] = m.charts.map((c) => ({ id: c.id, rows: c.rows }));
    if (run === 1) summaryRows += m.summary.figures + m.summary.breakdown_rows;
    log(
      `${pack}, run ${run} of ${runs}: ${m.charts.length} charts, ${m.files.length} files in ${seconds.toFixed(1)} s`,
    );
  }
}
await wh.close();
const round = (x: number) => Number(x.toFixed(2));
const result = {
  machine: benchMachine(),
  book: { period, champion: `${champion.model_name}@${champion.version}` },
  runs,
  management_pack_s: round(median(timings.management!)),
  management_pack_worst_s: round(Math.max(...timings.management!)),
  management_pack_runs_s: timings.management!.map(round),
  regulatory_pack_s: round(median(timings.regulatory!)),
  regulatory_pack_worst_s: round(Math.max(...timings.regulatory!)),
  regulatory_pack_runs_s: timings.regulatory!.map(round),
  summary_rows: summaryRows,
  parts_s: partsS,
  charts,
  // met in every run, not only at the median
  targets: {
    management_pack_s_max: 10,
    regulatory_pack_s_max: 5,
    met: {
      management_every_run: timings.management!.every((t) => t <= 10),
      regulatory_every_run: timings.regulatory!.every((t) => t <= 5),
    },
  },
};
writeBenchResult('reports', result);
log(
  JSON.stringify({
    management_pack_s: result.management_pack_s,
    regulatory_pack_s: result.regulatory_pack_s,
    summary_rows: result.summary_rows,
  }),
);
