import { stages } from '../pipelines/cases/strategy.ts';
import { promiseStatuses } from '../pipelines/collections/promises.ts';
import { warningKinds } from '../pipelines/warnings/rules.ts';
import { disposalOptions } from '../warehouse/workout/disposal-value.ts';

/**
 * What each shared parameter of the OpenAPI document means, written once here rather than per
 * route: what it filters or sets, the values or format it takes, its default. A route's own
 * `.openapi({ description })` on a parameter wins (it says something only that route can, such as
 * whose team a collector is pinned to). `schema` is merged into the parameter's schema where the
 * zod text schema cannot say it (a whole number in a query string, a date's format).
 *
 * The example values are written into the words ("e.g. east") and, for a required parameter,
 * also as its `example`: Swagger UI's "Try it out" pre-fills every parameter from its example, and
 * a pre-filled optional filter silently narrows the first call (review 4 §2).
 */
/** a value, or one by the operation's path, for a name that means different things on different routes */
type ByPath<T> = T | ((path: string) => T);
export interface ParameterDoc {
  description: ByPath<string>;
  /**
   * A value that works on the demo book: said in the description ("e.g. …") when the description
   * does not give one, and the parameter's `example` only when it is required.
   */
  example?: ByPath<string | number>;
  schema?: Record<string, unknown>;
}

const list = (values: readonly string[]) => values.join(', ');
const names = (what: string) =>
  `only these ${what}, comma-separated; a name the book does not hold is refused (400). Left out or empty: all.`;
const day = { format: 'date' } as const;

