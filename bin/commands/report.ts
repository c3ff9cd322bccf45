import { loanwatchVersion } from '../../lib/loanwatch-version.ts';
import { z } from 'zod';
import { defaultThresholdsFile, loadThresholds } from '../../reports/summary/thresholds.ts';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, enumList, isoMonth } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { loadProvisions } from '../../pipelines/provisions/load-provisions.ts';
import { buildReportPack, reportFormats } from '../../reports/pack.ts';
import { languages } from '../../reports/i18n.ts';
import { packs, type ReportSegment } from '../../reports/template.ts';
import { metricTextFields } from '../../warehouse/metrics/request.ts';
import { cjkFontFile } from '../../reports/render/fonts.ts';
import { writePackWorkbook } from '../../reports/render/xlsx.ts';
import { packInputs, type PackInputs } from '../../reports/archive/fingerprint.ts';
import { archiveId } from '../../reports/archive/pack-id.ts';
import { packFiles } from '../../reports/archive/pack-files.ts';
import { archivePack, archiveRootOf, listArchive, type ArchiveEntry } from '../../reports/archive/store.ts';
import { scheduleUnits } from '../../reports/archive/schedule.ts';
import { thresholdsInput, thresholdsLabel } from '../../reports/archive/thresholds-input.ts';
import { log } from '../progress.ts';
import { rerunDiffersWords } from './report-rerun-words.ts';

/** the pack's files by format: the renderings pack.ts writes, and the workbook written here from them */
const fileFormats = [...reportFormats, 'xlsx'] as const;
/** how `--archive` lists, like other listing commands */
const listFormats = ['table', 'csv', 'json'] as const;
const formatValues = [...fileFormats, ...listFormats] as const;

const reportFlags = {
  period: flag(
    z.union([isoMonth, z.literal('previous')], { error: 'expected a month YYYY-MM, or previous' }).optional(),
    'the month of the pack (previous: the month before the current one, for schedules)',
    'YYYY-MM|previous',
  ),
  pack: flag(enumList(packs).optional(), `which packs (default all; with --archive: only these)`, packs.join(',')),
  lang: flag(
    enumList(languages).optional(),
    'languages (default zh-CN; with --archive: only these)',
    languages.join(','),
  ),
  format: flag(
    enumList(formatValues).optional(),
    `files to write (default all: ${fileFormats.join(',')}); with --archive: table, csv or json`,
    fileFormats.join(','),
  ),
  product: flag(metricTextFields.product, 'a pack for these products only', 'a,b'),
  region: flag(metricTextFields.region, 'a pack for these regions only', 'a,b'),
  branch: flag(metricTextFields.branch, 'a pack for these branches only', 'a,b'),
  out: flag(z.string().min(1).optional(), 'folder (default out/reports/<pack>-<period>[-<segment>]-<lang>)', 'DIR'),
  provisions: flag(
    z.string().min(1).optional(),
    "load the finance ledger's provisions first (provision coverage)",
    'FILE.csv',
  ),
  thresholds: flag(
    z.string().min(1).optional(),
    'the limits the key figures are judged against (default: the regulatory floors and example bank limits, reports/summary/default-thresholds.json)',
    'FILE.json',
  ),
  archive: flag(
    z.boolean().default(false),
    'list the archived packs instead (filtered by --period, --pack, --lang when given)',
  ),
  schedule: flag(
    z.enum(['monthly'], { error: 'expected monthly' }).optional(),
    'print the cron line and systemd units that run the packs each month (docs/reports.md)',
    'monthly',
  ),
  'days-after': flag(count(1, 28).default(3), 'with --schedule: run on this day after the month-end', 'N'),
  at: flag(
    z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/u, 'expected a time HH:MM')
      .default('06:00'),
    'with --schedule: the local time of the run',
    'HH:MM',
  ),
};
export type ReportFlags = FlagValues<typeof reportFlags>;

/** the flags each mode uses besides its own: listing the archive, printing the schedule */
const modeFlags: Record<'archive' | 'schedule', string[]> = {
  archive: ['period', 'pack', 'lang', 'format'],
  schedule: ['pack', 'lang', 'format', 'product', 'region', 'branch', 'days-after', 'at'],
};
const scheduleOnly = ['days-after', 'at', 'archive', 'schedule'];

