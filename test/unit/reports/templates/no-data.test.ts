import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { templates } from '../../../../reports/catalogue.ts';
import { labels, languages } from '../../../../reports/i18n.ts';
import { chartSpec, chartView } from '../../../../reports/spec.ts';
import type { ReportPeriod, Row } from '../../../../reports/template.ts';

/**
 * A chart with nothing to show says "no data for this period", like a chart without rows: the
 * warning-effectiveness table answered a row per grade with nothing warned when no model existed,
 * and drew Grade A–E at "Detection 0.0%".
 */
const rows = JSON.parse(
  readFileSync(new URL('../../../fixtures/reports/rows.json', import.meta.url), 'utf8'),
) as Record<string, Row[]>;
const period: ReportPeriod = { period: '2021-09', monthEnd: '2021-09-30', from: '2020-10-31', segment: {} };
const noDataText = (spec: ReturnType<typeof chartSpec>) =>
  (chartView(spec) as { data?: { values?: { text?: string }[] } }).data?.values?.[0]?.text;

describe('warning effectiveness with nothing warned', () => {
  const t = templates.find((x) => x.id === 'warning-effectiveness')!;
  // the metric's rows when no rule fired and no champion graded a loan: every count zero
  const nothingWarned = rows[t.id]!.map((r) => ({
    ...r,
    warned: 0,
    detected: 0,
    false_alarms: 0,
    detection_rate: 0,
    precision: r.precision === null ? null : 0,
    median_lead_days: null,
  }));

  for (const lang of languages)
    it(`says ${labels.no_data[lang]} (${lang})`, () => {
      expect(noDataText(chartSpec(t, nothingWarned, lang, period))).toBe(labels.no_data[lang]);
      // rows with warnings are still a table
      expect(noDataText(chartSpec(t, rows[t.id]!, lang, period))).toBeUndefined();
    });
});
