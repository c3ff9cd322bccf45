import { z } from 'zod';
import { engineDate, isoMonth } from '../../lib/date-schemas.ts';

/**
 * The one metric request. Each field is declared once, here: its typed schema, whether it is a
 * list, its help and placeholder. From this table come the request schema every caller validates
 * with (`metricRequestSchema`), the text form a query string or a command line gives
 * (`metricTextFields`: lists comma-separated, numbers as text), the API's query schema and the
 * CLI's flags and help (`bin/commands/metrics.ts` and `api/routes/metrics.ts` read it).
 */
const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^,\p{Cc}]+$/u, 'a name without commas or control characters');
const names = z.array(name).min(1, 'give at least one value').max(200);
const dimension = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/u, 'a dimension name (a-z, 0-9, _)');

interface Field {
  schema: z.ZodType;
  list?: true;
  help: string;
  placeholder: string;
}

export const metricRequestFields = {
  group_by: {
    schema: z.array(dimension).min(1).max(6),
    list: true,
    help: 'dimensions to group by (each metric lists its own)',
    placeholder: 'a,b',
  },
  basis: {
    schema: z.enum(['balance', 'count']),
    help: 'ratios by balance or by count (default balance, or the one basis a metric has)',
    placeholder: 'balance|count',
  },
  cohort_grain: {
    schema: z.enum(['month', 'quarter']),
    help: 'vintage and recovery cohorts by month or quarter (default month)',
    placeholder: 'month|quarter',
  },
  product: { schema: names, list: true, help: 'only these products', placeholder: 'a,b' },
  region: { schema: names, list: true, help: 'only these regions', placeholder: 'a,b' },
  branch: { schema: names, list: true, help: 'only these branches', placeholder: 'a,b' },
  channel: { schema: names, list: true, help: 'only these channels', placeholder: 'a,b' },
  cohort_from: {
    schema: isoMonth,
    help: "first cohort (origination month; with --cohort-grain quarter, a quarter's first month)",
    placeholder: 'YYYY-MM',
  },
  cohort_to: {
    schema: isoMonth,
    help: "last cohort (origination month; with --cohort-grain quarter, a quarter's last month)",
    placeholder: 'YYYY-MM',
  },
  from: {
    schema: engineDate,
    help: 'first month-end of the period (any day stands for its month: 2024-06-15 is 2024-06-30; default: 11 month-ends before --to: the 12 months ending there)',
    placeholder: 'YYYY-MM-DD',
  },
  to: {
    schema: engineDate,
    help: 'last month-end of the period, its whole month included (any day stands for its month-end; default: the as-of month-end)',
    placeholder: 'YYYY-MM-DD',
  },
  as_of: {
    schema: engineDate,
    help: "the data's month-end the metric is computed at (default: the latest snapshot month-end)",
    placeholder: 'YYYY-MM-DD',
  },
  dpd_over: {
    schema: z.number().int().min(0).max(100_000),
    help: 'disposal candidates only: loans more than N days past due at the as-of month-end (charged-off loans with an open workout are kept)',
    placeholder: 'N',
  },
  months: {
    schema: z.number().int().min(1).max(120),
    help: 'forecast only: months ahead (default 12)',
    placeholder: 'N',
  },
} as const satisfies Record<string, Field>;

export type MetricRequestField = keyof typeof metricRequestFields;
export const metricRequestFieldNames = Object.keys(metricRequestFields) as MetricRequestField[];

type Optional<T extends Record<string, { schema: z.ZodType }>> = {
  [K in keyof T]: z.ZodOptional<T[K]['schema']>;
};
const optionalFields = Object.fromEntries(
  metricRequestFieldNames.map((k) => [k, metricRequestFields[k].schema.optional()]),
) as Optional<typeof metricRequestFields>;

/**
 * With quarterly cohorts, cohort_from must be a quarter's first month and cohort_to its last
 * (`position` 1 or 3): the one-line reason and the two whole-quarter choices, or null.
 */
function quarterBoundsProblem(month: string, position: 1 | 3): string | null {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const q = Math.ceil(m / 3);
  if ((m - 1) % 3 === position - 1) return null;
  const ym = (year: number, mon: number) => `${String(year)}-${String(mon).padStart(2, '0')}`;
  const first = ym(y, 3 * q - 2);
  const last = ym(y, 3 * q);
  const [before, after] =
    position === 1
      ? [first, q === 4 ? ym(y + 1, 1) : ym(y, 3 * q + 1)]
      : [q === 1 ? ym(y - 1, 12) : ym(y, 3 * q - 3), last];
  return `${month} is inside ${String(y)}Q${String(q)} (${first} to ${last}): quarterly cohorts are whole quarters, so give ${before} or ${after}`;
}

/** Every request, from the CLI, the API or a report, is validated by this schema first. */
export const metricRequestSchema = z
  .object({
    ...optionalFields,
    cohort_grain: metricRequestFields.cohort_grain.schema.default('month'),
  })
  .strict()
  .superRefine((r, ctx) => {
    // a quarterly cohort is a whole quarter: a bound inside one labelled its part as the whole quarter
    // (cohort_from 2021-08 gave "2021Q3" holding only August and September); refused, not snapped, so
    // the answer covers exactly the months asked for
    if (r.cohort_grain === 'quarter') {
      const bounds = [
        ['cohort_from', r.cohort_from, 1],
        ['cohort_to', r.cohort_to, 3],
      ] as const;
      for (const [field, month, position] of bounds) {
        const problem = month && quarterBoundsProblem(month, position);
        if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
      }
    }
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
/** A request as callers write it: defaults not yet filled. */
export type MetricRequestInput = z.input<typeof metricRequestSchema>;

/** `a, b,,c` → ['a', 'b', 'c'] */
const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** a field as text: the input a query string or a command line gives, the field's own value out */
type TextOf<F extends Field> = z.ZodOptional<z.ZodType<z.output<F['schema']>, string>>;

/**
 * Each field as text (a query-string parameter, a command-line flag): lists comma-separated,
 * numbers as digits; then the field's own schema, so both front ends refuse the same values with
 * the same message.
 */
const textOf = (f: Field): z.ZodType => {
  if (f.list)
    return z
      .string()
      .max(4000)
      .transform(splitList)
      .pipe(f.schema as z.ZodType<unknown, string[]>);
  if (f.schema instanceof z.ZodNumber)
    return z.string().regex(/^\d+$/u, 'a whole number').transform(Number).pipe(f.schema);
  return f.schema;
};
export const metricTextFields = Object.fromEntries(
  metricRequestFieldNames.map((k) => [k, textOf(metricRequestFields[k]).optional()]),
) as { [K in MetricRequestField]: TextOf<(typeof metricRequestFields)[K]> };
