import { exec, queryRows } from '../../../warehouse/connection.ts';
import { unthrottledApp } from '../../helpers/test-app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { loanwatchVersion } from '../../../lib/loanwatch-version.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportCommand, runReport, type ReportFlags } from '../../../bin/commands/report.ts';
import { valuesFor } from '../../../bin/cli/command.ts';
import type { Output } from '../../../bin/cli/output.ts';
import { loadProvisions } from '../../../pipelines/provisions/load-provisions.ts';
import { fireWarnings } from '../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules, parseWarningRules } from '../../../pipelines/warnings/rules.ts';
import { packInputs } from '../../../reports/archive/fingerprint.ts';
import { isDataFile } from '../../../reports/archive/pack-files.ts';
import { archivedFile, ArchiveIntegrityError, archiveRootOf, listArchive } from '../../../reports/archive/store.ts';
import { currentChampion, latestChampionEvent } from '../../../models/registry/registry.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { deleteRows } from '../../../warehouse/delete-rows.ts';
import { defaultTarget, targetName } from '../../../warehouse/feature-catalogue.ts';
import { warehouseForReports } from '../../helpers/report-book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened, tmpDir } from '../../helpers/warehouse.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A rebuilt data file against its archived hash: byte for byte (money and probabilities are summed exactly). */
function expectSameDataFile(name: string, rebuilt: string, archived: { sha256: string; body: Buffer }) {
  expect(sha256(readFileSync(rebuilt)), name).toBe(archived.sha256);
}

