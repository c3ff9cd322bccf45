import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportCommand, runReport, type ReportFlags } from '../../../bin/commands/report.ts';
import { valuesFor } from '../../../bin/cli/command.ts';
import type { Output } from '../../../bin/cli/output.ts';
import { archivedFile, listArchive } from '../../../reports/archive/store.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';

const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: string[]; period: { period: string } };

describe('report re-runs: a reused --out folder, the same period in other formats', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const dir = tmpDir('pack-rerun');
  const config = loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') });
  const out: Output = { line: () => undefined, write: () => Promise.resolve() };
  const run = (given: Partial<ReportFlags>) =>
    runReport(wh, config, out, valuesFor(reportCommand, { pack: ['regulatory'], lang: ['en'], ...given }));

  beforeAll(async () => {
    wh = await warehouseForReports('pack-rerun');
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a reused --out folder holds the new pack alone: another month's files go, files no pack wrote stay", async () => {
    const folder = join(dir, 'rerun05');
    await run({ period: '2024-05', format: ['html', 'xlsx'], out: folder });
    writeFileSync(join(folder, 'notes.txt'), 'mine\n');
    // a file named like a pack's but not in its manifest is not the pack's either
    writeFileSync(join(folder, 'report.pdf'), 'not a pack file');
    const may = manifestOf(folder).files;
    expect(may).toContain('report.html');

    const [april] = await run({ period: '2024-04', format: ['pdf'], out: folder });
    const m = manifestOf(folder);
    expect(m.period.period).toBe('2024-04');
    // May's report.html and workbook are gone; the folder is April's files, the manifest and the user's note
    expect(existsSync(join(folder, 'report.html'))).toBe(false);
    expect(existsSync(join(folder, 'report.xlsx'))).toBe(false);
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readdirSync(folder).sort()).toEqual([...m.files, 'manifest.json', 'notes.txt'].sort());
    expect(readFileSync(join(folder, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    // and April's archive entry holds April's pack only
    const [entry] = await listArchive(wh, { period: '2024-04' });
    expect(entry!.id).toBe(april!.archive.id);
    expect(entry!.files.map((f) => f.name)).not.toContain('report.html');
    expect(entry!.files.map((f) => f.name)).not.toContain('report.xlsx');
  });

  it('the same period and inputs in other formats: their files join the archive entry, listed in its manifest', async () => {
    const [first] = await run({ period: '2024-01', format: ['pdf', 'xlsx'], out: join(dir, 'jan-pdf') });
    expect(first!.archive.status).toBe('added');
    const [before] = await listArchive(wh, { period: '2024-01' });
    expect(before!.files.map((f) => f.name)).not.toContain('report.html');

    const htmlDir = join(dir, 'jan-html');
    const [again] = await run({ period: '2024-01', format: ['html'], out: htmlDir });
    expect(again!.archive).toMatchObject({ id: first!.archive.id, status: 'existing' });
    const entries = await listArchive(wh, { period: '2024-01' });
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    // the first build's time and files stay; the HTML is added, served back as this run wrote it
    expect(entry.generated_at).toBe(before!.generated_at);
    expect(entry.files.map((f) => f.name).sort()).toEqual([...before!.files.map((f) => f.name), 'report.html'].sort());
    for (const f of before!.files.filter((x) => x.name !== 'manifest.json'))
      expect(entry.files.find((x) => x.name === f.name)).toEqual(f);
    const html = await archivedFile(wh, entry.id, 'report.html');
    expect(html!.body.equals(readFileSync(join(htmlDir, 'report.html')))).toBe(true);
    // the archived manifest lists every archived file, and says what was added when
    const manifest = JSON.parse((await archivedFile(wh, entry.id, 'manifest.json'))!.body.toString('utf8')) as {
      files: string[];
      added: { at: string; files: string[] }[];
      generated_at: string;
    };
    expect(manifest.generated_at).toBe(before!.generated_at);
    expect([...manifest.files, 'manifest.json'].sort()).toEqual(entry.files.map((f) => f.name).sort());
    expect(manifest.added).toHaveLength(1);
    expect(manifest.added[0]!.files).toEqual(['report.html']);
    for (const f of entry.files) expect(await archivedFile(wh, entry.id, f.name), f.name).not.toBeNull();

    // the same again adds nothing
    await run({ period: '2024-01', format: ['html'], out: htmlDir });
    expect(await listArchive(wh, { period: '2024-01' })).toEqual(entries);
  });
});
