import { spawnSync } from 'node:child_process';

/**
 * Runs a benchmark script again in a process of its own (with this process's Node flags, so tsx
 * loads it) and returns the JSON of the last line it printed: one measured step in a fresh process,
 * its log on this process's stderr. `what` names the step in the error when the child fails.
 */
export function runSelf(script: string, args: string[], what: string): unknown {
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
