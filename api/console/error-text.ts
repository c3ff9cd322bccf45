import type { z } from 'zod';
import { ApiError, AuthError } from '../errors.ts';
import { teamLabel, type Text } from '../../reports/i18n.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import { roles } from '../auth/permissions.ts';
import type { UserProblem } from '../auth/users.ts';
import { t, type Lang } from './i18n.ts';
import { notFoundLine, openToLine } from './page-refusals.ts';

/**
 * What a refusal says to a person, in the page's language. The API's messages (the ingest contract's
 * reasons, the promise terms, zod's, the permission check's) are English and name fields and roles
 * by their codes — right for a client and the audit log, unreadable on a Chinese page ("403 · 无权访问
 * role collector may not dashboard read", "Invalid option: expected one of …"). They are mapped here,
 * in the console, rather than changed at their source (the API and the CLI keep their wording); the
 * original stays on the page, folded, as the technical detail a support desk asks for.
 */

/** one refused field as the API reports it: the field's code and the English reason */
export interface FieldProblem {
  field: string;
  message: string;
  /** zod's issue code, when zod refused it */
  code?: string;
}

/** The text a page shows: localized lines first, the original (English) text as the folded detail. */
export interface Described {
  lines: string[];
  technical: string;
}

const fieldLabels: Record<string, Text> = {
  action_date: { 'zh-CN': '日期', en: 'Date' },
  action_time: { 'zh-CN': '时间', en: 'Time' },
  action_id: { 'zh-CN': '记录编号', en: 'Record id' },
  agent_id: { 'zh-CN': '催收员', en: 'Agent' },
  loan_id: { 'zh-CN': '贷款', en: 'Loan' },
  channel: { 'zh-CN': '渠道', en: 'Channel' },
  outcome: { 'zh-CN': '结果', en: 'Outcome' },
  promised_amount: { 'zh-CN': '承诺金额', en: 'Promised amount' },
  promised_date: { 'zh-CN': '承诺日期', en: 'Promised date' },
  note: { 'zh-CN': '备注', en: 'Note' },
  // a correction's or withdrawal's reason
  reason: { 'zh-CN': '原因', en: 'Reason' },
  team: { 'zh-CN': '团队', en: 'Team' },
  // the pages' filters
  as_of: { 'zh-CN': '日期', en: 'Date' },
  stage: { 'zh-CN': '阶段', en: 'Stage' },
  product: { 'zh-CN': '产品', en: 'Product' },
  region: { 'zh-CN': '区域', en: 'Region' },
  branch: { 'zh-CN': '分行', en: 'Branch' },
  period: { 'zh-CN': '报告期', en: 'Period' },
  loan: { 'zh-CN': '贷款编号', en: 'Loan id' },
  sort: { 'zh-CN': '排序', en: 'Sort' },
  dir: { 'zh-CN': '排序方向', en: 'Sort order' },
  actor: { 'zh-CN': '操作人', en: 'Actor' },
  action: { 'zh-CN': '操作', en: 'Action' },
  from: { 'zh-CN': '起始日期', en: 'From' },
  to: { 'zh-CN': '截止日期', en: 'To' },
  after: { 'zh-CN': '翻页位置', en: 'Page' },
};

export const roleLabels: Record<string, Text> = {
  admin: { 'zh-CN': '管理员', en: 'admin' },
  executive: { 'zh-CN': '管理层', en: 'executive' },
  collector: { 'zh-CN': '催收员', en: 'collector' },
  modeler: { 'zh-CN': '建模人员', en: 'modeler' },
  auditor: { 'zh-CN': '审计员', en: 'auditor' },
};

