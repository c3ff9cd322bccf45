import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesByField, issueWording } from '../../../lib/zod-wording.ts';

const said = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error(`accepted ${JSON.stringify(value)}`);
  return issuesByField(r.error.issues).map((f) => `${f.path.join('.') || '-'}: ${f.text}`);
};

describe('zod issues in plain words', () => {
  it('bounds as the user can act on them, one per field: the tighter of two', () => {
    const months = z.object({ months: z.number().int().min(1).max(120) });
    for (const v of [121, 100_000, 1e21, Number.MAX_SAFE_INTEGER + 2])
      expect(said(months, { months: v }), String(v)).toEqual(['months: at most 120']);
    for (const v of [0, -5, -1e21]) expect(said(months, { months: v }), String(v)).toEqual(['months: at least 1']);
    expect(said(months, { months: 1.5 })).toEqual(['months: a whole number']);
    expect(said(months, { months: 'x' })).toEqual(['months: a number']);
    // not given at all: required, not a type the user never wrote
    expect(said(months, {})).toEqual(['months: required']);
    expect(said(z.object({ as_of: z.string() }), {})).toEqual(['as_of: required']);
    expect(said(z.number().lt(5), 5)).toEqual(['-: less than 5']);
    expect(said(z.number().gt(5), 5)).toEqual(['-: more than 5']);
    expect(said(z.number().int(), 2 ** 60)).toEqual(['-: too large']);
  });

  it('strings and lists count characters and items; an empty required string says so', () => {
    expect(said(z.string().max(3), 'abcd')).toEqual(['-: at most 3 characters']);
    expect(said(z.string().max(1), 'ab')).toEqual(['-: at most 1 character']);
    expect(said(z.string().min(1), '')).toEqual(['-: must not be empty']);
    expect(said(z.array(z.string()).max(2), ['a', 'b', 'c'])).toEqual(['-: at most 2 items']);
  });

  it('an enum lists its values; a one-value enum names it', () => {
    const entity = z.enum(['customers', 'loans', 'payments']);
    for (const v of ['nosuch', '', 'Loans'])
      expect(said(entity, v), v).toEqual(['-: one of customers, loans, payments']);
    expect(said(z.enum(['today']), 'tomorrow')).toEqual(['-: must be today']);
  });

  it("a schema's own message is kept word for word; several fields each get one message", () => {
    const own = z.string().refine(() => false, { error: 'expected a calendar date YYYY-MM-DD' });
    expect(said(own, 'x')).toEqual(['-: expected a calendar date YYYY-MM-DD']);
    const two = z.object({ a: z.number().max(1), b: z.number().max(2), c: z.number() });
    expect(said(two, { a: 5, b: 5, c: 0 })).toEqual(['a: at most 1', 'b: at most 2']);
    const r = z.number().max(3).safeParse(9);
    expect(r.success ? '' : issueWording(r.error.issues[0]!)).toBe('at most 3');
    expect(r.success ? '' : r.error.issues[0]!.message).toMatch(/^Too big/u);
  });
});
