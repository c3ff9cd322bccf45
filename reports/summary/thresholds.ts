import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../../lib/user-error.ts';
import { figureDefs, figureIds, isFigureId, type Unit } from './figures.ts';
import { jsonText } from '../../lib/user-json.ts';

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

/**
 * Ratios above 100 %: coverage (provisions over the NPL balance, 150 % the floor) and deviation
 * (loans > 90 DPD over the NPL balance); their limits may go to 1000 %. Every other ratio is a
 * part of its whole (a share, a rate), at most 100 %. A limit of 150 for "150%" is caught so.
 */
const ratiosBeyondWhole: Record<string, number> = { provision_coverage: 10, deviation: 10 };

const unitOf = (id: string): Unit => figureDefs.find((f) => f.id === id)?.unit ?? 'count';
const pct = (x: number) => `${Number((x * 100).toPrecision(12))}%`;

/** why a limit's value is outside what its figure can be, or undefined: every figure is ≥ 0 */
function outOfBounds(id: string, x: number): string | undefined {
  if (unitOf(id) !== 'pct') return x < 0 ? `${x}: a limit of this figure is not below 0` : undefined;
  const top = ratiosBeyondWhole[id] ?? 1;
  if (x >= 0 && x <= top) return undefined;
  return `${x} is ${pct(x)}; a limit of this ratio is between 0% and ${pct(top)} (fractions: 0.015 = 1.5%, or a string "150%")`;
}

const thresholdsSchema = z
  .object({
    $comment: z.unknown().optional(),
    limits: z.record(z.string(), limitSchema).superRefine((limits, ctx) => {
      for (const [id, limit] of Object.entries(limits)) {
        if (!isFigureId(id)) {
          ctx.addIssue({ code: 'custom', path: [id], message: `unknown figure; known: ${figureIds.join(', ')}` });
          continue;
        }
        for (const k of ['min', 'max', 'amber'] as const) {
          const why = limit[k] === undefined ? undefined : outOfBounds(id, limit[k]);
          if (why) ctx.addIssue({ code: 'custom', path: [id, k], message: why });
        }
      }
    }),
  })
  .strict();

export type Thresholds = z.output<typeof thresholdsSchema>;

export class ThresholdsFileError extends UserError {}

/** The thresholds file that ships with loanwatch: the regulatory minimums and example bank limits. */
export const defaultThresholdsFile = join(dirname(fileURLToPath(import.meta.url)), 'default-thresholds.json');

/**
 * Parses thresholds from JSON text; errors are one line naming the file and the field. The
 * regulatory limits of the shipped file (拨备覆盖率 ≥ 150 %, 贷款拨备率 ≥ 2.5 %, 偏离度 ≤ 100 %)
 * apply to any file that does not state that figure's own limit: a bank's file of its own limits
 * must not silently drop a regulator's (docs/reports.md). Its example bank limits do not carry over.
 */
export function parseThresholds(text: string, file: string): Thresholds {
  const own = parseOnly(text, file);
  return { ...own, limits: { ...regulatoryLimits(), ...own.limits } };
}

let shippedRegulatory: Thresholds['limits'] | undefined;
function regulatoryLimits(): Thresholds['limits'] {
  shippedRegulatory ??= Object.fromEntries(
    Object.entries(parseOnly(readFileSync(defaultThresholdsFile, 'utf8'), defaultThresholdsFile).limits).filter(
      ([, l]) => l.source === 'regulatory',
    ),
  );
  // a copy: a caller's change to its thresholds never reaches the next file's
  return structuredClone(shippedRegulatory);
}

function parseOnly(text: string, file: string): Thresholds {
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText(text));
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
