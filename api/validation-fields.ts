import type { z } from '@hono/zod-openapi';
import { issuesByField } from '../lib/zod-wording.ts';

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
 * The fields a refused request gets wrong, named as the client wrote them: each unknown key by
 * name; a union (a body of one of two shapes) by the shape it comes closest to — the branch with
 * the fewest problems — rather than the union's bare "Invalid input".
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], target: string): FieldProblem[] {
  const whole = Object.hasOwn(partNames, target) ? partNames[target]! : `(${target})`;
  const at = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : whole);
  // one problem per field, in plain words (lib/zod-wording.ts, as the CLI's flags are told)
  const own = issues.filter((i) => i.code !== 'unrecognized_keys' && i.code !== 'invalid_union');
  const plain = new Map(issuesByField(own).map((f) => [f.issue, f.text]));
  return issues.flatMap((i): FieldProblem[] => {
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        field: at([...i.path, k]),
        message: target === 'query' ? 'not a parameter of this route' : 'not a field here',
      }));
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const closest = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
      return fieldProblems(
        closest.map((e) => ({ ...e, path: [...i.path, ...e.path] })),
        target,
      );
    }
    const text = plain.get(i);
    return text === undefined ? [] : [{ field: at(i.path), message: text }];
  });
}
