import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../../lib/user-error.ts';
import { figureIds, isFigureId } from './figures.ts';

/**
 * Limits the key figures are judged against. A limit is a floor (`min`: 拨备覆盖率 ≥ 150 %) or a
 * ceiling (`max`: 偏离度 ≤ 100 %), with an optional amber band on the safe side of it:
 *
 *   floor:   value < min → red;   min ≤ value < amber → amber;   value ≥ amber → green
 *   ceiling: value > max → red;   amber < value ≤ max → amber;   value ≤ amber → green
 *
 * so a figure exactly at its limit still meets it (amber when there is a band, else green), and one
 * exactly at its amber line is green. Ratios are fractions (1.5 = 150 %) or percent strings ("150%").
 * A figure without a limit has no status.
 */
export type Status = 'red' | 'amber' | 'green' | '';

const fraction = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?\s*%$/u, 'a number, or a percentage like "150%"')
    .transform((s) => Number(s.replace('%', '').trim()) / 100),
]);

const limitSchema = z
  .object({
    min: fraction.optional(),
    max: fraction.optional(),
    amber: fraction.optional(),
    /** who sets it: a regulator's minimum or the bank's own appetite (shown beside the limit) */
    source: z.enum(['regulatory', 'bank']).default('bank'),
    note: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((l, ctx) => {
    if ((l.min === undefined) === (l.max === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of min (a floor) or max (a ceiling)' });
    else if (l.amber !== undefined && l.min !== undefined && !(l.amber > l.min))
      ctx.addIssue({ code: 'custom', path: ['amber'], message: `amber must be above min (${l.min}) for a floor` });
    else if (l.amber !== undefined && l.max !== undefined && !(l.amber < l.max))
      ctx.addIssue({ code: 'custom', path: ['amber'], message: `amber must be below max (${l.max}) for a ceiling` });
  });

export type Limit = z.output<typeof limitSchema>;

const thresholdsSchema = z
  .object({
    $comment: z.unknown().optional(),
    limits: z.record(z.string(), limitSchema).superRefine((limits, ctx) => {
      for (const id of Object.keys(limits))
        if (!isFigureId(id))
          ctx.addIssue({ code: 'custom', path: [id], message: `unknown figure; known: ${figureIds.join(', ')}` });
    }),
  })
  .strict();

export type Thresholds = z.output<typeof thresholdsSchema>;

export class ThresholdsFileError extends UserError {}

/** The thresholds file that ships with loanwatch: the regulatory minimums and example bank limits. */
export const defaultThresholdsFile = join(dirname(fileURLToPath(import.meta.url)), 'default-thresholds.json');

/** Parses thresholds from JSON text; errors are one line naming the file and the field. */
export function parseThresholds(text: string, file: string): Thresholds {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ThresholdsFileError(`thresholds file ${file}: not JSON (${(e as Error).message})`);
  }
  const r = thresholdsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ThresholdsFileError(`thresholds file ${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}

/** Reads a thresholds file (default: the one that ships). */
export function loadThresholds(file: string = defaultThresholdsFile): Thresholds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ThresholdsFileError(
      `thresholds file ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseThresholds(text, file);
}

/** A figure's status against its limit (see the top of this file); '' without a value or a limit. */
export function statusOf(value: number | null, limit: Limit | undefined): Status {
  if (value === null || !limit) return '';
  if (limit.min !== undefined) {
    if (value < limit.min) return 'red';
    return limit.amber !== undefined && value < limit.amber ? 'amber' : 'green';
  }
  if (limit.max !== undefined) {
    if (value > limit.max) return 'red';
    return limit.amber !== undefined && value > limit.amber ? 'amber' : 'green';
  }
  return '';
}