type Vars = Record<string, string>;
/** a problem's words; `{x}` are filled from the English message's own values (a date, a count) */
const problems = {
  missing: { 'zh-CN': '必填', en: 'required' },
  promise_needs_it: { 'zh-CN': '承诺还款必须填写', en: 'a promise to pay needs it' },
  only_promise: {
    'zh-CN': '只有结果为“承诺还款”时才填写',
    en: 'only a promise to pay has one',
  },
  not_amount: {
    'zh-CN': '不是有效的金额（例如 1500 或 1,500.00）',
    en: 'not an amount (such as 1500 or 1,500.00)',
  },
  too_large: { 'zh-CN': '金额过大（整数部分最多 15 位）', en: 'too large (at most 15 digits before the point)' },
  ambiguous_amount: {
    'zh-CN': '千分位写法有误（应为 1,500 或 1,500.00）',
    en: 'thousands separators in the wrong place (write 1,500 or 1,500.00)',
  },
  decimals: { 'zh-CN': '最多两位小数', en: 'at most 2 decimal places' },
  negative: { 'zh-CN': '不能为负数', en: 'cannot be negative' },
  positive: { 'zh-CN': '必须大于 0', en: 'must be more than 0' },
  not_date: { 'zh-CN': '不是有效日期（YYYY-MM-DD）', en: 'not a valid date (YYYY-MM-DD)' },
  not_month: { 'zh-CN': '不是有效月份（YYYY-MM）', en: 'not a valid month (YYYY-MM)' },
  future: { 'zh-CN': '不能是尚未到来的日期', en: 'cannot be a date still to come' },
  not_time: { 'zh-CN': '不是有效时间（HH:MM）', en: 'not a valid time (HH:MM)' },
  too_long: { 'zh-CN': '内容过长', en: 'too long' },
  not_choice: { 'zh-CN': '不是可选的值', en: 'not one of the choices' },
  before_contact: { 'zh-CN': '早于联系日期 {date}', en: 'before the contact date {date}' },
  after_window: {
    'zh-CN': '超过联系日期后 {days} 天（最晚 {date}）',
    en: 'more than {days} days after the contact date (at the latest {date})',
  },
  before_origination: { 'zh-CN': '早于放款日 {date}', en: "before the loan's origination date {date}" },
  control_character: {
    'zh-CN': '含有控制字符 U+{code}',
    en: 'holds a control character U+{code}',
  },
  from_after_to: { 'zh-CN': '晚于截止日期', en: 'after the To date' },
  not_own_agent: { 'zh-CN': '只能以本人名义登记', en: 'you record under your own agent id only' },
  not_own_team: {
    'zh-CN': '只能是您的团队或该贷款当前的团队',
    en: "only your team or the loan's current team",
  },
  invalid: { 'zh-CN': '无效的值', en: 'not a valid value' },
  withdrawal_reason: { 'zh-CN': '请填写撤回原因', en: 'give a reason for the withdrawal' },
} as const satisfies Record<string, Text>;
type ProblemId = keyof typeof problems;