describe('report archive: store, list, fetch, idempotent re-runs, reproducible packs', () => {
  let wh: Awaited<ReturnType<typeof warehouseForReports>>;
  const dir = tmpDir('archive');
  const config = loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') });
  let text = '';
  const out: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  const run = async (given: Partial<ReportFlags>) => {
    text = '';
    return runReport(wh, config, out, valuesFor(reportCommand, { period: '2024-06', ...given }));
  };
  // the regulatory pack reads the provisions ledger: a cheap input to change and change back
  const regulatory = {
    pack: ['regulatory' as const],
    lang: ['zh-CN' as const, 'en' as const],
    format: ['html' as const, 'xlsx' as const],
  };

  beforeAll(async () => {
    wh = await warehouseForReports('archive');
  });
  afterAll(async () => {
    await disposeIfOpened(wh);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run archives each pack it builds: listed with its inputs, every file served back with its recorded hash', async () => {
    const first = await run({ ...regulatory, out: join(dir, 'first') });
    expect(first.map((w) => w.archive.status)).toEqual(['added', 'added']);
    const listed = await listArchive(wh, { period: '2024-06' });
    expect(listed.map((e) => e.id).sort()).toEqual(first.map((w) => w.archive.id).sort());
    const champion = await latestChampionEvent(wh, targetName(defaultTarget));
    for (const e of listed) {
      expect(e).toMatchObject({ pack: 'regulatory', period: '2024-06', month_end: '2024-06-30', segment: {} });
      expect(e.champion).toBe(`${champion!.model_name}@${champion!.version}`);
      expect(e.snapshot_run).not.toBe('');
      expect(Number(e.inputs.loan_month!.split(':')[0])).toBeGreaterThan(0);
      expect(Number(e.inputs.scores!.split(':')[0])).toBeGreaterThan(0);
      expect(Number(e.inputs.warnings!.split(':')[0])).toBeGreaterThan(0);
      const folder = first.find((w) => w.archive.id === e.id)!.outDir;
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
        files: string[];
        generated_at: string;
        archive_id: string;
        lang: string;
      };
      expect(manifest).toMatchObject({ archive_id: e.id, generated_at: e.generated_at, lang: e.lang });
      // which loanwatch built it: a pack re-verified after an upgrade may differ in wording
      expect((manifest as { loanwatch_version?: string }).loanwatch_version).toBe(loanwatchVersion());
      expect(loanwatchVersion()).toMatch(/^\d+\.\d+\.\d+(\+[0-9a-f]{12}(-dirty)?)?$/u);
      // every file of the pack, the manifest and the workbook included
      expect(e.files.map((f) => f.name).sort()).toEqual([...manifest.files, 'manifest.json'].sort());
      expect(e.files.map((f) => f.name)).toContain('report.xlsx');
      for (const f of e.files) {
        const got = await archivedFile(wh, e.id, f.name);
        expect(got, f.name).not.toBeNull();
        expect(sha256(got!.body)).toBe(f.sha256);
        expect(got!.body.length).toBe(f.bytes);
        // what was archived is what the run wrote
        expect(sha256(readFileSync(join(folder, f.name))), f.name).toBe(f.sha256);
        // generated-at is in the manifest and the row only: no data file carries the clock
        if (isDataFile(f.name)) expect(got!.body.toString('utf8')).not.toContain(e.generated_at.slice(0, 16));
      }
      expect(await archivedFile(wh, e.id, 'nothing.csv')).toBeNull();
      expect(await archivedFile(wh, e.id, '../manifest.json')).toBeNull();
    }
    expect(await archivedFile(wh, '2024-06-regulatory-en-000000000000', 'manifest.json')).toBeNull();
  });

  it('a re-run for the same period, filters and language finds its entry: no duplicate, same data files byte for byte', async () => {
    const before = await listArchive(wh);
    const again = await run({ ...regulatory, lang: ['en', 'zh-CN'], out: join(dir, 'again') });
    expect(again.map((w) => w.archive.status)).toEqual(['existing', 'existing']);
    expect(await listArchive(wh)).toEqual(before);
    // the rebuilt data files equal the archived ones (the run would name any that differ)
    for (const w of again) {
      const entry = before.find((e) => e.id === w.archive.id)!;
      for (const f of entry.files.filter((x) => isDataFile(x.name)))
        expectSameDataFile(f.name, join(w.outDir, f.name), {
          sha256: f.sha256,
          body: (await archivedFile(wh, entry.id, f.name))!.body,
        });
    }
  });

  it('a data folder copied or moved elsewhere serves its archive from there, and a re-run there names the new folder', async () => {
    const root = archiveRootOf(config.LOANWATCH_DATA_DIR);
    const movedData = join(dir, 'moved-data');
    const movedRoot = archiveRootOf(movedData);
    cpSync(root, movedRoot, { recursive: true });
    renameSync(root, `${root}.gone`);
    try {
      const entries = await listArchive(wh);
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries)
        for (const f of e.files) {
          // the rows name the folder they were written in, which is gone
          await expect(archivedFile(wh, e.id, f.name)).rejects.toThrow(ArchiveIntegrityError);
          expect((await archivedFile(wh, e.id, f.name, movedRoot))!.sha256).toBe(f.sha256);
        }
      text = '';
      const moved = loadConfig({ LOANWATCH_DATA_DIR: movedData });
      const again = await runReport(
        wh,
        moved,
        out,
        valuesFor(reportCommand, { period: '2024-06', ...regulatory, out: join(dir, 'moved-run') }),
      );
      expect(again.map((w) => w.archive.status)).toEqual(['existing', 'existing']);
      for (const w of again) expect(w.archive.dir).toBe(join(movedRoot, w.archive.id));
      expect(text).not.toContain(root);
    } finally {
      renameSync(`${root}.gone`, root);
      rmSync(movedData, { recursive: true, force: true });
    }
  });

  it('changed inputs make a new entry and keep the old; the warehouse as it was rebuilds the old pack exactly', async () => {
    const before = await listArchive(wh);
    const ledger = join(dir, 'provisions-restated.csv');
    writeFileSync(ledger, 'month_end,provision\n2024-06-30,6543210.00\n');
    const restated = await run({ ...regulatory, lang: ['en'], out: join(dir, 'restated'), provisions: ledger });
    expect(restated[0]!.archive.status).toBe('added');
    const after = await listArchive(wh, { period: '2024-06', pack: 'regulatory', lang: 'en' });
    expect(after).toHaveLength(2);
    expect(after.map((e) => e.id)).toContain(before.find((e) => e.lang === 'en')!.id);
    const [old, restatedEntry] = [
      after.find((e) => e.id !== restated[0]!.archive.id)!,
      after.find((e) => e.id === restated[0]!.archive.id)!,
    ];
    expect(restatedEntry.inputs.provisions).not.toBe(old.inputs.provisions);
    expect(restatedEntry.inputs.loan_month).toBe(old.inputs.loan_month);
    const coverage = (e: typeof old) => e.files.find((f) => f.name === 'provision-coverage.csv')!.sha256;
    expect(coverage(restatedEntry)).not.toBe(coverage(old));

    // the ledger as it was: the same inputs as the old entry, whose pack comes out again bit for bit
    await loadProvisions(wh, join(wh.dir, 'provisions.csv'));
    const rebuilt = await run({ ...regulatory, lang: ['en'], out: join(dir, 'rebuilt') });
    expect(rebuilt[0]!.archive).toMatchObject({ id: old.id, status: 'existing' });
    for (const f of old.files.filter((x) => isDataFile(x.name)))
      expectSameDataFile(f.name, join(rebuilt[0]!.outDir, f.name), {
        sha256: f.sha256,
        body: (await archivedFile(wh, old.id, f.name))!.body,
      });
    expect(await listArchive(wh, { period: '2024-06', pack: 'regulatory', lang: 'en' })).toEqual(after);
  });

  it("the fingerprint follows the period's warnings and scores, not when they were written", async () => {
    const a = await packInputs(wh, '2024-06-30');
    const may = await packInputs(wh, '2024-05-31');
    const champion = await currentChampion(wh, targetName(defaultTarget));
    const fire = (rules: Parameters<typeof fireWarnings>[1]['rules']) =>
      fireWarnings(wh, { asOf: '2024-06-30', rules, settings: defaultSettings, champion: champion! });
    // fired again with the same rules: new fired_at, same warnings
    await fire(defaultWarningRules);
    expect(await packInputs(wh, '2024-06-30')).toEqual(a);
    await fire(parseWarningRules({ rules: [{ id: 'any_overdue', kind: 'overdue_amount', limit: 0 }] }));
    const b = await packInputs(wh, '2024-06-30');
    expect(b.tables.warnings).not.toBe(a.tables.warnings);
    expect(b.sha256).not.toBe(a.sha256);
    // a month-end before the change does not see it
    expect(await packInputs(wh, '2024-05-31')).toEqual(may);
    await deleteRows(wh, 'warnings', "rule_id = 'any_overdue' AND as_of = {d:Date}", { d: '2024-06-30' });
    expect(await packInputs(wh, '2024-06-30')).toEqual(a);
    // a compared month-end the rules then ran for and fired nothing: its figure becomes 0 (was none)
    await exec(
      wh,
      `INSERT INTO ${wh.database}.warning_runs (as_of, run_id, event, at) VALUES
        ('2023-06-30', 'quiet', 'started', '2024-07-02 06:00:00'), ('2023-06-30', 'quiet', 'finished', '2024-07-02 06:00:01')`,
    );
    const quiet = await packInputs(wh, '2024-06-30');
    expect(quiet.tables.warning_days).not.toBe(a.tables.warning_days);
    expect(quiet.sha256).not.toBe(a.sha256);
    await deleteRows(wh, 'warning_runs', "run_id = 'quiet'", {});
    expect(await packInputs(wh, '2024-06-30')).toEqual(a);
  });

  it('a file changed after it was archived is refused, not served', async () => {
    const [e] = await listArchive(wh, { lang: 'zh-CN' });
    const name = e!.files.find((f) => f.name.endsWith('.csv'))!.name;
    const row = await wh.client.query({
      query: `SELECT dir FROM ${wh.database}.report_archive WHERE id = {id:String} LIMIT 1`,
      query_params: { id: e!.id },
      format: 'JSONEachRow',
    });
    const [found] = await row.json<{ dir: string }>();
    appendFileSync(join(found!.dir, name), '1,2,3\n');
    await expect(archivedFile(wh, e!.id, name)).rejects.toThrow(ArchiveIntegrityError);
    // through the API: refused saying what broke, and written to the audit log for the auditor to see
    const key = (await createApiKey(wh, { role: 'auditor' })).key;
    const r = await unthrottledApp(wh).request(`/v1/reports/archive/${e!.id}/${name}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(r.status).toBe(500);
    expect(await r.text()).toContain('no longer matches the SHA-256 recorded when it was issued');
    const [logged] = await queryRows<{ target: string; details: string }>(
      wh,
      `SELECT target, details FROM ${wh.database}.audit_log WHERE action = 'reports.archive_integrity'`,
    );
    expect(logged).toMatchObject({ target: `${e!.id}/${name}` });
    expect(JSON.parse(logged!.details)).toMatchObject({ archive_id: e!.id, file: name });
  });

  it('report --archive lists the entries as a table, csv or json, filtered by period, pack and language', async () => {
    const all = await listArchive(wh);
    text = '';
    await reportCommand.run({ wh, config, out }, valuesFor(reportCommand, { archive: true, format: ['json'] }));
    expect((JSON.parse(text) as { id: string }[]).map((e) => e.id)).toEqual(all.map((e) => e.id));
    text = '';
    await reportCommand.run(
      { wh, config, out },
      valuesFor(reportCommand, { archive: true, format: ['csv'], lang: ['en'], period: '2024-06' }),
    );
    const [head, ...lines] = text.trim().split('\n');
    expect(head!.split(',').slice(0, 4)).toEqual(['id', 'period', 'pack', 'lang']);
    expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(
      all
        .filter((e) => e.lang === 'en')
        .map((e) => e.id)
        .sort(),
    );
    // which limits each issued pack was judged against (these runs: the shipped file)
    const column = (name: string) => lines.map((l) => l.split(',')[head!.split(',').indexOf(name)]);
    expect(new Set(column('thresholds'))).toEqual(new Set(['default']));
    expect(column('thresholds_sha256').every((h) => /^[0-9a-f]{64}$/u.test(h ?? ''))).toBe(true);
    text = '';
    await reportCommand.run({ wh, config, out }, valuesFor(reportCommand, { archive: true, period: '2023-01' }));
    expect(text.trim()).toBe('(no rows)');
    text = '';
    await reportCommand.run({ wh, config, out }, valuesFor(reportCommand, { archive: true }));
    for (const e of all) expect(text).toContain(e.id);
    // the table's header row, under its top border
    expect(text.split('\n')[1]).toMatch(/│ thresholds +│/u);
  });
});
