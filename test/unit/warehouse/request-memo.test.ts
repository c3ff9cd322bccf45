import { describe, expect, it } from 'vitest';
import { requestMemo, withRequestMemo } from '../../../warehouse/request-memo.ts';

describe('requestMemo', () => {
  const counter = () => {
    let n = 0;
    return { read: () => Promise.resolve(++n), calls: () => n };
  };

  it('reads once per scope and owner, including from work started inside the scope', async () => {
    const c = counter();
    const owner = {};
    const other = {};
    const [a, b, d] = await withRequestMemo(async () => {
      const first = await requestMemo(owner, 'k', c.read);
      const later = await new Promise<number>((resolve) => {
        setTimeout(() => {
          resolve(requestMemo(owner, 'k', c.read));
        }, 1);
      });
      const elsewhere = await requestMemo(other, 'k', c.read);
      return [first, later, elsewhere];
    });
    expect([a, b, d]).toEqual([1, 1, 2]);
    expect(c.calls()).toBe(2);
  });

  it('reads every time outside a scope, and each scope reads afresh', async () => {
    const c = counter();
    const owner = {};
    expect(await requestMemo(owner, 'k', c.read)).toBe(1);
    expect(await requestMemo(owner, 'k', c.read)).toBe(2);
    expect(await withRequestMemo(() => requestMemo(owner, 'k', c.read))).toBe(3);
    expect(await withRequestMemo(() => requestMemo(owner, 'k', c.read))).toBe(4);
  });

  it('does not keep a failed read', async () => {
    let n = 0;
    const read = () => (++n === 1 ? Promise.reject(new Error('engine busy')) : Promise.resolve(n));
    const owner = {};
    await withRequestMemo(async () => {
      await expect(requestMemo(owner, 'k', read)).rejects.toThrow('engine busy');
      expect(await requestMemo(owner, 'k', read)).toBe(2);
      expect(await requestMemo(owner, 'k', read)).toBe(2);
    });
  });
});
