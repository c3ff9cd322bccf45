import { randomUUID } from 'node:crypto';
import type { Warehouse } from '../../warehouse/connection.ts';
import type { RawEntity } from '../../warehouse/tables.ts';
import { dataLastDate } from '../../warehouse/data-horizon.ts';
import { discoverInputs } from './discover.ts';
import { startFileHasher } from './file-hasher.ts';
import { checkFiles } from './header-check.ts';
import { dropLeftoverScratch, ingestFile, type Receipt } from './ingest-file.ts';
import { inRunLedger } from './run-ledger.ts';
import type { CorrectionOrigin } from './apply-corrections.ts';

export interface IngestOptions {
  piiSecret: string;
  loader?: 'auto' | 'engine' | 'stream';
  entity?: RawEntity;
  /** the data-horizon rule's tolerance in days (crossRowRules; default 31) */
  maxDaysAhead?: number;
  /** a row whose key is loaded with other content replaces the loaded row (audited) instead of being quarantined */
  correct?: boolean;
  /** who corrects and why (row_corrections.actor, .reason) */
  origin?: CorrectionOrigin;
  log?: (line: string) => void;
}

export interface IngestResult {
  ingestId: string;
  receipts: Receipt[];
  skipped: { path: string; why: string }[];
}

/**
 * Ingests files and directories in entity-dependency order; one receipt per file. Every file is
 * checked as a whole first (checkFiles): a file that cannot be loaded stops the run before any is.
 */
export async function ingest(wh: Warehouse, paths: string[], o: IngestOptions): Promise<IngestResult> {
  const log = o.log ?? (() => undefined);
  const { files, skipped } = discoverInputs(paths, o.entity);
  for (const s of skipped) log(`skip ${s.path}: ${s.why}`);
  await checkFiles(wh, files);
  const ingestId = randomUUID();
  const receipts: Receipt[] = [];
  await dropLeftoverScratch(wh);
  // the data horizon every file of the run is judged against (crossRowRules)
  const lastBefore = await dataLastDate(wh);
  const hasher = startFileHasher();
  const run = { ingestId, mode: o.correct ? 'correct' : 'load', files: files.length };
  try {
    // start every hash now (a worker beside the loads); each is awaited where its file is ingested
    for (const file of files) void hasher.sha256(file.path);
    await inRunLedger(wh, run, async () => {
      for (const file of files) await ingestOne(file);
    });
  } finally {
    await hasher.close();
  }
  return { ingestId, receipts, skipped };

  async function ingestOne(file: (typeof files)[number]) {
    const t0 = performance.now();
    const loader =
      o.loader === 'engine' || o.loader === 'stream'
        ? o.loader
        : wh.embedded && file.encoding === 'utf8'
          ? 'engine'
          : 'stream';
    const r = await ingestFile(wh, file, {
      ingestId,
      piiSecret: o.piiSecret,
      loader,
      maxDaysAhead: o.maxDaysAhead ?? 31,
      lastBefore,
      customersInRun: files.some((f) => f.entity === 'customers'),
      correct: o.correct ?? false,
      ...(o.origin ? { origin: o.origin } : {}),
      sha256: hasher.sha256(file.path),
      onStep: (step, rows) => {
        log(
          `${file.entity} ${file.path}: ${step}${rows === undefined ? '' : ` ${rows.toLocaleString('en-US')} rows`} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
        );
      },
    });
    const secs = (performance.now() - t0) / 1000;
    log(
      `receipt ${r.entity} ${r.file}: read ${r.rows_read} = accepted ${r.rows_accepted} (new ${r.rows_inserted}, already present ${r.rows_already_present}${r.rows_superseded ? ` of which ${r.rows_superseded} replaced by a correction or retracted, kept so` : ''}${o.correct ? `, corrected ${r.rows_corrected}` : ''}) + quarantined ${r.rows_quarantined}; ${Math.round(r.rows_read / Math.max(secs, 1e-3)).toLocaleString('en-US')} rows/s${r.unknown_columns.length ? `; ignored columns: ${r.unknown_columns.join(', ')}` : ''}`,
    );
    receipts.push(r);
  }
}
