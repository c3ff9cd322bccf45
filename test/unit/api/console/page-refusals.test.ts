import { describe, expect, it } from 'vitest';
import { permissions, roles, type Permission } from '../../../../api/auth/permissions.ts';
import { ApiError, AuthError } from '../../../../api/errors.ts';
import { describeError, roleLabels } from '../../../../api/console/error-text.ts';
import { notFoundLine, openToLine, scopedKey } from '../../../../api/console/page-refusals.ts';

const label = (lang: 'en' | 'zh-CN') => (r: string) => roleLabels[r]![lang];
/** the roles a line names, back as codes */
const rolesIn = (line: string, lang: 'en' | 'zh-CN') => {
  const list =
    lang === 'en' ? /^It is open to (.+) only\.$/u.exec(line)?.[1] : /^此页面或操作仅对(.+)开放。$/u.exec(line)?.[1];
  const labels = (list ?? '').split(lang === 'en' ? /, | and /u : /、|和/u);
  return labels.map((l) => roles.find((r) => roleLabels[r]![lang] === l) ?? `?${l}`);
};

describe('who may open a refused page, and a 404 that speaks of scope only to a scoped key', () => {
  it('every permission of the table: its roles, in its order, by their labels in both languages', () => {
    for (const p of Object.keys(permissions) as Permission[])
      for (const lang of ['en', 'zh-CN'] as const) {
        const line = openToLine(`missing_permission:${p}`, lang, label(lang));
        expect(line, p).toBeDefined();
        expect(rolesIn(line!, lang), `${p} ${lang}`).toEqual([...permissions[p]]);
      }
  });

  it('one, two and several roles read as a list', () => {
    expect(openToLine('missing_permission:keys:manage', 'en', label('en'))).toBe('It is open to admin only.');
    expect(openToLine('missing_permission:dashboard:read', 'zh-CN', label('zh-CN'))).toBe(
      '此页面或操作仅对管理员和管理层开放。',
    );
    expect(openToLine('missing_permission:dashboard:read', 'en', label('en'))).toBe(
      'It is open to admin and executive only.',
    );
    expect(openToLine('missing_permission:actions:read', 'zh-CN', label('zh-CN'))).toBe(
      '此页面或操作仅对管理员、催收员和审计员开放。',
    );
    expect(openToLine('missing_permission:actions:read', 'en', label('en'))).toBe(
      'It is open to admin, collector and auditor only.',
    );
  });

  it('a refusal naming no permission of the table says nothing of who may', () => {
    for (const reason of [
      undefined,
      '',
      'csrf_token',
      'missing_permission:',
      'missing_permission:nope',
      'missing_permission:toString',
      42,
    ])
      expect(openToLine(reason, 'en', label('en')), String(reason)).toBeUndefined();
    const csrf = new AuthError('forbidden', 'missing or wrong CSRF token', { reason: 'csrf_token' });
    expect(describeError(csrf, 'en', { role: 'collector' }).lines).toHaveLength(1);
  });

  it("the 403 page's lines: the role's refusal, then who may", () => {
    const denied = new AuthError('forbidden', 'role collector may not read dashboard', {
      reason: 'missing_permission:dashboard:read',
    });
    expect(describeError(denied, 'zh-CN', { role: 'collector' }).lines).toEqual([
      '您的角色（催收员）无权查看或执行此操作。',
      '此页面或操作仅对管理员和管理层开放。',
    ]);
    expect(describeError(denied, 'en').lines).toEqual([
      'You may not do this.',
      'It is open to admin and executive only.',
    ]);
  });

  it('a 404 says "or outside your region or team" only to a key with a region or team', () => {
    const nf = new ApiError('not_found', 'no such loan');
    for (const lang of ['en', 'zh-CN'] as const) {
      expect(describeError(nf, lang).lines).toEqual([notFoundLine(lang, false)]);
      expect(describeError(nf, lang, { role: 'admin', scoped: false }).lines).toEqual([notFoundLine(lang, false)]);
      expect(describeError(nf, lang, { role: 'collector', scoped: true }).lines).toEqual([notFoundLine(lang, true)]);
    }
    expect(notFoundLine('en', false)).toBe('Not found');
    expect(notFoundLine('zh-CN', false)).toBe('未找到');
    expect(notFoundLine('en', true)).toBe('Not found (or outside your region or team)');
    expect(notFoundLine('zh-CN', true)).toBe('未找到（或不在您的区域或团队）');
    const key = { key_id: 'k', role: 'collector' as const, region: '', team: '', label: '' };
    expect(scopedKey(undefined)).toBe(false);
    expect(scopedKey(key)).toBe(false);
    expect(scopedKey({ ...key, region: 'east' })).toBe(true);
    expect(scopedKey({ ...key, region: 'east', team: 'east-early' })).toBe(true);
    expect(scopedKey({ ...key, role: 'admin' })).toBe(false);
  });
});
