import { describe, expect, it } from 'vitest';
import { ApiError, AuthError } from '../../../../api/errors.ts';
import { describeError, problemLine, queryRefused } from '../../../../api/console/error-text.ts';
import { queueQuery } from '../../../../api/console/queue.ts';
import { promiseTermProblems } from '../../../../api/routes/promise-terms.ts';

describe("a refusal in the console's words", () => {
  it('maps the ingest contract and the promise terms to lines in both languages, with their values', () => {
    const cases: [string, string, string, string][] = [
      ['promised_amount', 'negative amount', '承诺金额：不能为负数', 'Promised amount: cannot be negative'],
      [
        'promised_amount',
        'more than 2 decimal places',
        '承诺金额：最多两位小数',
        'Promised amount: at most 2 decimal places',
      ],
      ['channel', 'fax is not one of sms, phone', '渠道：不是可选的值', 'Channel: not one of the choices'],
      [
        'action_time',
        'not a time of day (HH:MM, 00:00 to 23:59)',
        '时间：不是有效时间（HH:MM）',
        'Time: not a valid time (HH:MM)',
      ],
      [
        'action_date',
        'after today (a date that has not happened yet)',
        '日期：不能是尚未到来的日期',
        'Date: cannot be a date still to come',
      ],
      [
        'promised_date',
        'before the contact date 2024-06-30',
        '承诺日期：早于联系日期 2024-06-30',
        'Promised date: before the contact date 2024-06-30',
      ],
      // the file contract's wording of the same rule
      [
        'promised_date',
        '2024-06-29 is before the action_date 2024-06-30 (a promise falls due on or after the day it is made)',
        '承诺日期：早于联系日期 2024-06-30',
        'Promised date: before the contact date 2024-06-30',
      ],
      // the file contract's cross-row rule, which the record route applies (pipelines/ingest/origination-rule.ts)
      [
        'action_date',
        "2024-06-30 is before the loan's origination 2024-07-01",
        '日期：早于放款日 2024-07-01',
        "Date: before the loan's origination date 2024-07-01",
      ],
      ['note', 'control character U+001B', '备注：含有控制字符 U+001B', 'Note: holds a control character U+001B'],
    ];
    for (const [field, message, zh, en] of cases) {
      expect(problemLine({ field, message }, 'zh-CN')).toBe(zh);
      expect(problemLine({ field, message }, 'en')).toBe(en);
    }
    // the promise terms' own messages, as the record route reports them
    const terms = promiseTermProblems(
      { outcome: 'promise_to_pay', action_date: '2024-06-30', promised_amount: null, promised_date: '2024-12-31' },
      { windowDays: 60 },
    );
    expect(terms.map((p) => problemLine(p, 'zh-CN'))).toEqual([
      '承诺金额：承诺还款必须填写',
      '承诺日期：超过联系日期后 60 天（最晚 2024-08-29）',
    ]);
    expect(terms.map((p) => problemLine(p, 'en'))).toEqual([
      'Promised amount: a promise to pay needs it',
      'Promised date: more than 60 days after the contact date (at the latest 2024-08-29)',
    ]);
    // a reason no pattern knows: the field and a plain "not valid", never the English text
    expect(problemLine({ field: 'note', message: 'some new rule' }, 'zh-CN')).toBe('备注：无效的值');
  });

  it("says a filter's problem, not zod's, and keeps zod's text as the technical detail", () => {
    const q = queueQuery.safeParse({ stage: 'bogus', as_of: '2024-6-1', sort: 'x' });
    expect(q.success).toBe(false);
    const err = queryRefused(q.error!.issues);
    expect(err.status).toBe(400);
    const zh = describeError(err, 'zh-CN');
    expect(zh.lines.sort()).toEqual(
      ['排序：不是可选的值', '日期：不是有效日期（YYYY-MM-DD）', '阶段：不是可选的值'].sort(),
    );
    expect(zh.technical).toContain('stage: Invalid option');
    expect(describeError(err, 'en').lines.sort()).toEqual(
      ['Date: not a valid date (YYYY-MM-DD)', 'Sort: not one of the choices', 'Stage: not one of the choices'].sort(),
    );
  });

  it('names the role of a permission refusal in the language; a conflict and a rate limit are sentences', () => {
    const denied = new AuthError('forbidden', 'role collector may not read dashboard', { reason: 'x' });
    expect(describeError(denied, 'zh-CN', { role: 'collector' }).lines).toEqual([
      '您的角色（催收员）无权查看或执行此操作。',
    ]);
    expect(describeError(denied, 'en', { role: 'collector' })).toEqual({
      lines: ['Your role (collector) may not see this page or do this.'],
      technical: 'role collector may not read dashboard',
    });
    expect(describeError(new ApiError('conflict', 'action a is already recorded'), 'zh-CN').lines[0]).toMatch(
      /^该记录已以不同内容保存过/u,
    );
    expect(
      describeError(new ApiError('rate_limited', 'too many failed sign-ins from your address: retry in 42 s'), 'zh-CN')
        .lines,
    ).toEqual(['登录失败次数过多，请 42 秒后再试。']);
  });

  it("a withdrawal without a reason says a reason is required, the field named in the page's language", () => {
    const blank = { field: 'reason', message: 'missing: say why the action is withdrawn' };
    expect(problemLine(blank, 'zh-CN')).toBe('原因：请填写撤回原因');
    expect(problemLine(blank, 'en')).toBe('Reason: give a reason for the withdrawal');
    expect(problemLine({ field: 'reason', message: 'longer than 500 characters' }, 'zh-CN')).toBe('原因：内容过长');
    const e = new ApiError('bad_request', 'reason: missing: say why the action is withdrawn', { fields: [blank] });
    expect(describeError(e, 'zh-CN').lines).toEqual(['原因：请填写撤回原因']);
  });

  it('a stale correction and a correction of a withdrawn action say what happened, by whom and when', () => {
    const stale = new ApiError('conflict', 'action A was changed since you read it', {
      reason: 'changed',
      by: 'user:lead.x',
      at: '2024-07-01 09:30:00',
      current: {},
    });
    expect(describeError(stale, 'en').lines[0]).toMatch(
      /^This action was changed by lead\.x at 2024-07-01 09:30:00 UTC since/u,
    );
    expect(describeError(stale, 'zh-CN').lines[0]).toMatch(
      /^您打开此表单后，该记录已于 2024-07-01 09:30:00（UTC）被 lead\.x 修改/u,
    );
    const unknown = new ApiError('conflict', 'x', { reason: 'changed', by: '', at: '2024-07-01 09:30:00' });
    expect(describeError(unknown, 'zh-CN').lines[0]).toContain('（UTC）被修改');
    expect(describeError(unknown, 'en').lines[0]).toMatch(/^This action was changed at /u);
    // no recorded edit (nothing names who or when): no "changed at  UTC"
    const unrecorded = new ApiError('conflict', 'x', { reason: 'changed', by: '', at: '' });
    const notes = {
      changed: new ApiError('conflict', 'x', {
        reason: 'changed',
        part: 'note',
        by: 'user:lead.x',
        at: '2024-07-01 09:30:00',
      }),
      masked: new ApiError('conflict', 'x', { reason: 'changed', part: 'note', by: '', at: '' }),
    };
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const e of [unrecorded, notes.masked])
        expect(describeError(e, lang).lines[0]).not.toMatch(/ at +UTC|于 +（UTC）/u);
      expect(describeError(unrecorded, lang).lines[0]).toBeTruthy();
    }
    expect(describeError(unrecorded, 'en').lines[0]).toMatch(/^This action was changed since you opened the form\./u);
    expect(describeError(notes.changed, 'en').lines[0]).toMatch(
      /^The note of this action was changed by lead\.x at 2024-07-01 09:30:00 UTC/u,
    );
    expect(describeError(notes.changed, 'zh-CN').lines[0]).toContain(
      '备注已于 2024-07-01 09:30:00（UTC）被 lead.x 修改',
    );
    expect(describeError(notes.masked, 'en').lines[0]).toMatch(/phone or ID number in it is now shown masked/u);
    expect(describeError(notes.masked, 'zh-CN').lines[0]).toContain('隐去中间位');
    const gone = new ApiError('conflict', 'x', {
      reason: 'withdrawn',
      by: 'user:coll.a',
      at: '2024-07-01 09:30:00',
      why: '记错贷款',
    });
    expect(describeError(gone, 'zh-CN').lines[0]).toBe(
      '该记录已于 2024-07-01 09:30:00（UTC）被 coll.a 撤回（原因：记错贷款），不能再更正；如需要，请登记一条新记录。',
    );
    expect(describeError(gone, 'en').lines[0]).toMatch(
      /^This action was withdrawn by coll\.a at 2024-07-01 09:30:00 UTC \(reason: 记错贷款\)/u,
    );
    // any other conflict keeps the record form's text
    expect(describeError(new ApiError('conflict', 'other content'), 'en').lines[0]).toMatch(
      /already saved with other content/u,
    );
  });
});