/** English reasons of the shared modules (ingest contract, promise terms, the record route) → a problem */
const reasonPatterns: [RegExp, ProblemId, (m: RegExpMatchArray) => Vars][] = [
  [/^missing: a promise to pay names/u, 'promise_needs_it', () => ({})],
  [/^missing$/u, 'missing', () => ({})],
  // a withdrawal's reason, blank or left out (api/routes/action-corrections.ts)
  [/^missing: say why the action is withdrawn/u, 'withdrawal_reason', () => ({})],
  [/^only a promise to pay/u, 'only_promise', () => ({})],
  // the console form's own (form-amount.ts)
  [/^too large/u, 'too_large', () => ({})],
  [/^thousands separators/u, 'ambiguous_amount', () => ({})],
  [/^not a decimal number/u, 'not_amount', () => ({})],
  [/^more than 2 decimal places/u, 'decimals', () => ({})],
  [/^negative amount/u, 'negative', () => ({})],
  [/^(must be greater than zero|must be more than 0)/u, 'positive', () => ({})],
  [/^not a valid date/u, 'not_date', () => ({})],
  [/^after today/u, 'future', () => ({})],
  [/^not a time of day/u, 'not_time', () => ({})],
  [/^(longer than \d+ characters|identifier longer)/u, 'too_long', () => ({})],
  [/ is not one of /u, 'not_choice', () => ({})],
  [/^before the contact date (\S+)/u, 'before_contact', (m) => ({ date: m[1]! })],
  // the file contract's wording of the same rule (pipelines/ingest/validation-sql.ts), checked first
  [/^\S+ is before the action_date (\S+)/u, 'before_contact', (m) => ({ date: m[1]! })],
  [
    /^more than (\d+) days after the contact date \(at the latest (\S+)\)/u,
    'after_window',
    (m) => ({ days: m[1]!, date: m[2]! }),
  ],
  // the file contract's cross-row rule (pipelines/ingest/origination-rule.ts), which the record route applies
  [/^\S+ is before the loan's origination (\S+)/u, 'before_origination', (m) => ({ date: m[1]! })],
  [/^control character U\+([0-9A-F]{4})/u, 'control_character', (m) => ({ code: m[1]! })],
  [/^not this key's agent id/u, 'not_own_agent', () => ({})],
  [/^not this key.s team/u, 'not_own_team', () => ({})],
];

/** the filters' own zod messages (api/console/*: a date, a month, the from/to check) and zod's issue codes */
function zodProblem(p: FieldProblem): [ProblemId, Vars] | undefined {
  if (/YYYY-MM-DD|not a valid date/u.test(p.message)) return ['not_date', {}];
  if (/YYYY-MM\b/u.test(p.message)) return ['not_month', {}];
  if (/^from \(.*\) is after to/u.test(p.message)) return ['from_after_to', {}];
  if (p.code === 'invalid_value') return ['not_choice', {}];
  if (p.code === 'too_big') return ['too_long', {}];
  return undefined;
}

const fill = (s: string, vars: Vars) => s.replace(/\{(\w+)\}/gu, (m, k: string) => vars[k] ?? m);

/** what a withdrawal's reason field asks for (its title: a browser shows it when the field is left blank) */
export const withdrawalReasonHint = (lang: Lang) => problems.withdrawal_reason[lang];

export const fieldLabel = (field: string, lang: Lang) => fieldLabels[field]?.[lang] ?? field;

/** One refused field as a line of the page's language: "承诺金额：不能为负数". */
export function problemLine(p: FieldProblem, lang: Lang): string {
  let found: [ProblemId, Vars] | undefined;
  for (const [re, id, vars] of reasonPatterns) {
    const m = p.message.match(re);
    if (m) {
      found = [id, vars(m)];
      break;
    }
  }
  found ??= zodProblem(p) ?? ['invalid', {}];
  const [id, vars] = found;
  return `${fieldLabel(p.field, lang)}${lang === 'zh-CN' ? '：' : ': '}${fill(problems[id][lang], vars)}`;
}

/** zod's issues of a form or a query as field problems (the field is the issue's first path element) */
export const zodProblems = (issues: z.core.$ZodIssue[]): FieldProblem[] =>
  issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message, code: i.code }));

