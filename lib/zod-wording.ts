import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** zod's own English ("Too big: expected number to be <=120"): a schema's own message is kept as written. */
const zodDefault = /^(Too (big|small)|Invalid (option|input|string|number|key|element|value)|Unrecognized key)/u;

/** The largest integer zod's int() allows: a bound nobody chose, worded as "too large" rather than as the number. */
const intLimit = Number.MAX_SAFE_INTEGER;

const unit = (origin: string, n: number | bigint) =>
  origin === 'string'
    ? ` character${n === 1 ? '' : 's'}`
    : origin === 'array' || origin === 'set'
      ? ` item${n === 1 ? '' : 's'}`
      : '';

/**
 * One issue in plain words for a user (a CLI flag, an API field): `at most 120`, `one of customers,
 * loans`, `a whole number` — zod's own wording ("Too big: expected int to be <=9007199254740991")
 * names its types and operators, not the input. A message the schema wrote itself is kept.
 */
export function issueWording(i: Issue): string {
  if (!zodDefault.test(i.message)) return i.message;
  switch (i.code) {
    case 'too_big': {
      const max = i.maximum;
      if (Number(max) >= intLimit) return 'too large';
      return `${i.inclusive === false ? 'less than' : 'at most'} ${String(max)}${unit(i.origin, max)}`;
    }
    case 'too_small': {
      const min = i.minimum;
      if (i.origin === 'string' && Number(min) === 1 && i.inclusive !== false) return 'must not be empty';
      if (Number(min) <= -intLimit) return 'too small';
      return `${i.inclusive === false ? 'more than' : 'at least'} ${String(min)}${unit(i.origin, min)}`;
    }
    case 'invalid_value':
      return i.values.length === 1
        ? `must be ${String(i.values[0])}`
        : `one of ${i.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_type':
      // a field not given at all: "expected string" read as a wrong value, not a missing one
      if (i.message.endsWith('received undefined')) return 'required';
      return i.expected === 'int'
        ? 'a whole number'
        : i.expected === 'number'
          ? 'a number'
          : i.expected === 'boolean'
            ? 'true or false'
            : `expected ${i.expected}`;
    case 'not_multiple_of':
      return `a multiple of ${String(i.divisor)}`;
    default:
      return i.message.replace(/^Invalid \w+: /u, '');
  }
}

/**
 * The issues one per field (path), each in plain words: a field that breaks two checks
 * (`z.number().int().max(120)`: int()'s own bound and 120) is told the one it can act on — of two
 * bounds the tighter, otherwise the first issue.
 */
export function issuesByField(issues: readonly Issue[]): { path: PropertyKey[]; issue: Issue; text: string }[] {
  const byPath = new Map<string, Issue>();
  for (const i of issues) {
    const key = JSON.stringify(i.path.map(String));
    const seen = byPath.get(key);
    if (!seen) byPath.set(key, i);
    else if (i.code === 'too_big' && seen.code === 'too_big' && Number(i.maximum) < Number(seen.maximum))
      byPath.set(key, i);
    else if (i.code === 'too_small' && seen.code === 'too_small' && Number(i.minimum) > Number(seen.minimum))
      byPath.set(key, i);
  }
  return [...byPath.values()].map((issue) => ({ path: [...issue.path], issue, text: issueWording(issue) }));
}
