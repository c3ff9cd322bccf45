import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { reportCommand, runReport } from '../../../bin/commands/report.ts';
import { valuesFor } from '../../../bin/cli/command.ts';
import type { Output } from '../../../bin/cli/output.ts';
import { reportError } from '../../../bin/cli/report-error.ts';
import { unthrottledApp } from '../../helpers/test-app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { packTemplates } from '../../../reports/catalogue.ts';
import { listArchive } from '../../../reports/archive/store.ts';
import { buildReportPack, reportPeriod, rowsCsv } from '../../../reports/pack.ts';
import { cjkFontFile } from '../../../reports/render/fonts.ts';
import type { Pack, ReportSegment } from '../../../reports/template.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { filterKeys } from '../../../warehouse/metrics/definition.ts';
import { metricEntry } from '../../../warehouse/metrics/index.ts';
import { knownFilterValues } from '../../../warehouse/metrics/known-values.ts';
import { runMetric } from '../../../warehouse/metrics/run.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';

/** A chart's CSV against the metric's rows: exactly. */
function expectSameCsv(id: string, csv: string, expected: string) {
  expect(csv, id).toBe(expected);
}

interface Manifest {
  charts: { id: string; metric: string; segment_applied: boolean }[];
}

describe('segment packs (report --product/--region/--branch): the metrics filtered to the segment', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const dir = tmpDir('segment');
  const font = cjkFontFile();
  const segments = {} as Record<Pack, ReportSegment>;

  beforeAll(async () => {
    wh = await warehouseForReports('segment');
    const known = await knownFilterValues(wh);
    // the book's first region alone, and a product within two regions: one filter and two at once
    segments.management = { region: [known.region[0]!] };
    segments.regulatory = { product: [known.product[0]!], region: known.region.slice(1, 3) };
    for (const pack of ['management', 'regulatory'] as const)
      await buildReportPack(wh, {
        pack,
        period: '2024-06',
        segment: segments[pack],
        lang: 'en',
        formats: [],
        outDir: join(dir, pack),
        fontFile: font,
      });
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const pack of ['management', 'regulatory'] as const) {
    it(`${pack}: every chart whose metric takes the segment is runMetric with its filters; the others say they are bank-wide`, async () => {
      const manifest = JSON.parse(readFileSync(join(dir, pack, 'manifest.json'), 'utf8')) as Manifest;
      const p = await reportPeriod(wh, '2024-06', segments[pack]);
      const whole = await reportPeriod(wh, '2024-06');
      let cut = 0;
      for (const t of packTemplates(pack)) {
        const chart = manifest.charts.find((c) => c.id === t.id)!;
        const { metric, request } = t.data(p);
        const takes = metricEntry(metric)?.filters ?? filterKeys;
        const csv = readFileSync(join(dir, pack, `${t.id}.csv`), 'utf8');
        if (Object.keys(segments[pack]).every((k) => takes.includes(k as (typeof filterKeys)[number]))) {
          expect(chart.segment_applied, t.id).toBe(true);
          expectSameCsv(t.id, csv, rowsCsv((await runMetric(wh, metric, { ...request, ...segments[pack] })).rows));
          cut++;
        } else {
          expect(chart.segment_applied, t.id).toBe(false);
          expectSameCsv(t.id, csv, rowsCsv((await runMetric(wh, metric, t.data(whole).request)).rows));
        }
      }
      // most of a pack is cut by segment: the test is not vacuous
      expect(cut).toBeGreaterThan(packTemplates(pack).length / 2);
    });
  }

  it("a segment's balances are part of the whole book's, month by month", async () => {
    const month = (rows: Record<string, unknown>[]) =>
      new Map(rows.map((r) => [String(r.month_end), Number(r.outstanding)]));
    const request = { from: '2023-07-31', to: '2024-06-30', as_of: '2024-06-30' };
    const all = month((await runMetric(wh, 'overdue', request)).rows);
    const known = await knownFilterValues(wh);
    const parts = await Promise.all(
      known.region.map(async (r) => month((await runMetric(wh, 'overdue', { ...request, region: [r] })).rows)),
    );
    const segmentCsv = readFileSync(join(dir, 'management', 'overdue-trend.csv'), 'utf8')
      .trim()
      .split('\n');
    const [head, ...lines] = segmentCsv;
    const [me, out] = ['month_end', 'outstanding'].map((c) => head!.split(',').indexOf(c));
    expect(lines).toHaveLength(12);
    for (const l of lines) {
      const cells = l.split(',');
      const total = all.get(cells[me!]!)!;
      expect(Number(cells[out!])).toBeLessThan(total);
      expect(Number(cells[out!])).toBeGreaterThan(0);
      // the regions add up to the whole book, to the cent
      expect(parts.reduce((a, m) => a + (m.get(cells[me!]!) ?? 0), 0)).toBeCloseTo(total, 2);
    }
  });

  it('an unknown segment value is refused: the CLI exits 2 with one line, the API answers 400', async () => {
    const config = loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') });
    const silent: Output = { line: () => undefined, write: () => Promise.resolve() };
    const flags = valuesFor(reportCommand, {
      period: '2024-06',
      pack: ['management'],
      region: ['atlantis'],
      out: join(dir, 'refused'),
    });
    const error = await runReport(wh, config, silent, flags).then(
      () => undefined,
      (e: unknown) => e,
    );
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      printed.push(a.join(' '));
    });
    try {
      expect(reportError(error)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^loanwatch: unknown region "atlantis".*known: /u);
    expect(printed[0]).not.toContain('\n');

    const app = unthrottledApp(wh);
    const { key } = await createApiKey(wh, { role: 'executive', label: 'segment' });
    const get = (q: string) => app.request(`/v1/reports/${q}`, { headers: { authorization: `Bearer ${key}` } });
    const refused = await get('overdue-trend?period=2024-06&format=csv&region=atlantis');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /unknown region "atlantis"/,
    );
    const region = segments.management.region![0]!;
    // the same chart through the API is the pack's CSV
    const ok = await get(`overdue-trend?period=2024-06&format=csv&region=${region}`);
    expect(await ok.text()).toBe(readFileSync(join(dir, 'management', 'overdue-trend.csv'), 'utf8'));
  });

  it('a segment without loans (a branch of another region) is refused: one line, exit 2, nothing written or archived', async () => {
    const config = loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') });
    const silent: Output = { line: () => undefined, write: () => Promise.resolve() };
    const known = await knownFilterValues(wh);
    const region = known.region[0]!;
    // branches are named after their region (north-01): one of another region selects no loan
    const branch = known.branch.find((b) => !b.startsWith(`${region}-`))!;
    const out = join(dir, 'empty-segment');
    const before = (await listArchive(wh)).length;
    const error = await runReport(
      wh,
      config,
      silent,
      valuesFor(reportCommand, {
        period: '2024-06',
        pack: ['management'],
        lang: ['en'],
        region: [region],
        branch: [branch],
        out,
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      printed.push(a.join(' '));
    });
    try {
      expect(reportError(error)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toHaveLength(1);
    expect(printed[0]).toBe(
      `loanwatch: no loans in this segment (region ${region}, branch ${branch}) at 2024-06-30: nothing to report, no pack written or archived`,
    );
    expect(existsSync(out)).toBe(false);
    expect((await listArchive(wh)).length).toBe(before);

    // the API (and the console, which asks it) refuses it alike: a pack or one chart, not a page of "—"
    const app = unthrottledApp(wh);
    const { key } = await createApiKey(wh, { role: 'executive', label: 'empty-segment' });
    for (const q of [
      `management?period=2024-06&format=pdf&lang=en&region=${region}&branch=${branch}`,
      `regulatory?period=2024-06&format=html&lang=zh-CN&region=${region}&branch=${branch}`,
      `overdue-trend?period=2024-06&format=csv&region=${region}&branch=${branch}`,
    ]) {
      const res = await app.request(`/v1/reports/${q}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, q).toBe(
        `no loans in this segment (region ${region}, branch ${branch}) at 2024-06-30: nothing to report, no pack written or archived`,
      );
    }
  });

  it("a segment pack's default folder is its own: it never overwrites the whole book's", async () => {
    const config = loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') });
    const silent: Output = { line: () => undefined, write: () => Promise.resolve() };
    const region = segments.management.region![0]!;
    const cwd = process.cwd();
    // the default folder is relative to the working directory (out/reports/…)
    process.chdir(dir);
    try {
      const run = (segment: Partial<Record<'region' | 'product', string[]>>) =>
        runReport(
          wh,
          config,
          silent,
          valuesFor(reportCommand, {
            period: '2024-06',
            pack: ['regulatory'],
            lang: ['en'],
            format: ['html'],
            ...segment,
          }),
        );
      const [whole] = await run({});
      const [east] = await run({ region: [region] });
      const [both] = await run({ region: [region], product: segments.regulatory.product! });
      const folders = [whole!.outDir, east!.outDir, both!.outDir];
      expect(new Set(folders).size).toBe(3);
      expect(whole!.outDir).toBe(join(dir, 'out/reports/regulatory-2024-06-en'));
      expect(east!.outDir).toContain(region);
      // each folder holds its own pack: the segment's figures, not the whole book's
      expect(readFileSync(join(east!.outDir, 'npl-deviation.csv'), 'utf8')).not.toBe(
        readFileSync(join(whole!.outDir, 'npl-deviation.csv'), 'utf8'),
      );
      expect(new Set([whole!.archive.id, east!.archive.id, both!.archive.id]).size).toBe(3);
    } finally {
      process.chdir(cwd);
    }
  });
});
