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

export const outputFormat = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback);

/** A path the command will read: ENOENT and friends become one line before any work is done. */
export const inputPath = z.string().min(1, 'expected a path');
