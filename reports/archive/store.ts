import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { joinSql, param, sql, trusted, type Sql } from '../../warehouse/sql.ts';
import type { Lang } from '../i18n.ts';
import type { Pack, ReportSegment } from '../template.ts';
import type { PackInputs } from './fingerprint.ts';
import { archiveId, canonicalSegment } from './pack-id.ts';
import { fileHash, isDataFile, type FileHash } from './pack-files.ts';

export interface ArchiveEntry {
  id: string;
  pack: Pack;
  period: string;
  month_end: string;
  segment: ReportSegment;
  lang: Lang;
  /** UTC, ISO 8601 */
  generated_at: string;
  snapshot_run: string;
  champion: string;
  inputs: Record<string, string>;
  inputs_sha256: string;
  files: FileHash[];
}

interface ArchiveRow extends Omit<ArchiveEntry, 'segment' | 'inputs' | 'files'> {
  segment: string;
  inputs: string;
  files: string[];
  file_sha256: string[];
  file_bytes: string[];
  dir: string;
}

const table = (wh: Warehouse) => trusted(tableRef(wh, 'report_archive'));

/**
 * One row per id: the first built (two runs racing on the same inputs may both insert, and are one
 * entry), and of its rows the one with the most files — a re-run in other formats adds their files
 * to the entry as a row with the same generated-at and every file (addFiles).
 */
async function archiveRows(wh: Warehouse, where: Sql[]): Promise<ArchiveRow[]> {
  return querySql<ArchiveRow>(
    wh,
    sql`SELECT * FROM (
      SELECT id, pack, period, toString(month_end) AS month_end, segment, lang,
        formatDateTime(generated_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS generated_at, snapshot_run, champion,
        inputs, inputs_sha256, files, file_sha256, file_bytes, dir
      FROM ${table(wh)} WHERE ${where.length ? joinSql(where, ' AND ') : trusted('1')}
      ORDER BY generated_at, length(files) DESC, id LIMIT 1 BY id)
    ORDER BY period DESC, pack, lang, generated_at DESC, id`,
  );
}

const entryOf = (r: ArchiveRow): ArchiveEntry & { dir: string } => ({
  ...r,
  // DateTime64(3) formatted with %f prints 6 digits; the stored value has 3
  generated_at: r.generated_at.replace(/(\.\d{3})\d*Z$/u, '$1Z'),
  segment: JSON.parse(r.segment) as ReportSegment,
  inputs: JSON.parse(r.inputs) as Record<string, string>,
  files: r.files.map((name, i) => ({ name, sha256: r.file_sha256[i] ?? '', bytes: Number(r.file_bytes[i] ?? 0) })),
});

export interface ArchiveFilter {
  period?: string;
  pack?: Pack;
  lang?: Lang;
}

/** The archive, newest period first; one entry per id. */
export async function listArchive(wh: Warehouse, f: ArchiveFilter = {}): Promise<ArchiveEntry[]> {
  const where: Sql[] = [];
  if (f.period) where.push(sql`period = ${param(f.period, 'String')}`);
  if (f.pack) where.push(sql`pack = ${param(f.pack, 'String')}`);
  if (f.lang) where.push(sql`lang = ${param(f.lang, 'String')}`);
  return (await archiveRows(wh, where)).map((r) => {
    const { dir: _dir, ...entry } = entryOf(r);
    return entry;
  });
}

/** The archive's folder in a data folder: each entry's files in `<root>/<id>/`. */
export const archiveRootOf = (dataDir: string) => resolve(dataDir, 'reports', 'archive');

/**
 * An entry and its folder: `<root>/<id>` when the archive's root is given — the data folder may have
 * been copied or moved since (a restore, a new disk), and the row names the folder it was written in —
 * else the folder the row names.
 */
export async function archiveEntry(
  wh: Warehouse,
  id: string,
  root?: string,
): Promise<(ArchiveEntry & { dir: string }) | null> {
  const [r] = await archiveRows(wh, [sql`id = ${param(id, 'String')}`]);
  if (!r) return null;
  const entry = entryOf(r);
  return root === undefined ? entry : { ...entry, dir: resolve(root, id) };
}

/** A file of the archive was changed or removed after it was archived: a fault for the operator, not the reader. */
export class ArchiveIntegrityError extends Error {}

/**
 * One archived file, checked against the hash recorded when it was archived (what an auditor relies
 * on). null: no such entry, or no such file in it — only names the entry lists are ever read.
 */
export async function archivedFile(
  wh: Warehouse,
  id: string,
  name: string,
  root?: string,
): Promise<{ body: Buffer; sha256: string } | null> {
  const entry = await archiveEntry(wh, id, root);
  const file = entry?.files.find((f) => f.name === name);
  if (!entry || !file) return null;
  let body: Buffer;
  try {
    body = readFileSync(join(entry.dir, file.name));
  } catch (e) {
    throw new ArchiveIntegrityError(`archive ${id}: ${file.name} is missing from ${entry.dir}`, { cause: e });
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== file.sha256)
    throw new ArchiveIntegrityError(`archive ${id}: ${file.name} no longer has its archived hash`);
  return { body, sha256 };
}

