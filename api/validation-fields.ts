import type { z } from '@hono/zod-openapi';
import { issuesByField } from '../lib/zod-wording.ts';
import { listItems } from './schemas.ts';

/** One field of a refused request and what is wrong with it (ErrorBody details.fields). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** What a part of the request is called where no field can be named. */
const partNames: Record<string, string> = {
  query: '(query)',
  json: '(body)',
  param: '(path)',
  header: '(headers)',
  form: '(form)',
  cookie: '(cookies)',
};

/**
 * A value quoted for a message: escapes shown (a control character is not obeyed, a format character
 * such as a right-to-left override does not turn the text around it), long ones cut.
 */
const quoted = (v: string) =>
  JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v).replace(
    /\p{Cf}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const times = (n: number) => (n === 2 ? 'twice' : `${n} times`);

/**
 * The fields a refused request gets wrong, named as the client wrote them: each unknown key by
 * name; a union (a body of one of two shapes) by the shape it comes closest to — the branch with
 * the fewest problems — rather than the union's bare "Invalid input".
 *
 * A query parameter is named as it stands in the URL: a list item's problem (`region=east,a;b`)
 * under `region` with the item quoted, not zod's `region.1` (an index into a list the client never
 * saw); a parameter given twice (`as_of=a&as_of=b`, which the query parser hands over as an array)
 * told so, as the CLI tells a flag, not "expected string". `input` is what was validated.
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], target: string, input?: unknown): FieldProblem[] {
  const whole = Object.hasOwn(partNames, target) ? partNames[target]! : `(${target})`;
  const query =
    target === 'query' && typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : null;
  const at = (path: readonly PropertyKey[]) =>
    !path.length ? whole : query ? String(path[0]) : path.map(String).join('.');
  const sent = (name: PropertyKey) => (query && Object.hasOwn(query, name) ? query[name as string] : undefined);
  // one problem per field, in plain words (lib/zod-wording.ts, as the CLI's flags are told)
  const own = issues.filter((i) => i.code !== 'unrecognized_keys' && i.code !== 'invalid_union');
  const plain = new Map(issuesByField(own).map((f) => [f.issue, f.text]));
  const problems = issues.flatMap((i): FieldProblem[] => {
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        field: at([...i.path, k]),
        message: target === 'query' ? 'not a parameter of this route' : 'not a field here',
      }));
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      // a value of none of a few plain types (a boolean where a string, number or null goes): all of them named
      const types = i.errors.map((e) =>
        e.length === 1 && e[0]!.code === 'invalid_type' && !e[0].path.length ? e[0].expected : null,
      );
      if (types.every((t) => t !== null))
        return [
          { field: at(i.path), message: `expected ${[...new Set(types)].join(', ').replace(/, ([^,]+)$/u, ' or $1')}` },
        ];
      // the closest shape: the fewest problems, each unknown key one (a body of the other shape's fields
      // otherwise came closer to this one: "model: not a field here" for rows of the wrong type)
      const cost = (e: readonly z.core.$ZodIssue[]) =>
        e.reduce((n, x) => n + (x.code === 'unrecognized_keys' ? x.keys.length : 1), 0);
      const closest = [...i.errors].sort((a, b) => cost(a) - cost(b))[0]!;
      return fieldProblems(
        closest.map((e) => ({ ...e, path: [...i.path, ...e.path] })),
        target,
        input,
      );
    }
    const repeated = i.path.length ? sent(i.path[0]!) : undefined;
    if (Array.isArray(repeated))
      return [{ field: at(i.path), message: `given ${times(repeated.length)}; give it once (lists: comma-separated)` }];
    const text = plain.get(i);
    if (text === undefined) return [];
    const list = i.path.length > 1 ? sent(i.path[0]!) : undefined;
    const item = typeof list === 'string' && typeof i.path[1] === 'number' ? listItems(list)[i.path[1]] : undefined;
    return [{ field: at(i.path), message: item === undefined ? text : `${quoted(item)}: ${text}` }];
  });
  return oneEach(problems);
}

/** The problems one per field: a list's several bad items, or a field refused twice, in one message. */
function oneEach(problems: FieldProblem[]): FieldProblem[] {
  const byField = new Map<string, string[]>();
  for (const p of problems) {
    const messages = byField.get(p.field) ?? [];
    if (!messages.includes(p.message)) messages.push(p.message);
    byField.set(p.field, messages);
  }
  return [...byField].map(([field, messages]) => ({ field, message: messages.join('; ') }));
}
