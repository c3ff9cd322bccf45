import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Reads that one request may ask many times (the snapshot's last month-end: every metric a page
 * runs checks its request against it) are read once per request and warehouse. A scope is opened
 * per HTTP request (api/middleware.ts); outside one — the CLI, a pipeline — every call reads, so a
 * step that writes a snapshot and then reads never sees a stale value.
 */
const scope = new AsyncLocalStorage<WeakMap<object, Map<string, Promise<unknown>>>>();

export function withRequestMemo<T>(fn: () => T): T {
  return scope.run(new WeakMap(), fn);
}

export function requestMemo<T>(owner: object, key: string, read: () => Promise<T>): Promise<T> {
  const store = scope.getStore();
  if (!store) return read();
  let memo = store.get(owner);
  if (!memo) store.set(owner, (memo = new Map<string, Promise<unknown>>()));
  const hit = memo.get(key);
  if (hit) return hit as Promise<T>;
  const value = read();
  memo.set(key, value);
  // a failed read is not kept: the next call in the request reads again
  value.catch(() => {
    if (memo.get(key) === value) memo.delete(key);
  });
  return value;
}
