import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * On Linux, every thread of this process but the main one (the event loop) gets a lower CPU
 * priority (`nice`): the embedded engine's query threads, libuv's pool and V8's helpers. With the
 * engine in the API's own process, a heavy build (a case list) keeps both cores busy, and a cheap
 * request then waits for the operating system to give the event loop a core back. Threads started
 * later (or under a reused id) are lowered at the next pass; a thread already lower is left as it
 * is. Elsewhere (no /proc) nothing is done. Returns a stop function.
 */
export function lowerHelperThreads(o: { nice?: number; everyMs?: number } = {}): () => void {
  const nice = o.nice ?? 10;
  const pass = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return false;
    }
    for (const t of tids) {
      const tid = Number(t);
      if (tid === process.pid) continue;
      try {
        // Linux: a thread id here reads and sets that thread's nice value only
        if (getPriority(tid) < nice) setPriority(tid, nice);
      } catch {
        // the thread ended between the listing and the call (ESRCH); the next pass sees the rest
      }
    }
    return true;
  };
  if (!pass()) return () => undefined;
  const timer = setInterval(pass, o.everyMs ?? 5_000);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
