import { z } from 'zod';
import { isEngineDate } from '../../lib/dates.ts';

/**
 * A metric is data: which relation it reads, how it may be grouped and filtered,
 * what it measures, which ratios it reports (each naming its denominator) and how
 * the result is shaped. compile.ts is the one compiler from a definition plus a
 * validated request to { query, query_params }.
 */
export type Basis = 'balance' | 'count';

export interface Measure {
  /** SQL condition on a source row; the measure sums the basis weight over rows where it holds */
  when?: string;
  /** overrides the definition's weight for this measure (SQL per basis) */
  weight?: Partial<Record<Basis, string>>;
}

export interface RatioDef {
  numerator: string;
  denominator: string;
  /** says what the denominator is, in every output (per basis when it differs) */
  denominatorLabel: string | Record<Basis, string>;
}

export type Shape =
  | { kind: 'aggregate' }
  /** measures listed in `cumulative` summed up along the ordered dimension `over` (curves; the source censors) */
  | { kind: 'cumulative'; over: string; cumulative: string[] }
  /** each listed measure also as a share of its total over the values of `of` (e.g. a roll-rate row over to_bucket) */
  | { kind: 'share'; of: string; shares: string[]; denominatorLabel: Record<Basis, string> };

export interface MetricDefinition {
  name: string;
  title: string;
  description: string;
  source: SourceName;
  /** dimensions a request may group by: name → SQL over the source */
  dimensions: Record<string, string>;
  defaultDimensions: readonly string[];
  /** dimensions always grouped by (the shape needs them) */
  requiredDimensions?: readonly string[];
  /** basis weights: SQL summed by each measure */
  weight: Record<Basis, string>;
  measures: Record<string, Measure>;
  ratios: Record<string, RatioDef>;
  shape: Shape;
}

export type FilterKey = 'product' | 'region' | 'branch' | 'channel' | 'cohort' | 'period';

export type SourceName =
  | 'loan_months'
  | 'transitions'
  | 'bucket_flows'
  | 'vintage_events'
  | 'migration_pairs'
  | 'recovery_flows'
  | 'workouts'
  | 'collection_actions';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
// a real calendar date the engine's Date holds: 2024-02-31 or 2200-01-01 would fail inside the query, not here
const day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date YYYY-MM-DD')
  .refine(isEngineDate, 'a real date YYYY-MM-DD between 1970-01-01 and 2149-06-06');
const names = z.array(z.string().min(1).max(64)).min(1).max(200);

/** Every request, from the CLI, the API or a report, is validated by this schema first. */
export const metricRequestSchema = z
  .object({
    group_by: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/))
      .max(6)
      .optional(),
    basis: z.enum(['balance', 'count']).default('balance'),
    cohort_grain: z.enum(['month', 'quarter']).default('month'),
    product: names.optional(),
    region: names.optional(),
    branch: names.optional(),
    channel: names.optional(),
    cohort_from: month.optional(),
    cohort_to: month.optional(),
    /** period: first and last month-end (or any date in the month) the metric covers */
    from: day.optional(),
    to: day.optional(),
    /** the data's last month-end (defaults to the latest in the snapshot) */
    as_of: day.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    // an inverted range is a mistake, not an empty answer (CLI and API alike)
    if (r.from && r.to && r.from > r.to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${r.from}) is after to (${r.to})` });
    if (r.cohort_from && r.cohort_to && r.cohort_from > r.cohort_to) {
      ctx.addIssue({
        code: 'custom',
        path: ['cohort_from'],
        message: `cohort_from (${r.cohort_from}) is after cohort_to (${r.cohort_to})`,
      });
    }
  });

export type MetricRequest = z.infer<typeof metricRequestSchema>;

export interface CompiledMetric {
  query: string;
  query_params: Record<string, unknown>;
  /** columns in order, with what each ratio divides by */
  columns: { name: string; kind: 'dimension' | 'measure' | 'ratio'; denominator?: string }[];
}
