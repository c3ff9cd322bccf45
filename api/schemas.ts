import { z } from '@hono/zod-openapi';

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), request_id: z.string(), details: z.unknown().optional() }),
  })
  .openapi('Error');

export const errorResponses = (...codes: (400 | 401 | 403 | 404 | 409 | 413 | 429)[]) =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: {
          400: 'bad parameters',
          401: 'no or unknown API key',
          403: 'role not allowed',
          404: 'not found',
          409: 'conflict',
          413: 'body too large',
          429: 'rate limited',
        }[c],
        content: { 'application/json': { schema: errorSchema } },
      },
    ]),
  );

/** A refusal of each kind of name, as the known-value checks word it (warehouse/metrics/known-values.ts). */
const unknownNameExamples: Record<string, string> = {
  rule: 'unknown rule "broken_promis" (did you mean "broken_promise"?) — known: …',
  loan: 'unknown loan "L00000001" (did you mean "L000000001"?) — not in the loans loaded',
  team: 'unknown team "east-erly" (did you mean "east-early"?) — known: …',
  agent: 'unknown agent "east-erly-01" (did you mean "east-early-01"?) — known: …',
};

/**
 * The error responses of a route with name filters (an agent, a loan, a warning rule, a region…):
 * its 400 says that a name that does not exist is refused, naming it and the nearest known one,
 * with an example of the first kind of name the route takes (`names`: "loan, region or team").
 */
export const errorResponsesNaming = (names: string, ...codes: Parameters<typeof errorResponses>) => {
  const responses = errorResponses(400, ...codes);
  const first = /^[a-z]+/u.exec(names)?.[0] ?? '';
  const example = Object.hasOwn(unknownNameExamples, first) ? ` (e.g. ${unknownNameExamples[first]})` : '';
  const article = /^[aeiou]/u.test(names) ? 'an' : 'a';
  return {
    ...responses,
    400: {
      ...responses[400]!,
      description: `bad parameters, or ${article} ${names} that does not exist: the message names it and the nearest known name${example}. A name that exists with nothing in the period is an empty 200.`,
    },
  };
};

/** The longest name a filter or a key scope takes: ingest's longest text value (an id: 128). */
export const maxNameLength = 1000;

/**
 * A name a route filters by or a key is scoped to (a region, team, product, agent, rule or loan id):
 * any text ingest would store in such a field (华东, 上海分行, São Paulo, `LN/2024/0001`, `华东(一组)`,
 * `zhang@bank`), so the API takes every name the lender's files hold, as the CLI does. Whether it
 * exists is the known-value check's job, and it reaches SQL only as a bound parameter. Kept out:
 * control characters (ingest refuses C0 in a name too), format characters (a right-to-left override,
 * a zero-width space: invisible, so such a name cannot be told from one without) and a comma, which
 * separates a list's items.
 *
 * Its OpenAPI pattern is the same rule in ranges a browser runs without the `u` flag (Swagger UI
 * compiles `pattern` so, where `\p{Cc}` would mean the letter p): C0, DEL, C1, the comma, and the
 * format characters of the Basic Multilingual Plane.
 */
export const nameSchema = () =>
  z
    .string()
    .min(1)
    .max(maxNameLength)
    .regex(/^[^,\p{Cc}\p{Cf}]+$/u, 'no control or format characters, nor a comma')
    .openapi({
      pattern:
        '^[^,\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890-\\u0891\\u08E2\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB]+$',
    });

/** The longest loan id ingest stores (docs/data-contract.md: an identifier is at most 128 characters). */
export const maxLoanIdLength = 128;
/** A loan id as ingest takes it, for what an id's own bytes allow (no control or format character). */
export const loanIdPattern = /^[^\p{Cc}\p{Cf}]{1,128}$/u;

/**
 * A loan id in a path, a query or a body: any identifier ingest stores (`LN/2024/0001`,
 * `借2024字第001号`, `HT-2024-00012`), at most 128 characters, no control or format character —
 * the lender's own ids, so that every loaded loan can be asked for. Whether it exists is the route's
 * lookup, through a bound parameter. Its OpenAPI pattern is the control range a browser runs without `u`.
 */
export const loanIdSchema = () =>
  z
    .string()
    .min(1)
    .max(maxLoanIdLength)
    .regex(loanIdPattern, 'no control or format characters')
    .openapi({ pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFEFF]+$' });

/** The items of a comma-separated query value, trimmed, empty ones dropped: a refused item's index points here. */
export const listItems = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * A comma-separated filter (`region=east,north`): each item checked by `item`. Empty (`region=`, or
 * only commas) is no filter, as the parameter left out is — on every route alike (an HTML form
 * sends its empty fields).
 */
export const csvList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(2000)
    .transform(listItems)
    .pipe(z.array(item).max(50))
    .transform((xs) => (xs.length ? xs : undefined));
/**
 * A whole number in a query string, written as one (`12`, not `1e1`, `0x0c` or ` 12`), within
 * [min, max]; empty is the parameter left out (its default). z.coerce read '' as 0 — `grace_days=`
 * judged promises with no grace — and `1e2` as 100.
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .max(20)
    .optional()
    .transform((s) => (s === '' ? undefined : s))
    .pipe(
      z
        .string()
        .regex(/^-?[0-9]{1,15}$/u, 'expected a whole number')
        .transform(Number)
        .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`))
        .optional(),
    );

/** A real calendar date YYYY-MM-DD inside ClickHouse's Date range (1970-01-01 … 2149-06-06). */
export { engineDate as isoDay } from '../lib/date-schemas.ts';

/**
 * The query of a route that takes none (a POST's request is its body): any parameter is a 400
 * naming it. Without a query schema nothing read the URL's query, so `POST /v1/scores?as_of=…`
 * answered the latest scores and `POST /v1/collection-actions?dry_run=true` recorded the action.
 */
export const noQueryParameters = z.object({}).strict();
