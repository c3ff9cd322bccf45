import { tableRef } from '../../warehouse/ddl.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { withSettings } from '../../warehouse/connection.ts';
import { forEachTsvLine } from '../../warehouse/tsv-lines.ts';
import { featureCatalogue } from '../../warehouse/feature-catalogue.ts';
import { ColumnBuilder, type Dataset } from './dataset.ts';

export interface FeatureRowFilter {
  /** rows with eligible = 1 and an observed outcome (training, evaluation) or every active row at one month-end (scoring) */
  mode: 'labelled' | 'month' | 'eligible';
  from?: string;
  to?: string;
  monthEnd?: string;
  /** keep about this share of loans (deterministic by loan hash), for training on a sample */
  loanShare?: number;
  /**
   * which sample of that share: train --seed, so retraining with other seeds gauges the sample's
   * variance (a fixed hash gave every seed the same loans and registered identical versions);
   * seed 1, the default, and no seed draw the sample versions before it were trained on
   */
  sampleSeed?: number;
  /** only these loans (a score's counterfactual reads one loan's features, not the month's) */
  ids?: string[];
}

/**
 * Reads ew_features rows into a Dataset. Rows stream as TabSeparated (NULL as \N), so a
 * million rows never sit in one JSON string.
 */
export async function loadFeatureRows(wh: Warehouse, f: FeatureRowFilter): Promise<Dataset & { observed: Uint8Array }> {
  const cols = featureCatalogue.map((c) => c.name);
  const where = f.mode === 'labelled'
    ? `eligible = 1 AND label_observed = 1 AND month_end >= {from:Date} AND month_end <= {to:Date}`
    : f.mode === 'eligible' ? `eligible = 1 AND month_end = {me:Date}` : `month_end = {me:Date}`;
  const share = Math.round(Math.min(1, Math.max(0, f.loanShare ?? 1)) * 1_000_000);
  const query = withSettings(`SELECT loan_id, toString(month_end), label, label_observed, ${cols.join(', ')} FROM ${tableRef(wh, 'ew_features')}
    WHERE ${where} AND if({sample_seed:UInt32} = 1, cityHash64(loan_id), cityHash64(loan_id, {sample_seed:UInt32})) % 1000000 < {share:UInt32}
      AND ({all_ids:UInt8} = 1 OR loan_id IN {ids:Array(String)}) ORDER BY month_end, loan_id`, {});
  const builders = featureCatalogue.map((c) => new ColumnBuilder(c.name, c.kind));
  const text = featureCatalogue.map((c) => c.kind === 'categorical');
  const ids: string[] = [];
  const period: string[] = [];
  const labels: number[] = [];
  const observed: number[] = [];
  // a month-end per row: one string per distinct month-end, not one per row
  const months = new Map<string, string>();
  const intern = (m: string) => {
    const seen = months.get(m);
    if (seen !== undefined) return seen;
    months.set(m, m);
    return m;
  };
  // a long id list goes in sorted chunks: one bound array of 100,000 ids took 6 minutes where five of
  // 20,000 take a second (within a chunk, and so overall for one month-end, rows stay in loan order)
  const chunks = f.ids ? chunked([...f.ids].sort(), idsPerStatement) : [[]];
  for (const chunk of chunks) {
    const params = { from: f.from ?? '1970-01-01', to: f.to ?? '2149-06-06', me: f.monthEnd ?? '1970-01-01', share, sample_seed: f.sampleSeed ?? 1, all_ids: f.ids ? 0 : 1, ids: chunk };
    // a month's or the training window's rows are hundreds of megabytes; a few loans' are not worth a file
    await forEachTsvLine(wh, query, params, { large: !f.ids }, (line) => {
      const cells = line.split('\t');
      ids.push(cells[0]!);
      period.push(intern(cells[1]!));
      labels.push(cells[2] === '1' ? 1 : 0);
      observed.push(cells[3] === '1' ? 1 : 0);
      // only text escapes: a number or \N is pushed as it is
      for (let k = 0; k < builders.length; k++) builders[k]!.push(text[k] ? unescapeTsv(cells[k + 4]!) : cells[k + 4]!);
    });
  }
  return { n: ids.length, columns: builders.map((b) => b.build()), label: Uint8Array.from(labels), period, ids, observed: Uint8Array.from(observed) };
}

const idsPerStatement = 20_000;

function chunked<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out.length ? out : [[]];
}

/** TabSeparated escapes backslash, tab and newline inside strings; \N (NULL) stays as is for the builder. */
const unescapeTsv = (v: string) => (v.includes('\\') && v !== '\\N'
  ? v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === '0' ? '\0' : c))
  : v);
