import { describe, expect, it } from 'vitest';
import { permissionWords } from '../../../api/middleware.ts';
import { permissions, type Permission } from '../../../api/auth/permissions.ts';

describe('permissionWords: what a 403 says a role may not do', () => {
  it('every permission in words, a verb before its object (it said "may not cases read")', () => {
    for (const p of Object.keys(permissions) as Permission[]) {
      const words = permissionWords(p);
      expect(words, p).not.toMatch(/[:_]/u);
      expect(words.split(' ').length, p).toBeGreaterThanOrEqual(2);
    }
    expect(permissionWords('cases:read')).toBe('read cases');
    expect(permissionWords('actions:record')).toBe('record actions');
    expect(permissionWords('keys:manage')).toBe('manage keys');
    expect(permissionWords('scores:batch')).toBe('score rows in batches');
    expect(permissionWords('models:workbench')).toBe('use the model workbench');
  });
});