/** The 400 a page's query is refused with: the fields ride along for the page's words. */
export function queryRefused(issues: z.core.$ZodIssue[]): ApiError {
  const fields = zodProblems(issues);
  return new ApiError('bad_request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}

const fieldsOf = (err: ApiError): FieldProblem[] | undefined => {
  const d = err.details as { fields?: unknown } | undefined;
  return Array.isArray(d?.fields) ? (d.fields as FieldProblem[]) : undefined;
};

const pageTexts = {
  forbidden_role: {
    'zh-CN': '您的角色（{role}）无权查看或执行此操作。',
    en: 'Your role ({role}) may not see this page or do this.',
  },
  forbidden: { 'zh-CN': '您无权执行此操作。', en: 'You may not do this.' },
  bad_query: {
    'zh-CN': '页面的筛选条件有误，请修改后重试：',
    en: "The page's filters are not valid; change them and try again:",
  },
  bad_request: {
    'zh-CN': '请求无法处理，请返回后重试。',
    en: 'The request could not be handled; go back and try again.',
  },
  bad_loan_id: {
    'zh-CN': '贷款编号最多 128 个字符，且不能含控制字符或格式字符。',
    en: 'A loan id is at most 128 characters, without control or format characters.',
  },
  rate_limited: {
    'zh-CN': '登录失败次数过多，请 {seconds} 秒后再试。',
    en: 'Too many failed sign-ins: try again in {seconds} s.',
  },
  conflict: {
    'zh-CN': '该记录已以不同内容保存过。请刷新页面后重新登记（将使用新的记录编号）。',
    en: 'This record was already saved with other content. Reload the page and record it again (with a new record id).',
  },
  changed_since: {
    'zh-CN': '您打开此表单后，该记录已于 {at}（UTC）被{by}修改。下方表单已换成当前保存的内容，请核对后再保存。',
    en: 'This action was changed{by} at {at} UTC since you opened the form. The form below now shows what is stored; check it and save again.',
  },
  // no edit is recorded when only the way the note is shown changed (its numbers masked since)
  changed_since_unrecorded: {
    'zh-CN': '您打开此表单后，该记录已有变动。下方表单已换成当前保存的内容，请核对后再保存。',
    en: 'This action was changed since you opened the form. The form below now shows what is stored; check it and save again.',
  },
  note_changed_since: {
    'zh-CN': '您打开此表单后，该记录的备注已于 {at}（UTC）被{by}修改。下方表单已换成当前保存的内容，请核对后再保存。',
    en: 'The note of this action was changed{by} at {at} UTC since you opened the form. The form below now shows what is stored; check it and save again.',
  },
  note_not_as_opened: {
    'zh-CN':
      '该记录的备注与您打开表单时不同：其中的电话或证件号码现已隐去中间位，或备注已被修改。下方表单已换成当前保存的内容，请核对后再保存。',
    en: 'The note of this action is not the one you opened the form with: a phone or ID number in it is now shown masked, or it was changed. The form below now shows what is stored; check it and save again.',
  },
  withdrawn_since: {
    'zh-CN': '该记录已于 {at}（UTC）被{by}撤回{why}，不能再更正；如需要，请登记一条新记录。',
    en: 'This action was withdrawn{by} at {at} UTC{why}: it can no longer be corrected; record a new action if needed.',
  },
  too_large: { 'zh-CN': '提交的内容过大。', en: 'What was sent is too large.' },
  // most often a page opened before a sign-out and a new sign-in in another tab: say that it was lost
  csrf: {
    'zh-CN': '表单已过期或不是从本页提交的，提交的内容未保存。请刷新页面后重新填写。',
    en: 'The form has expired or was not sent from this page, so what you sent was not saved: reload the page and enter it again.',
  },
} as const satisfies Record<string, Text>;

/** An error of a page (the console's onError) or of a form, in the page's language. */
export function describeError(err: ApiError, lang: Lang, o: { role?: string; scoped?: boolean } = {}): Described {
  const text = (id: keyof typeof pageTexts, vars: Vars = {}) => fill(pageTexts[id][lang], vars);
  const fields = fieldsOf(err);
  const technical = err.message;
  switch (err.code) {
    case 'forbidden':
      // a form without its page's token: not the role's doing (the role may well use the form)
      if (err instanceof AuthError && err.facts.reason === 'csrf_token') return { lines: [text('csrf')], technical };
      if (fields) return { lines: fields.map((f) => problemLine(f, lang)), technical };
      {
        const label = (r: string) => roleLabels[r]?.[lang] ?? r;
        // and who may: the roles of the permission the check names, by their labels
        const openTo = err instanceof AuthError ? openToLine(err.facts.reason, lang, label) : undefined;
        return {
          lines: [
            o.role ? text('forbidden_role', { role: label(o.role) }) : text('forbidden'),
            ...(openTo ? [openTo] : []),
          ],
          technical,
        };
      }
    case 'not_found':
      // "or outside your region or team" only to a key that has one (a collector's)
      return { lines: [notFoundLine(lang, o.scoped ?? false)], technical: '' };
    case 'conflict': {
      const d = err.details as { reason?: unknown; by?: unknown; at?: unknown; why?: unknown } | undefined;
      const at = typeof d?.at === 'string' ? d.at : '';
      const who = typeof d?.by === 'string' && d.by ? d.by.replace(/^user:/u, '') : '';
      const by = who && (lang === 'en' ? ` by ${who}` : ` ${who} `);
      if (d?.reason === 'changed') {
        const note = (d as { part?: unknown }).part === 'note';
        // without a recorded edit there is no one and no time to name ("changed at  UTC")
        const id = at
          ? note
            ? 'note_changed_since'
            : 'changed_since'
          : note
            ? 'note_not_as_opened'
            : 'changed_since_unrecorded';
        return { lines: [text(id, { by, at })], technical };
      }
      if (d?.reason === 'withdrawn') {
        const why = typeof d.why === 'string' && d.why ? d.why : '';
        const reason = why && (lang === 'en' ? ` (reason: ${why})` : `（原因：${why}）`);
        return { lines: [text('withdrawn_since', { by, at, why: reason })], technical };
      }
      return { lines: [text('conflict')], technical };
    }
    case 'rate_limited':
      return { lines: [text('rate_limited', { seconds: /(\d+) s\b/u.exec(err.message)?.[1] ?? '60' })], technical: '' };
    case 'payload_too_large':
      return { lines: [text('too_large')], technical };
    case 'bad_request':
      if (fields) return { lines: fields.map((f) => problemLine(f, lang)), technical };
      if (err.message.startsWith('a loan id is')) return { lines: [text('bad_loan_id')], technical: '' };
      return { lines: [text('bad_request')], technical };
    default:
      return { lines: [text('bad_request')], technical };
  }
}

/** the lead-in of a page refused for its query (before the field lines) */
export const badQueryLead = (lang: Lang) => pageTexts.bad_query[lang];

/** at most 12 values, each by its label, joined as the language joins a list ("华东、华南" / "East, South") */
function listIn(values: readonly string[], lang: Lang, label: (v: string) => string): string {
  const max = 12;
  const shown = values
    .slice(0, max)
    .map(label)
    .join(lang === 'zh-CN' ? '、' : ', ');
  if (values.length === 0) return t(lang, 'none');
  return values.length > max ? `${shown}${t(lang, 'more_in_all', { n: values.length })}` : shown;
}

/**
 * A refused user or password request (api/auth/users.ts) in the page's language, from the console's
 * text table: roles, regions and teams by their labels, what the person typed as typed. The CLI
 * keeps the English message the error carries.
 */
export function describeUserProblem(p: UserProblem, lang: Lang): string {
  const role = (r: string) => roleLabels[r]?.[lang] ?? r;
  const region = (r: string) => segmentName('region', r, lang);
  const team = (x: string) => teamLabel(x, lang);
  switch (p.id) {
    case 'bad_user_name':
    case 'user_exists':
    case 'no_such_user':
      return t(lang, p.id, { name: p.name });
    case 'unknown_role':
      return t(lang, p.id, { role: p.role, roles: listIn(roles, lang, role) });
    case 'scope_not_collector':
      return t(lang, p.id, { role: role(p.role) });
    case 'collector_needs_region':
      return t(lang, p.id, { regions: listIn(p.regions, lang, region) });
    case 'unknown_region':
      return t(lang, p.id, { region: p.region, regions: listIn(p.regions, lang, region) });
    case 'unknown_team':
      return t(lang, p.id, { team: p.team, teams: listIn(p.teams, lang, team) });
    case 'team_not_in_region':
      return t(lang, p.id, { team: team(p.team), region: region(p.region), teams: listIn(p.teams, lang, team) });
    default:
      return t(lang, p.id);
  }
}
