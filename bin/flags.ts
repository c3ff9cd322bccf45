import { z } from 'zod';

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped); may be empty (`--missing-markers ""`: none). */
export const listOrNone = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/**
 * A filter's values, at least one: an empty one (an unset variable in `--region "$R"`) would be no
 * filter at all — every region's cases for the one asked.
 */
export const list = listOrNone.pipe(z.array(z.string()).min(1, 'give at least one value'));

/** A comma-separated list of allowed values. */
export const enumList = <const T extends readonly [string, ...string[]]>(values: T) =>
  list.pipe(
    z
      .array(z.enum(values, { error: (i) => `"${String(i.input)}" is not one of ${values.join(', ')}` }))
      .min(1, 'give at least one value'),
  );

export { isoDate, isoMonth } from '../lib/date-schemas.ts';

/** a number as written in decimal (`1e3` too): coercion read `0x10` as 16 */
const decimalNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/u;

/**
 * The flag's text as a number for `schema`: an empty value (an unset variable in `--grace-days "$G"`)
 * is refused as empty — coerced, it was 0, and the command ran on it — and text that is not a decimal
 * number fails `schema`'s type, with its words.
 */
const numberFlag = <S extends z.ZodNumber>(schema: S) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be empty', input: value });
      return z.NEVER;
    }
    return decimalNumber.test(text) ? Number(text) : Number.NaN;
  }, schema);

export const count = (min: number, max: number) =>
  numberFlag(
    z
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(min, `expected at least ${min}`)
      .max(max, `expected at most ${max}`),
  );

/** a random seed: any whole number */
export const seedNumber = numberFlag(z.number({ error: 'expected a whole number' }).int('expected a whole number'));

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
  let s = z.number({ error: `expected ${what}${example ? ` such as ${example}` : ''}` });
  if (bounds.gt !== undefined) s = s.gt(bounds.gt, `expected ${what} > ${bounds.gt}`);
  if (bounds.min !== undefined) s = s.min(bounds.min, `expected ${what} ≥ ${bounds.min}`);
  if (bounds.lt !== undefined) s = s.lt(bounds.lt, `expected ${what} < ${bounds.lt}`);
  if (bounds.max !== undefined) s = s.max(bounds.max, `expected ${what} ≤ ${bounds.max}`);
  return numberFlag(s);
};

export const outputFormat = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback);

/** A path the command will read: ENOENT and friends become one line before any work is done. */
export const inputPath = z.string().min(1, 'expected a path');
