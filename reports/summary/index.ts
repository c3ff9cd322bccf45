import type { Warehouse } from '../../warehouse/connection.ts';
import type { Lang } from '../i18n.ts';
import type { Pack, ReportPeriod } from '../template.ts';
import { computeSummary } from './compute.ts';
import { summaryIn, type Summary } from './summary.ts';
import { defaultThresholdsFile, loadThresholds } from './thresholds.ts';

export type { Summary } from './summary.ts';
export { summaryCsv, breakdownCsv } from './summary.ts';

/**
 * A pack's key figures, commentary and breakdowns for its period, segment and language. The
 * thresholds file is read before it returns: a bad file throws here, before any query (and before
 * a pack starts its charts beside the summary).
 */
export function buildSummary(
  wh: Warehouse,
  o: { pack: Pack; period: ReportPeriod; lang: Lang; thresholdsFile?: string },
): Promise<Summary> {
  const thresholds = loadThresholds(o.thresholdsFile ?? defaultThresholdsFile);
  return computeSummary(wh, o.pack, o.period).then((data) =>
    summaryIn(data, o.lang, thresholds, o.thresholdsFile ?? 'reports/summary/default-thresholds.json'),
  );
}
