import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { maskedPersonalNumbersSql } from '../../warehouse/personal-numbers.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { Landing } from './landing.ts';

/** the quarantined rows of a file's status table (line, final_reason, from_stage, raw, row_key) */
const quarantinedOf = (status: string) =>
  `SELECT line, final_reason, from_stage, raw, row_key FROM ${status} WHERE status = 'quarantined'`;

/**
 * Engine CSV: whether every record is one physical line, so that record numbers are line numbers.
 * The file has exactly `records + 1` lines (header included) when line `records + 1` exists and
 * line `records + 2` does not; each record takes at least one line, so then each takes exactly one.
 * Where the raw text of a record may be its line (no PII), the quarantined records' lines are
 * copied into `lines` in the same pass. Reading lines is about 5× cheaper than parsing the CSV again
 * (payments at 1M loans: 0.4 s against 2.1 s), and it is done only for files with quarantined rows.
 */
export async function oneRecordPerLine(
  wh: Warehouse,
  landing: Landing,
  status: string,
  lines: string,
  records: number,
): Promise<boolean> {
  if (!landing.physicalLines) return true;
  const probes = { p1: records + 1, p2: records + 2 };
  const params = { ...landing.params, ...probes };
  let found: { p1: string; p2: string } | undefined;
  if (landing.rawText) {
    await createAs(
      wh,
      lines,
      `SELECT line, raw FROM (${landing.physicalLines})
      WHERE line IN (SELECT line FROM ${status} WHERE status = 'quarantined') OR line IN ({p1:UInt64}, {p2:UInt64})`,
      params,
    );
    [found] = await queryRows<{ p1: string; p2: string }>(
      wh,
      `SELECT countIf(line = {p1:UInt64}) AS p1, countIf(line = {p2:UInt64}) AS p2 FROM ${lines}`,
      probes,
    );
  } else {
    [found] = await queryRows<{ p1: string; p2: string }>(
      wh,
      `SELECT countIf(line = {p1:UInt64}) AS p1, countIf(line = {p2:UInt64}) AS p2
      FROM (${landing.physicalLines}) WHERE line IN ({p1:UInt64}, {p2:UInt64})`,
      params,
    );
  }
  return Number(found!.p1) === 1 && Number(found!.p2) === 0;
}

/**
 * A scratch table filled by a SELECT: created EMPTY AS, then inserted into. A plain CREATE TABLE …
 * AS SELECT is run by the engine as a table `_tmp_replace_<hash>_<random>` renamed when the SELECT
 * ends: a run killed during it left that table behind under a name no later run knows.
 */
export async function createAs(
  wh: Warehouse,
  table: string,
  select: string,
  params: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
  engine = 'Memory',
) {
  await exec(wh, `DROP TABLE IF EXISTS ${table}`);
  await exec(wh, `CREATE TABLE ${table} ENGINE = ${engine} EMPTY AS ${select}`, params, settings);
  await exec(wh, `INSERT INTO ${table} ${select}`, params, settings);
}

export interface QuarantineInput {
  landing: Landing;
  /** the file's status table: line, final_reason, status, from_stage, raw (what the stage kept), row_key (the key, '' when none) */
  status: string;
  /** scratch table (line, raw) of the quarantined lines' text; already filled by oneRecordPerLine when `linesFilled` */
  lines: string;
  linesFilled: boolean;
  /** rows the status table quarantines: the receipt's count */
  quarantined: number;
  meta: { ingest_id: string; entity: string; file: string; sha: string };
}

/**
 * Writes a file's quarantined rows with their raw text, skipping lines of this file already
 * quarantined (a re-run). The insert is driven by the status table, the receipt's count: every
 * quarantined line is written whatever raw text is found for it, and the count is checked after.
 * One source of raw text per file, so its quarantine reads alike:
 *  - the record as written (`landing.rawText`: the file's line for an engine CSV whose records are
 *    one line each, the landed record text for the stream loader) when the file has no PII columns;
 *  - otherwise the landed row formatted back (PII masked): the stage kept it for the rows it found
 *    bad, and rows quarantined later (key conflicts) are read back from the landing.
 */
export async function quarantineRows(wh: Warehouse, q: QuarantineInput): Promise<void> {
  const quarantine = tableRef(wh, 'quarantine');
  const quarantined = quarantinedOf(q.status);
  if (!q.linesFilled) {
    if (q.landing.rawText) {
      await createAs(
        wh,
        q.lines,
        `SELECT line, raw FROM (${q.landing.rawText}) WHERE line IN (SELECT line FROM (${quarantined}))`,
        q.landing.params,
        q.landing.settings,
      );
    } else {
      const later = `SELECT line FROM (${quarantined}) WHERE NOT from_stage`;
      const [n] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM (${later})`);
      if (Number(n!.n) > 0)
        await createAs(
          wh,
          q.lines,
          `SELECT line, raw FROM (${q.landing.subquery}) WHERE line IN (${later})`,
          q.landing.params,
          q.landing.settings,
        );
      else await exec(wh, `CREATE OR REPLACE TABLE ${q.lines} (line UInt64, raw String) ENGINE = Memory`);
    }
  }
  const notYet = `line NOT IN (SELECT line FROM ${quarantine} WHERE entity = {entity:String} AND file_sha256 = {sha:String})`;
  await exec(
    wh,
    `INSERT INTO ${quarantine} (ingest_id, entity, file, file_sha256, line, raw, reason, quarantined_at, row_key)
    SELECT {ingest_id:String}, {entity:String}, {file:String}, {sha:String}, line, ${maskedPersonalNumbersSql('raw')}, final_reason, now(), row_key FROM (
      SELECT lwq_q.line AS line, if(lwq_l.found, lwq_l.raw, lwq_q.raw) AS raw, lwq_q.final_reason AS final_reason, lwq_q.row_key AS row_key
      FROM (${quarantined}) AS lwq_q LEFT JOIN (SELECT line, any(raw) AS raw, 1 AS found FROM ${q.lines} GROUP BY line) AS lwq_l ON lwq_l.line = lwq_q.line)
    WHERE ${notYet}`,
    q.meta,
  );
  // by construction every quarantined line is there once; a mismatch is a defect, not a user error
  const [k] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${quarantine}
    WHERE entity = {entity:String} AND file_sha256 = {sha:String} AND line IN (SELECT line FROM (${quarantined}))`,
    q.meta,
  );
  if (Number(k!.n) !== q.quarantined)
    throw new Error(`quarantine of ${q.meta.file}: ${k!.n} rows written for ${q.quarantined} quarantined`);
}