export const reportCommand = defineCommand({
  name: 'report',
  summary:
    'the monthly management and regulatory packs (HTML, PDF, PNG/SVG, Excel, CSV per chart), archived per period; --archive lists them',
  description:
    'Each pack built for a period is kept in the archive (warehouse table report_archive, files under <LOANWATCH_DATA_DIR>/reports/archive/<id>/) with the fingerprints of its inputs and the SHA-256 of its files. A re-run on the same inputs finds its entry and adds none.',
  flags: reportFlags,
  examples: [
    'loanwatch report --period 2024-06 --lang zh-CN,en --provisions examples/provisions.csv',
    'loanwatch report --period 2024-06 --pack management --region east --format html,pdf,xlsx',
    'loanwatch report --archive --period 2024-06 --format csv',
    'loanwatch report --schedule monthly --days-after 5 --at 06:30',
  ],
  check: (f, given) => {
    if (f.archive && f.schedule) return 'give --archive or --schedule, not both';
    // a flag the mode does not use is refused, not ignored (SPEC §10): `--archive --region east`
    // listed every segment's packs, `--schedule monthly --period 2024-06` scheduled `previous`
    const mode = f.archive ? 'archive' : f.schedule ? 'schedule' : undefined;
    const taken = mode ? modeFlags[mode] : Object.keys(reportFlags).filter((k) => !scheduleOnly.includes(k));
    const extra = [...given].filter((k) => k !== mode && !taken.includes(k));
    if (extra.length > 0)
      return mode
        ? `${extra.map((k) => `--${k}`).join(', ')}: not taken with --${mode} (it takes ${taken.map((k) => `--${k}`).join(', ')})`
        : `${extra.map((k) => `--${k}`).join(', ')}: only with --schedule`;
    const listing = f.format?.filter((x) => (listFormats as readonly string[]).includes(x)) ?? [];
    if (f.archive && f.format && (f.format.length !== 1 || listing.length !== 1))
      return '--format with --archive: one of table, csv, json';
    if (!f.archive && listing.length > 0)
      return `--format ${listing.join(',')}: a pack's files are ${fileFormats.join(', ')} (every chart's CSV is always written); table, csv and json list the archive (--archive)`;
    if (!f.archive && !f.schedule && !f.period) return '--period is required (YYYY-MM), unless --archive or --schedule';
    return undefined;
  },
  warehouse: true,
  run: ({ wh, config, out }, f) => {
    if (f.archive) return runArchiveList(wh, out, f);
    if (f.schedule) return Promise.resolve(runSchedule(config, out, f));
    return runReport(wh, config, out, f);
  },
});

/** `previous`: the month before the one the host's clock is in (what a schedule on day N asks for). */
function resolvePeriod(period: string): string {
  if (period !== 'previous') return period;
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** One folder per pack and language; a single pack in a single language goes straight into --out. */
export async function runReport(wh: Warehouse, config: Config, out: Output, f: ReportFlags) {
  const fontFile = cjkFontFile(config.LOANWATCH_CJK_FONT);
  // read and checked once, before any pack is built: a bad file is one line naming the file and field
  const thresholdsFile = f.thresholds ? resolve(f.thresholds) : defaultThresholdsFile;
  loadThresholds(thresholdsFile);
  if (!f.period) throw new Error('runReport needs a period');
  const period = resolvePeriod(f.period);
  if (f.provisions) {
    const r = await loadProvisions(wh, f.provisions);
    log(`provisions: ${r.months} month-ends loaded (${r.first} … ${r.last})`);
  }
  const packList = f.pack ?? [...packs];
  const langList = f.lang ?? ['zh-CN'];
  const formats = (f.format ?? [...fileFormats]).filter((x) => (fileFormats as readonly string[]).includes(x));
  const segment: ReportSegment = {};
  for (const k of ['product', 'region', 'branch'] as const) if (f[k]) segment[k] = f[k];
  // a segment pack gets its own default folder: it must not overwrite the whole book's
  const segmentPart = Object.values(segment)
    .map((values: string[]) => values.join('+'))
    .join('-')
    .replace(/[^\p{L}\p{N}+_.-]/gu, '_');
  const archiveRoot = archiveRootOf(config.LOANWATCH_DATA_DIR);
  // read once: every pack of the run comes from the same warehouse state
  let inputs: PackInputs | undefined;
  const written = [];
  for (const pack of packList) {
    for (const lang of langList) {
      const single = packList.length * langList.length === 1;
      const name = [pack, period, ...(segmentPart ? [segmentPart] : []), lang].join('-');
      const outDir = f.out && single ? resolve(f.out) : resolve(f.out ?? 'out/reports', name);
      const t0 = performance.now();
      const m = await buildReportPack(wh, {
        pack,
        period,
        segment,
        lang,
        formats: reportFormats.filter((x) => formats.includes(x)),
        outDir,
        fontFile,
        thresholdsFile,
      });
      if (formats.includes('xlsx')) await writePackWorkbook(outDir);
      inputs ??= await packInputs(wh, m.period.monthEnd, { thresholds: thresholdsInput(thresholdsFile) });
      const generatedAt = new Date();
      const id = archiveId({ pack, period, segment, lang, inputsSha256: inputs.sha256 });
      // generated-at lives in the manifest and the archive row only: the data files stay deterministic
      const files = stampManifest(outDir, {
        generated_at: generatedAt.toISOString(),
        archive_id: id,
        extraFiles: formats.includes('xlsx') ? ['report.xlsx'] : [],
      });
      const a = await archivePack(wh, {
        pack,
        period,
        monthEnd: m.period.monthEnd,
        segment,
        lang,
        inputs,
        from: outDir,
        files: packFiles(outDir, files),
        root: archiveRoot,
        generatedAt,
      });
      if (a.status === 'added') log(`archive ${a.entry.id}: added (${a.entry.files.length} files → ${a.dir})`);
      else if (a.changed.length === 0)
        log(
          `archive ${a.entry.id}: already archived on ${a.entry.generated_at} from the same inputs; kept${a.added.length ? `, with this build's ${a.added.join(', ')} added` : ''}`,
        );
      else log(rerunDiffersWords(a.entry.id, a.changed, archivedVersion(a.dir), loanwatchVersion()));
      log(
        `${pack} ${lang}: ${m.charts.length} charts in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}`,
      );
      written.push({
        pack,
        lang,
        outDir,
        charts: m.charts.length,
        files: files.length,
        archive: { id: a.entry.id, status: a.status, dir: a.dir },
      });
    }
  }
  out.line(JSON.stringify(written, null, 2));
  return written;
}

/** the loanwatch version an archived pack's manifest records, if any */
function archivedVersion(archived: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(archived, 'manifest.json'), 'utf8')) as { loanwatch_version?: unknown })
      .loanwatch_version;
  } catch {
    return undefined;
  }
}

