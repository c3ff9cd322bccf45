import type { Warehouse } from '../../warehouse/connection.ts';
import type { Lang } from '../i18n.ts';
import type { Pack, ReportPeriod } from '../template.ts';
import { computeSummary } from './compute.ts';
import { summaryIn, type Summary } from './summary.ts';
import { defaultThresholdsFile, loadThresholds } from './thresholds.ts';

export type { Summary } from './summary.ts';
export { summaryCsv, breakdownCsv } from './summary.ts';

/** A pack's key figures, commentary and breakdowns for its period, segment and language. */
export async function buildSummary(
  wh: Warehouse,
  o: { pack: Pack; period: ReportPeriod; lang: Lang; thresholdsFile?: string },
): Promise<Summary> {
  const file = o.thresholdsFile ?? defaultThresholdsFile;
  // read first: a bad file stops the pack before any query
  const thresholds = loadThresholds(file);
  const data = await computeSummary(wh, o.pack, o.period);
  return summaryIn(data, o.lang, thresholds, o.thresholdsFile ?? 'reports/summary/default-thresholds.json');
}