export type ArchiveOutcome =
  | { status: 'added'; entry: ArchiveEntry; dir: string }
  /**
   * `changed`: data files this build wrote differently from the archived ones (the same inputs
   * should repeat them); `added`: files of formats the entry did not have yet, now in it
   */
  | { status: 'existing'; entry: ArchiveEntry; dir: string; changed: string[]; added: string[] };

/**
 * Stores a built pack: its files copied to `<root>/<id>/` with their SHA-256, and one row. The id
 * comes from the pack's inputs, so a re-run on the same inputs finds the entry and adds nothing
 * (it reports the data files that came out different, which a deterministic pack never has); a
 * changed input makes a new entry and the old one stays.
 */
export async function archivePack(
  wh: Warehouse,
  o: {
    pack: Pack;
    period: string;
    monthEnd: string;
    segment: ReportSegment;
    lang: Lang;
    inputs: PackInputs;
    /** the built pack's folder and the files of it to keep */
    from: string;
    files: readonly string[];
    root: string;
    generatedAt: Date;
  },
): Promise<ArchiveOutcome> {
  const segment = canonicalSegment(o.segment);
  const id = archiveId({ ...o, segment, inputsSha256: o.inputs.sha256 });
  const existing = await archiveEntry(wh, id, o.root);
  if (existing) {
    const { dir, ...entry } = existing;
    const changed = entry.files
      .filter((f) => isDataFile(f.name) && o.files.includes(f.name))
      .filter((f) => fileHash(join(o.from, f.name), f.name).sha256 !== f.sha256)
      .map((f) => f.name);
    const added = o.files.filter((name) => !entry.files.some((f) => f.name === name));
    if (added.length === 0) return { status: 'existing', entry, dir, changed, added };
    const extended = await addFiles(wh, { entry, dir, from: o.from, files: added, at: o.generatedAt });
    return { status: 'existing', entry: extended, dir, changed, added };
  }
  const dir = resolve(o.root, id);
  // a run stopped before its row was written left files without a row: they are replaced
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = o.files.map((name) => {
    copyFileSync(join(o.from, name), join(dir, name));
    return fileHash(join(dir, name), name);
  });
  const entry: ArchiveEntry = {
    id,
    pack: o.pack,
    period: o.period,
    month_end: o.monthEnd,
    segment,
    lang: o.lang,
    generated_at: o.generatedAt.toISOString(),
    snapshot_run: o.inputs.snapshotRun,
    champion: o.inputs.champion,
    inputs: o.inputs.tables,
    inputs_sha256: o.inputs.sha256,
    files,
  };
  await insertRow(wh, entry, dir);
  return { status: 'added', entry, dir };
}

async function insertRow(wh: Warehouse, entry: ArchiveEntry, dir: string): Promise<void> {
  await wh.client.insert({
    table: tableRef(wh, 'report_archive'),
    format: 'JSONEachRow',
    values: [
      {
        ...entry,
        generated_at: entry.generated_at.replace('T', ' ').replace('Z', ''),
        segment: JSON.stringify(entry.segment),
        inputs: JSON.stringify(entry.inputs),
        files: entry.files.map((f) => f.name),
        file_sha256: entry.files.map((f) => f.sha256),
        file_bytes: entry.files.map((f) => f.bytes),
        dir,
      },
    ],
  });
}

/**
 * A re-run on the same inputs in formats the entry lacks (`--format pdf,xlsx`, then `html`): the
 * same pack issued in another form, so its files join the entry — an archive of what was issued,
 * not of the first run alone. Files already archived are never replaced. The archived manifest
 * lists the new files and, under `added`, when each later run added which; the entry keeps its
 * generated-at, and its new row (the same id, every file) is the one read from now on.
 */
async function addFiles(
  wh: Warehouse,
  o: { entry: ArchiveEntry; dir: string; from: string; files: string[]; at: Date },
): Promise<ArchiveEntry> {
  mkdirSync(o.dir, { recursive: true });
  for (const name of o.files) copyFileSync(join(o.from, name), join(o.dir, name));
  const manifestPath = join(o.dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    files?: string[];
    added?: { at: string; files: string[] }[];
  } & Record<string, unknown>;
  writeFileSync(
    manifestPath,
    `${JSON.stringify(
      {
        ...manifest,
        files: [...new Set([...(manifest.files ?? []), ...o.files])],
        added: [...(manifest.added ?? []), { at: o.at.toISOString(), files: o.files }],
      },
      null,
      2,
    )}\n`,
  );
  const names = [...o.entry.files.map((f) => f.name), ...o.files];
  const entry = { ...o.entry, files: names.map((name) => fileHash(join(o.dir, name), name)) };
  await insertRow(wh, entry, o.dir);
  return entry;
}
