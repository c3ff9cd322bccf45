import { z } from 'zod';

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped). */
export const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** A comma-separated list of allowed values. */
export const enumList = <const T extends readonly [string, ...string[]]>(values: T) =>
  list.pipe(
    z
      .array(z.enum(values, { error: (i) => `"${String(i.input)}" is not one of ${values.join(', ')}` }))
      .min(1, 'give at least one value'),
  );

export { isoDate, isoMonth } from '../lib/date-schemas.ts';

export const count = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`);

/**
 * A number within bounds, each bound saying itself (`expected a margin ≥ 0`): the type's message
 * would otherwise stand for the bounds too (`--margin -0.01` said "expected a number").
 * `what` names the quantity (`a share`), `example` a value of it for a value that is no number.
 */
export const boundedNumber = (
  what: string,
  bounds: { gt?: number; min?: number; lt?: number; max?: number },
  example?: string,
) => {
  let s = z.coerce.number({ error: `expected ${what}${example ? ` such as ${example}` : ''}` });
  if (bounds.gt !== undefined) s = s.gt(bounds.gt, `expected ${what} > ${bounds.gt}`);
  if (bounds.min !== undefined) s = s.min(bounds.min, `expected ${what} ≥ ${bounds.min}`);
  if (bounds.lt !== undefined) s = s.lt(bounds.lt, `expected ${what} < ${bounds.lt}`);
  if (bounds.max !== undefined) s = s.max(bounds.max, `expected ${what} ≤ ${bounds.max}`);
  return s;
};

export const outputFormat = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback);

/** A path the command will read: ENOENT and friends become one line before any work is done. */
export const inputPath = z.string().min(1, 'expected a path');
