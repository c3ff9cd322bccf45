import { describe, expect, it } from 'vitest';
import { keyScopeText, regionTeamText } from '../../../../api/console/key-scope.ts';

describe("who is signed in, in the page's language", () => {
  it('names the role, region and team as the packs do; codes without a name stay as they are', () => {
    expect(keyScopeText({ role: 'collector', region: 'east', team: 'east-early' }, 'zh-CN')).toBe(
      '催收员 · 华东 / 华东早期组',
    );
    expect(keyScopeText({ role: 'collector', region: 'east', team: '' }, 'zh-CN')).toBe('催收员 · 华东');
    expect(keyScopeText({ role: 'executive', region: '', team: '' }, 'zh-CN')).toBe('管理层');
    expect(keyScopeText({ role: 'collector', region: 'east', team: 'east-early' }, 'en')).toMatch(
      /^collector · East \/ east-early$/u,
    );
    expect(regionTeamText({ region: 'atlantis', team: 'crew-9' }, 'zh-CN')).toBe('atlantis / crew-9');
    expect(regionTeamText({ region: '', team: '' }, 'en')).toBe('');
  });
});