export const parameterDocs: Record<string, ParameterDoc> = {
  as_of: {
    description: (path) =>
      path.startsWith('/v1/loans/')
        ? 'the day the score is for, a date YYYY-MM-DD (e.g. 2024-06-30); default: the latest scored month-end'
        : 'the day the answer is for, a date YYYY-MM-DD (e.g. 2024-06-30)',
    example: '2024-06-30',
    schema: day,
  },
  from: {
    description: (path) =>
      path === '/v1/audit'
        ? 'the first day of the log to read, a date YYYY-MM-DD, inclusive (e.g. 2024-06-01); default: from the start'
        : 'the first day of the period, a date YYYY-MM-DD, inclusive (e.g. 2024-06-01)',
    example: '2024-06-01',
    schema: day,
  },
  to: {
    description: (path) =>
      path === '/v1/audit'
        ? 'the last day of the log to read, a date YYYY-MM-DD, inclusive (e.g. 2024-06-30); default: up to now'
        : 'the last day of the period, a date YYYY-MM-DD, inclusive (e.g. 2024-06-30); not before from',
    example: '2024-06-30',
    schema: day,
  },
  month: { description: 'the month, YYYY-MM (e.g. 2024-06)', example: '2024-06' },
  period: {
    description: (path) =>
      path === '/v1/reports/archive'
        ? 'only packs of this month, YYYY-MM (e.g. 2024-06); default: every month'
        : 'the month the report covers, YYYY-MM (e.g. 2024-06)',
    example: '2024-06',
  },
  limit: {
    description: 'rows per page, a whole number from 1 to 1000 written in digits; default 100',
    example: 50,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100, maxLength: undefined },
  },
  cursor: {
    description:
      'the next page: next_cursor (or the X-Next-Cursor header) of the previous page, unchanged; left out: the first page',
  },
  region: { description: names('regions'), example: 'east' },
  team: { description: names('collection teams'), example: 'east-early' },
  product: { description: names('products'), example: 'consumer' },
  branch: { description: names('branches') },
  stage: { description: `only cases in these collection stages, comma-separated: ${list(stages)}. Left out: all.` },
  status: {
    description: `only promises in these states on as_of, comma-separated: ${list(promiseStatuses)}. Left out: all.`,
  },
  recommended: {
    description: `only loans whose recommended option is one of these, comma-separated: ${list(disposalOptions)}. Left out: all.`,
  },
  severity: {
    description: 'only warnings of these severities, comma-separated: info, warning, critical. Left out: all.',
  },
  kind: { description: `only warnings of these rule kinds, comma-separated: ${list(warningKinds)}. Left out: all.` },
  rule: { description: names('warning rule ids'), example: 'broken_promise' },
  agent: { description: names('agents'), example: 'east-early-01' },
  action: {
    description:
      'only these audit actions, comma-separated (e.g. cases.pull, or models.promote,keys.create). Left out: all.',
  },
  loan_id: {
    description: (path) =>
      path === '/v1/collection-actions'
        ? 'the loan whose recorded actions are listed, its id as loaded (e.g. L000000001)'
        : 'only this loan, its id as loaded (e.g. L000000001); one the book does not hold is refused (400). Left out: all.',
    example: 'L000000001',
  },
  grace_days: {
    description:
      'days after the promised date a payment still keeps the promise, a whole number from 0 to 60 (e.g. 5); default 3 (SPEC §5)',
    schema: { type: 'integer', minimum: 0, maximum: 60, default: 3, maxLength: undefined },
  },
  months: {
    description: 'how many months ahead to project, a whole number from 1 to 120; default 12',
    schema: { type: 'integer', minimum: 1, maximum: 120, default: 12, pattern: undefined },
  },
  dpd_over: {
    description: 'only loans more than this many days past due, a whole number from 0 to 100000',
    example: 90,
    schema: { type: 'integer', minimum: 0, maximum: 100_000, pattern: undefined },
  },
  due: { description: 'today: only promises whose promised date is as_of. Left out: every promise.' },
  lang: {
    description: (path) =>
      path === '/v1/reports/archive'
        ? 'only packs in this language: zh-CN or en. Left out: both.'
        : 'the language of the report: zh-CN (default) or en',
  },
  pack: { description: 'only packs of this kind: management or regulatory. Left out: both.' },
  format: {
    description: 'html (default), pdf, png, svg, json (the Vega-Lite spec) or csv (its data); a pack: html or pdf only',
  },
  include_revoked: { description: 'true (default): revoked keys too; false: only keys in use' },
  evidence: { description: 'true: each award with its evidence rows; false (default): the awards alone' },
  counterfactual: {
    description: 'true: with the smallest payment that moves the loan to a better grade; false or left out: without',
  },
  target_grade: {
    description: 'the grade the counterfactual aims at, A (best) to E; default: the next better grade than the loan’s',
  },
  id: {
    example: (path) =>
      path.startsWith('/v1/keys/')
        ? '3f9a0c1b2d4e'
        : path.startsWith('/v1/reports/archive/')
          ? '2024-06-management-en-b9ed623a599f'
          : 'L000000001',
    description: (path) =>
      path.startsWith('/v1/keys/')
        ? 'the key id: 12 hex digits, as listed by GET /v1/keys (e.g. 3f9a0c1b2d4e)'
        : path.startsWith('/v1/reports/archive/')
          ? // an id ends in a digest of the pack's inputs: no example holds on every server
            'an archived pack id, as listed by GET /v1/reports/archive: period, pack, language and 12 hex digits. The example is the demo book’s June 2024 English management pack; on another archive take an id from the list (e.g. 2024-06-management-en-b9ed623a599f)'
          : 'the loan id as loaded (e.g. L000000001)',
  },
  file: { description: 'a file of the archived pack, as listed with it (e.g. report.pdf)', example: 'report.pdf' },
  name: { description: 'the model name (e.g. dpd30_3m_scorecard)', example: 'dpd30_3m_scorecard' },
  version: { description: 'the model version, a whole number from 1 (e.g. 1)', example: 1 },
  template: {
    description: 'a chart id (e.g. overdue-trend), or a pack name (management, regulatory)',
    example: 'overdue-trend',
  },
  action_id: {
    description: 'the id the action was recorded under (e.g. console-2024-06-28-0001)',
    example: 'console-2024-06-28-0001',
  },
};
