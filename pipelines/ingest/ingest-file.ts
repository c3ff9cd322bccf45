import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { exec, queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { IngestInputError, type InputFile } from './discover.ts';
import { engineReason } from './header-check.ts';
import { crossRowRules } from './cross-row-rules.ts';
import { entitySpecs } from './entity-specs.ts';
import { engineCsvHazard } from './engine-csv-hazard.ts';
import { applyCorrections, latestCorrections, unknownOrigin, type CorrectionOrigin } from './apply-corrections.ts';
import { correctionRules } from './correction-rules.ts';
import { findRetractedKeys, reinstatedRows, retractedReason, supersededSelect } from './retracted-keys.ts';
import { keyConflictsSelect, keyLabelFromText } from './key-conflicts.ts';
import { engineLanding, streamLanding, type Landing } from './landing.ts';
import { createAs, oneRecordPerLine, quarantineRows } from './quarantine-rows.ts';
import { stagedQuery, stagedSelect, targetKeyExpr } from './validation-sql.ts';
import { nowDateTime64Text } from '../../lib/dates.ts';

export interface Receipt {
  ingest_id: string;
  entity: string;
  file: string;
  file_sha256: string;
  format: string;
  rows_read: number;
  rows_accepted: number;
  rows_inserted: number;
  rows_already_present: number;
  rows_quarantined: number;
  /** `load`; `correct` (ingest --correct); `retract` (ingest --retract); `rollback` (ingest --rollback: rollback.ts) */
  mode: 'load' | 'correct' | 'retract' | 'rollback';
  /** rows that replaced the loaded row of their key (accepted rows: --correct) */
  rows_corrected: number;
  /** loaded rows removed (accepted rows: --retract, --rollback) */
  rows_retracted: number;
  started_at: string;
  finished_at: string;
  unknown_columns: string[];
  /**
   * of the rows already present, those equal to a version of their key that `ingest --correct`
   * replaced or `--retract` removed (supersededSelect): not loaded again, not quarantined; reported,
   * not stored
   */
  rows_superseded?: number;
}

export interface IngestFileOptions {
  ingestId: string;
  piiSecret: string;
  /** `engine`: chDB reads the file itself (embedded only); `stream`: Node parses and inserts. */
  loader: 'engine' | 'stream';
  /** the file's SHA-256, being computed in the background (startFileHasher); awaited before the quarantine */
  sha256: Promise<string>;
  /** a date more than this many days past the data horizon is quarantined (crossRowRules) */
  maxDaysAhead: number;
  /** the data's last day when the run started (crossRowRules) */
  lastBefore: string | null;
  /** the run brings a customers file: its loans' customers are checked even when none of it loaded (crossRowRules) */
  customersInRun?: boolean;
  /** a valid row whose key is loaded with other content replaces the loaded row (audited) instead of being quarantined */
  correct?: boolean;
  /** who corrects and why, for the audit of the rows a correction replaces */
  origin?: CorrectionOrigin;
  onStep?: (step: string, rows?: number) => void;
}

/** a scratch table of ingestFile or streamLanding: `stg[_<step>]_<entity>_<16 hex>` or `land_<entity>_<16 hex>` */
const scratchName = /^(stg|stg_[a-z]+|land)_[a-z_]+_[0-9a-f]{16}$/;
/**
 * the engine's own table for a CREATE TABLE … AS SELECT in progress (renamed to its name at the
 * end): a run killed during one leaves it (ingest no longer uses that form: createAs; other steps,
 * e.g. the snapshot's, still may)
 */
const engineCtasName = /^_tmp_replace_[0-9a-f]+_[0-9a-z]+$/;

/**
 * Drops scratch tables a killed run left behind. A re-run of the same file drops its own, but a
 * file renamed or removed since (scratch tables are named after the path), or one named by an
 * older version after the file's content, would otherwise stay. One ingest runs at a time per
 * database, so no other run's tables are in use. The engine's `_tmp_replace_*` tables are dropped
 * on the embedded engine only: its data directory is locked by this process, which runs one step
 * at a time, so none is in use; on a server another client's statement may be filling one.
 */
export async function dropLeftoverScratch(wh: Warehouse): Promise<void> {
  const tables = await queryRows<{ name: string }>(wh, `SELECT name FROM system.tables WHERE database = {db:String}`, {
    db: wh.database,
  });
  for (const { name } of tables) {
    if (scratchName.test(name) || (wh.embedded && engineCtasName.test(name)))
      await exec(wh, `DROP TABLE IF EXISTS ${tableRef(wh, name)}`);
  }
}

/**
 * Loads one file loss-free and idempotently:
 *  1. stage: every row with its line, typed values, key and content hash, the list of rules it
 *     breaks (an unknown loan included) and, for such rows only, its raw text;
 *  2. status: among valid rows of one key the first line wins; identical repeats (in the file
 *     or already loaded) are accepted as already present; different content under a loaded key
 *     or a broken rule is quarantined. Only rows that are not new are kept (on a first load only
 *     the rows the stage found bad or whose key repeats are looked at);
 *  3. quarantine (quarantineRows: with the raw text of each row) and insert the new rows.
 * Every step is re-runnable, so a run killed at any point and run again ends in the state of
 * one clean run.
 */
interface Staged {
  landing: Landing;
  staged: ReturnType<typeof stagedSelect>;
  /** records staged, blank lines included (the engine numbers them) */
  records: number;
  /** records read: blank lines are no records (skipped, not counted, not quarantined) */
  read: number;
  present: number;
  /** of `present`, rows equal to a replaced or retracted version of their key */
  superseded: number;
  quarantined: number;
  corrected: number;
  /** keys of the entity stand retracted (findRetractedKeys): a correction may reinstate some */
  anyRetracted: boolean;
}

/**
 * Loads one file loss-free and idempotently:
 *  1. stage: every row with its line, typed values, key and content hash, the list of rules it
 *     breaks (an unknown loan included) and, for such rows only, its raw text;
 *  2. status: among valid rows of one key the first line wins; identical repeats (in the file
 *     or already loaded) are accepted as already present; different content under a loaded key
 *     or a broken rule is quarantined. Only rows that are not new are kept (on a first load only
 *     the rows the stage found bad or whose key repeats are looked at);
 *  3. quarantine (quarantineRows: with the raw text of each row) and insert the new rows.
 * Line numbers are shown only for quarantined rows: where there are some and the engine read a CSV,
 * its records must be one line each for their numbers to be lines; a file with a record spanning
 * lines (a quoted line break) is staged again by the stream loader, which knows each record's line.
 * Every step is re-runnable, so a run killed at any point and run again ends in the state of
 * one clean run.
 */
export async function ingestFile(wh: Warehouse, file: InputFile, o: IngestFileOptions): Promise<Receipt> {
  const started = nowDateTime64Text();
  const spec = entitySpecs[file.entity];
  // scratch tables are named by the file's path: a re-run after a kill drops what the killed run left
  const tag = `${file.entity}_${createHash('sha256').update(file.path).digest('hex').slice(0, 16)}`;
  const stg = tableRef(wh, `stg_${tag}`);
  const dups = tableRef(wh, `stg_dups_${tag}`);
  const status = tableRef(wh, `stg_status_${tag}`);
  const lines = tableRef(wh, `stg_lines_${tag}`);
  const repeatedHashes = tableRef(wh, `stg_rep_${tag}`);
  const candidates = tableRef(wh, `stg_cand_${tag}`);
  const rules = tableRef(wh, `stg_rules_${tag}`);
  const conflicts = tableRef(wh, `stg_conf_${tag}`);
  const existingHashes = tableRef(wh, `stg_exist_${tag}`);
  const conflictLines = tableRef(wh, `stg_cl_${tag}`);
  const corrRules = tableRef(wh, `stg_crule_${tag}`);
  const corrScheduleRules = tableRef(wh, `stg_csched_${tag}`);
  const retracted = tableRef(wh, `stg_retr_${tag}`);
  const superseded = tableRef(wh, `stg_sup_${tag}`);
  const target = tableRef(wh, spec.entity);
  const loans = tableRef(wh, 'loans');
  const scratch = [
    stg,
    rules,
    repeatedHashes,
    candidates,
    dups,
    existingHashes,
    conflictLines,
    corrRules,
    corrScheduleRules,
    retracted,
    superseded,
    conflicts,
    status,
    lines,
  ];
  const dropScratch = async () => {
    for (const t of scratch) await exec(wh, `DROP TABLE IF EXISTS ${t}`);
  };
  // both cores write parts: on 2 cores this takes the stage write from ~3.0 s to ~1.9 s per 2M rows
  const parallelWrite = { max_insert_threads: 2 };
  let landing: Landing | null = null;

  async function stageAndCheck(loader: 'engine' | 'stream'): Promise<Staged> {
    await landing?.dispose();
    landing = null;
    await dropScratch();
    const land =
      loader === 'engine'
        ? await engineLanding(wh, file)
        : await streamLanding(wh, file, tag, (n) => o.onStep?.('reading', n));
    landing = land;
    const staged = stagedSelect(spec, 'structural', loans, file.encoding);
    // a scratch table is read twice and dropped: background merges of its parts would only take the
    // two cores away from the next steps, so they are stopped before the insert
    await exec(
      wh,
      `CREATE TABLE ${stg} ENGINE = MergeTree ORDER BY tuple() EMPTY AS ${stagedQuery(staged, land.subquery)}`,
      { ...land.params, pii_secret: o.piiSecret },
      land.settings,
    );
    await exec(wh, `SYSTEM STOP MERGES ${stg}`);
    // line numbers ascend: stored as deltas they take next to nothing (LZ4 alone: 40 MB for 10M rows)
    await exec(
      wh,
      `ALTER TABLE ${stg} MODIFY COLUMN line UInt64 CODEC(Delta, LZ4),
      ${staged.derived.map((d) => `ADD COLUMN ${d.name} ${d.type} ALIAS ${d.expr}`).join(', ')}`,
    );
    await exec(
      wh,
      `INSERT INTO ${stg} ${stagedQuery(staged, land.subquery)}`,
      { ...land.params, pii_secret: o.piiSecret },
      { ...land.settings, ...parallelWrite },
    );
    const [n] = await queryRows<{ read: string; first: string; last: string }>(
      wh,
      `SELECT count() AS read, min(line) AS first, max(line) AS last FROM ${stg}`,
    );
    const read = Number(n!.read);
    // record numbers run without a gap or a repeat from the first record's: a numbering that drifts
    // (as `_row_number` did with a skipped header) would put rows under other rows' lines
    if (
      land.firstLine !== undefined &&
      read > 0 &&
      (Number(n!.first) !== land.firstLine || Number(n!.last) !== land.firstLine + read - 1)
    ) {
      throw new Error(
        `${file.path}: the engine numbered ${read} records from ${n!.first} to ${n!.last}, not from ${land.firstLine}`,
      );
    }
    o.onStep?.('staged');
    // rules over other rows and tables (crossRowRules): the rows they break are quarantined as key
    // conflicts are, after the stage; they win no duplicate and are not inserted
    const ruled = await crossRowRules(wh, {
      spec,
      stg,
      rules,
      loans,
      customers: tableRef(wh, 'customers'),
      customersInRun: o.customersInRun ?? false,
      maxDaysAhead: o.maxDaysAhead,
      lastBefore: o.lastBefore,
    });
    const notRuled = ruled > 0 ? ` AND line NOT IN (SELECT line FROM ${rules})` : '';
    // keys seen more than once among valid rows, found by grouping the staged 64-bit hashes (far
    // cheaper than grouping the strings); exact keys are compared only where hashes repeat
    await createAs(
      wh,
      repeatedHashes,
      `SELECT key_hash FROM ${stg} WHERE reason = ''${notRuled} GROUP BY key_hash HAVING count() > 1`,
      {},
    );
    const tk = targetKeyExpr(spec);
    const [existing] = await queryRows<{ n: string }>(wh, `SELECT count() AS n FROM ${target}`);
    // a correction may finish one a killed run began (its row deleted, the new one not yet inserted):
    // that is judged against the audit, which the first-load shortcut does not read
    const firstLoad = Number(existing!.n) === 0 && !o.correct;
    // a table emptied by retractions is no first load: its retracted keys are candidates too
    const anyRetracted = (await findRetractedKeys(wh, spec.entity, retracted)) > 0;
    // First load of an entity: nothing can already be present, so only the rows the stage found bad,
    // whose key hash repeats or whose key was retracted can be anything but new. They are copied out once (usually few), and
    // the exact keys are grouped among them: reading the key strings of the whole stage for that
    // cost 0.3 s of the 0.8 s duplicate search on payments at 1M loans.
    if (firstLoad) {
      await createAs(
        wh,
        candidates,
        `SELECT line, reason, bad_raw, bad_key, key, key_hash, row_hash FROM ${stg} WHERE reason != '' OR key_hash IN ${repeatedHashes}${ruled > 0 ? ` OR line IN (SELECT line FROM ${rules})` : ''}${anyRetracted ? ` OR key IN (SELECT rkey FROM ${retracted})` : ''}`,
        {},
        {},
        'MergeTree ORDER BY tuple()',
      );
    }
    const rows = firstLoad ? candidates : stg;
    await createAs(
      wh,
      dups,
      `SELECT key, min(line) AS first_line, argMin(row_hash, line) AS first_hash FROM ${rows}
      WHERE reason = ''${notRuled} AND key_hash IN ${repeatedHashes} GROUP BY key HAVING count() > 1`,
      {},
    );
    o.onStep?.('duplicates');
    if (!firstLoad) {
      await createAs(
        wh,
        existingHashes,
        `SELECT ${tk} AS ekey, any(row_hash) AS existing_hash FROM ${target} WHERE ${tk} IN (SELECT key FROM ${stg} WHERE reason = '') GROUP BY ekey`,
      );
      // the valid rows whose key is loaded with other content (usually few): what differs is read for
      // them alone, not from the whole stage and every loaded row of its keys
      await createAs(
        wh,
        conflictLines,
        `SELECT lwq_s.line AS line FROM (SELECT line, key, row_hash FROM ${stg} WHERE reason = ''${notRuled}) AS lwq_s
        INNER JOIN ${existingHashes} AS lwq_e ON lwq_e.ekey = lwq_s.key WHERE lwq_e.existing_hash != lwq_s.row_hash`,
      );
    }
    const existingKeys = firstLoad
      ? `(SELECT '' AS ekey, toUInt64(0) AS existing_hash LIMIT 0)`
      : `(SELECT ekey, existing_hash FROM ${existingHashes})`;
    // the valid rows whose key is loaded with other content, with what differs (the reason names it)
    await createAs(
      wh,
      conflicts,
      firstLoad
        ? `SELECT * FROM (${keyConflictsSelect(spec, { stg, where: "reason = ''", target })}) LIMIT 0`
        : keyConflictsSelect(spec, { stg, where: `line IN (SELECT line FROM ${conflictLines})`, target }),
      {},
    );
    // the day's file sent again after a correction or a retraction of some of its rows: those rows
    // are the versions replaced, not news — present, as the rest of the file is (an old version is
    // restored on purpose, by --correct)
    const supersededKeys = [
      ...(firstLoad ? [] : [`SELECT key FROM ${stg} WHERE line IN (SELECT line FROM ${conflictLines})`]),
      ...(anyRetracted ? [`SELECT rkey FROM ${retracted}`] : []),
    ];
    const anySuperseded = !o.correct && supersededKeys.length > 0;
    if (anySuperseded) await createAs(wh, superseded, supersededSelect(wh, supersededKeys), { entity: spec.entity });
    const correcting = o.correct ? '1' : '0';
    // what a correction must keep of the rows loaded under it (correctionRules)
    const corrRuled =
      o.correct &&
      (await correctionRules(wh, spec, { stg, conflicts, rules: corrRules, scheduleRules: corrScheduleRules }));
    // the first valid line of its key: the one that may replace the loaded row (later lines repeat it or conflict with it)
    const firstOfKey = `(lwq_d.dkey = '' OR lwq_d.first_line = lwq_s.line)`;
    // a correction a killed run began: the key's latest audit row replaced it by this content, and
    // the old row is gone
    const finishing = `(lwq_e.ekey = '' AND lwq_a.a_action = 'correct' AND lwq_a.a_new = lwq_s.row_hash)`;
    // a retracted key brought back: quarantined by a load, reinstated by a correction
    const reinstating = `(lwq_t.rkey != '' AND lwq_e.ekey = '')`;
    const isSuperseded = `(lwq_x.skey != '' AND (lwq_c.cline != 0 OR ${reinstating}))`;
    await createAs(
      wh,
      status,
      `SELECT line, final_reason, status, from_stage, raw, row_key, reinstated, superseded FROM (
        SELECT lwq_s.line AS line, lwq_s.reason != '' AS from_stage, lwq_s.bad_raw AS raw,
          if(from_stage, lwq_s.bad_key, lwq_s.key) AS row_key,
          multiIf(from_stage, lwq_s.reason,
            lwq_r.rreason != '', lwq_r.rreason,
            lwq_v.vreason != '', lwq_v.vreason,
            ${isSuperseded}, '',
            lwq_c.cline != 0 AND NOT ${correcting}, lwq_c.creason,
            ${reinstating} AND NOT ${correcting}, ${retractedReason(spec, 'lwq_s.key')},
            ${correcting} AND lwq_e.ekey = '' AND NOT ${finishing} AND NOT ${reinstating}, concat(${keyLabelFromText(spec, 'lwq_s.key')}, ': no such key to correct (not loaded; a new row is loaded without --correct)'),
            lwq_d.dkey != '' AND lwq_d.first_line != lwq_s.line AND lwq_d.first_hash != lwq_s.row_hash, concat('duplicate key with different content (first seen on line ', toString(lwq_d.first_line), ')'),
            '') AS final_reason,
          multiIf(lwq_s.reason = 'blank line', 'skipped', final_reason != '', 'quarantined',
            ${correcting} AND ${firstOfKey} AND (lwq_c.cline != 0 OR ${finishing} OR ${reinstating}), 'corrected',
            ${isSuperseded} OR lwq_e.ekey != '' OR (lwq_d.dkey != '' AND lwq_d.first_line != lwq_s.line), 'present', 'new') AS status,
          ${reinstating} AS reinstated, status = 'present' AND ${isSuperseded} AS superseded
        FROM (SELECT line, reason, bad_raw, bad_key, key, row_hash FROM ${rows}) AS lwq_s
        LEFT JOIN ${existingKeys} AS lwq_e ON lwq_e.ekey = lwq_s.key
        LEFT JOIN (SELECT key AS dkey, first_line, first_hash FROM ${dups}) AS lwq_d ON lwq_d.dkey = lwq_s.key
        LEFT JOIN (SELECT line AS cline, reason AS creason FROM ${conflicts}) AS lwq_c ON lwq_c.cline = lwq_s.line
        LEFT JOIN ${o.correct ? latestCorrections(wh, `SELECT key FROM ${stg} WHERE reason = ''`) : `(SELECT '' AS akey, '' AS a_action, toUInt64(0) AS a_new LIMIT 0)`} AS lwq_a ON lwq_a.akey = lwq_s.key
        LEFT JOIN (SELECT line AS rline, any(reason) AS rreason FROM ${rules} GROUP BY line) AS lwq_r ON lwq_r.rline = lwq_s.line
        LEFT JOIN ${retracted} AS lwq_t ON lwq_t.rkey = lwq_s.key
        LEFT JOIN ${anySuperseded ? superseded : "(SELECT '' AS skey, toUInt64(0) AS shash LIMIT 0)"} AS lwq_x ON lwq_x.skey = lwq_s.key AND lwq_x.shash = lwq_s.row_hash
        LEFT JOIN (${corrRuled ? `SELECT vline, any(vreason) AS vreason FROM ${corrRules} GROUP BY vline` : "SELECT toUInt64(0) AS vline, '' AS vreason LIMIT 0"}) AS lwq_v ON lwq_v.vline = lwq_s.line)
      WHERE status != 'new'`,
      { entity: spec.entity },
      // grace_hash lets the join spill to disk as GROUP BY does past the configured bound (engineMemorySettings)
      { join_algorithm: 'grace_hash,hash' },
    );
    o.onStep?.('checked');
    // a blank line (CSV or JSONL) is no record: staged (the engine numbers it), then skipped: not
    // read, not quarantined, not inserted (the status table holds it, so the insert leaves it out)
    const [c] = await queryRows<{
      present: string;
      superseded: string;
      quarantined: string;
      skipped: string;
      corrected: string;
    }>(
      wh,
      `SELECT countIf(status = 'present') AS present, countIf(superseded) AS superseded, countIf(status = 'quarantined') AS quarantined, countIf(status = 'skipped') AS skipped, countIf(status = 'corrected') AS corrected FROM ${status}`,
    );
    return {
      landing: land,
      staged,
      records: read,
      read: read - Number(c!.skipped),
      present: Number(c!.present),
      superseded: Number(c!.superseded),
      quarantined: Number(c!.quarantined),
      corrected: Number(c!.corrected),
      anyRetracted,
    };
  }

  /**
   * A file moved or deleted by another process while it was read (the engine says only "File …
   * doesn't exist", the hasher ENOENT): the user's to fix, not a fault. Nothing of it is in the
   * tables yet — its rows are inserted only after the reading and the hash.
   */
  const whileReading = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (!existsSync(file.path))
        throw new IngestInputError(
          `${file.path}: the file disappeared while it was read (moved or deleted by another process); none of its rows were loaded — run the ingest again once it is in place`,
        );
      // a footer the header check could read over data that is not there (a file cut at its start)
      const message = e instanceof Error ? e.message : String(e);
      if (file.format === 'parquet' && /parquet|arrow/iu.test(message))
        throw new IngestInputError(
          `${file.path}: not a readable Parquet file (${engineReason(message)}); none of its rows were loaded`,
        );
      throw e;
    });

  try {
    o.onStep?.('reading');
    // a record the engine's CSV parser cannot read (a quote not doubled inside a quoted field) stopped
    // the whole file with the parser's error: the stream loader reads it and quarantines that record
    // what the engine's CSV parser would read otherwise than the stream loader without an error (a
    // quote never closed swallows the rest of the file; bare-CR line ends make one record of it): the
    // file is read by the stream loader
    // the engine reads UTF-8 only: a GBK file read by it had its header unread (every row "missing")
    // and its text garbled, so it is decoded by the stream loader, as the auto loader does
    const hazard =
      o.loader === 'engine' && file.encoding !== 'utf8'
        ? 'it is GBK-encoded (the engine reads UTF-8 only)'
        : o.loader === 'engine' && file.format === 'csv'
          ? await whileReading(engineCsvHazard(file.path))
          : null;
    if (hazard) o.onStep?.(`${hazard}: reading with the stream loader`);
    let s = await whileReading(
      stageAndCheck(hazard ? 'stream' : o.loader).catch(async (e: unknown) => {
        if (o.loader !== 'engine' || file.format !== 'csv' || !/Cannot parse input|CANNOT_PARSE/u.test(String(e)))
          throw e;
        o.onStep?.('a record the engine cannot parse: staging again with the stream loader');
        return stageAndCheck('stream');
      }),
    );
    let linesFilled = false;
    if (s.quarantined > 0 && s.landing.physicalLines) {
      if (await oneRecordPerLine(wh, s.landing, status, lines, s.records)) {
        linesFilled = s.landing.rawText !== undefined;
      } else {
        o.onStep?.('a record spans lines: staging again with the stream loader');
        s = await whileReading(stageAndCheck('stream'));
      }
    }
    const { read, present, superseded: supersededRows, quarantined, corrected, staged } = s;
    const sha = await whileReading(o.sha256);
    const meta = { ingest_id: o.ingestId, entity: spec.entity, file: file.path, sha };
    if (quarantined > 0)
      await quarantineRows(wh, { landing: s.landing, status, lines, linesFilled, quarantined, meta });
    o.onStep?.('quarantined');
    // the replaced rows are audited, then deleted; their replacements go in with the new rows below
    if (corrected > 0)
      await applyCorrections(wh, {
        spec,
        conflicts,
        status,
        reinstated: s.anyRetracted ? reinstatedRows(spec, { stg, status, retracted }) : null,
        meta,
        origin: o.origin ?? unknownOrigin,
        onStep: o.onStep,
      });
    await exec(
      wh,
      `INSERT INTO ${target} (${staged.targetColumns.join(', ')}, ingest_id)
      SELECT ${staged.targetColumns.join(', ')}, {ingest_id:String} FROM ${stg}
      WHERE line NOT IN (SELECT line FROM ${status} WHERE status != 'corrected')`,
      meta,
      parallelWrite,
    );
    o.onStep?.('inserted');
    // unknown_columns is reported, not stored
    const stored: Omit<Receipt, 'unknown_columns' | 'rows_superseded'> = {
      ingest_id: o.ingestId,
      entity: spec.entity,
      file: file.path,
      file_sha256: sha,
      format: file.format,
      rows_read: read,
      rows_inserted: read - present - quarantined - corrected,
      rows_already_present: present,
      rows_accepted: read - quarantined,
      rows_quarantined: quarantined,
      mode: o.correct ? 'correct' : 'load',
      rows_corrected: corrected,
      rows_retracted: 0,
      started_at: started,
      finished_at: nowDateTime64Text(),
    };
    const receipt: Receipt = {
      ...stored,
      unknown_columns: s.landing.unknownColumns,
      ...(supersededRows > 0 ? { rows_superseded: supersededRows } : {}),
    };
    await wh.client.insert({ table: tableRef(wh, 'ingest_receipts'), values: [stored], format: 'JSONEachRow' });
    return receipt;
  } finally {
    await (landing as Landing | null)?.dispose();
    await dropScratch();
  }
}