/** Adds the build's time, archive id and loanwatch version to manifest.json (and the workbook to its files); returns the files. */
function stampManifest(dir: string, o: { generated_at: string; archive_id: string; extraFiles: string[] }): string[] {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { files: string[] } & Record<string, unknown>;
  const files = [...new Set([...manifest.files, ...o.extraFiles])];
  writeFileAtomic(
    path,
    `${JSON.stringify({ ...manifest, files, generated_at: o.generated_at, archive_id: o.archive_id, loanwatch_version: loanwatchVersion() }, null, 2)}\n`,
  );
  return files;
}

const segmentText = (e: ArchiveEntry) =>
  Object.entries(e.segment)
    .map(([k, v]) => `${k}=${(v as string[]).join('+')}`)
    .join(' ');

export async function runArchiveList(wh: Warehouse, out: Output, f: ReportFlags) {
  const entries = (await listArchive(wh, { period: f.period && resolvePeriod(f.period) })).filter(
    (e) => (!f.pack || f.pack.includes(e.pack)) && (!f.lang || f.lang.includes(e.lang)),
  );
  const format = f.format?.[0] ?? 'table';
  if (format === 'json') return writeJson(out, entries);
  const rows = entries.map((e) => ({
    id: e.id,
    period: e.period,
    pack: e.pack,
    lang: e.lang,
    segment: segmentText(e),
    generated_at: e.generated_at,
    snapshot_run: e.snapshot_run,
    champion: e.champion,
    thresholds: thresholdsLabel(e.inputs),
    thresholds_sha256: (e.inputs.thresholds ?? '').replace(/^sha256:/u, ''),
    inputs_sha256: e.inputs_sha256,
    files: e.files.length,
    bytes: e.files.reduce((a, x) => a + x.bytes, 0),
  }));
  if (format === 'csv') {
    await writeCsv(out, Object.keys(rows[0] ?? { id: '' }) as (keyof (typeof rows)[number])[], rows);
    return;
  }
  printTable(
    out,
    rows,
    [
      { header: 'id', value: (r) => r.id },
      { header: 'segment', value: (r) => r.segment },
      { header: 'generated at (UTC)', value: (r) => r.generated_at.slice(0, 19).replace('T', ' ') },
      { header: 'champion', value: (r) => r.champion },
      { header: 'thresholds', value: (r) => r.thresholds },
      { header: 'inputs', value: (r) => r.inputs_sha256.slice(0, 12) },
      { header: 'files', value: (r) => r.files, format: 'int' },
    ],
    { limit: rows.length },
  );
}

/** Prints what runs the packs every month; the run itself is `report --period previous`. */
export function runSchedule(config: Config, out: Output, f: ReportFlags) {
  const passOn = [
    ...(f.pack ? ['--pack', f.pack.join(',')] : []),
    ...(f.lang ? ['--lang', f.lang.join(',')] : []),
    ...(['product', 'region', 'branch'] as const).flatMap((k) => (f[k] ? [`--${k}`, f[k].join(',')] : [])),
    ...(f.format ? ['--format', f.format.join(',')] : []),
  ];
  const units = scheduleUnits({
    daysAfter: f['days-after'],
    at: f.at,
    reportArgs: passOn,
    node: process.execPath,
    cli: fileURLToPath(new URL('../loanwatch.mjs', import.meta.url)),
    workdir: process.cwd(),
    dataDir: resolve(config.LOANWATCH_DATA_DIR),
  });
  out.line('# crontab -e (the host must have loaded the month and built the snapshot by then):');
  out.line(units.cron);
  out.line('');
  out.line('# or systemd: /etc/systemd/system/loanwatch-report.service');
  out.line(units.service);
  out.line('');
  out.line('# /etc/systemd/system/loanwatch-report.timer, then: systemctl enable --now loanwatch-report.timer');
  out.line(units.timer);
  return units;
}
