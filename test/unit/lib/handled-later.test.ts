import { describe, expect, it } from 'vitest';
import { handledLater } from '../../../lib/handled-later.ts';

describe('handledLater', () => {
  it('a read failing while another is awaited is not unhandled, and awaiting it later throws its error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failing = handledLater(Promise.reject(new Error('the engine refused')));
      await new Promise((r) => setTimeout(r, 20));
      await expect(failing).rejects.toThrow('the engine refused');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('passes the value through', async () => {
    expect(await handledLater(Promise.resolve(42))).toBe(42);
  });
});
