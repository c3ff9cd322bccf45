import { ingest } from '../../pipelines/ingest/ingest.ts';
import type { DailyDeltasManifest } from '../../pipelines/generate/daily-deltas.ts';
import type { Warehouse } from '../../warehouse/connection.ts';

/**
 * Generated days loaded as a daily run loads them: the days' files, then their corrections with
 * `--correct` — every one of which must replace a loaded row (none quarantined as a key not loaded).
 */
export async function ingestDays(wh: Warehouse, days: DailyDeltasManifest['days'], piiSecret = 's'): Promise<void> {
  await ingest(
    wh,
    days.map((d) => d.dir),
    { piiSecret },
  );
  const corrections = days.flatMap((d) => (d.corrections ? [d.corrections] : []));
  if (!corrections.length) return;
  const { receipts } = await ingest(wh, corrections, { piiSecret, correct: true });
  const sum = (k: 'rows_read' | 'rows_corrected') => receipts.reduce((s, r) => s + r[k], 0);
  if (sum('rows_corrected') !== sum('rows_read'))
    throw new Error(`${sum('rows_read')} corrections, ${sum('rows_corrected')} applied`);
}
