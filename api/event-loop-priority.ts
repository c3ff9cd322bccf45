import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * On Linux, every thread of this process but the main one (the event loop) gets a lower CPU
 * priority (`nice`): the embedded engine's query threads, libuv's pool and V8's helpers. With the
 * engine in the API's own process, a heavy build (a case list) keeps both cores busy, and a cheap
 * request then waits for the operating system to give the event loop a core back. Threads the
 * engine starts later are lowered at the next pass. Elsewhere (no /proc) nothing is done.
 * Returns a stop function.
 */
export function lowerHelperThreads(o: { nice?: number; everyMs?: number } = {}): () => void {
  const nice = o.nice ?? 10;
  const lowered = new Set<number>();
  const pass = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return false;
    }
    for (const t of tids) {
      const tid = Number(t);
      if (tid === process.pid || lowered.has(tid)) continue;
      try {
        // Linux: a thread id here sets that thread's nice value only; a thread already lower stays so
        setPriority(tid, Math.max(nice, getPriority(tid)));
        lowered.add(tid);
      } catch {
        // the thread ended meanwhile
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
