import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { templateEnv } from './chdb-copy.ts';

/**
 * Runs a test child script (test/helpers/*-child.ts) and SIGKILLs it once its output matches
 * `killOn`: the kill-and-rerun tests' one way to stop a run at a chosen step. The child is node
 * itself with tsx's loader, not the tsx command, which runs the script in a child process of its
 * own that a SIGKILL of the command leaves running to the end (the kill would test nothing).
 */
export function runKillableChild(
  script: string,
  args: string[],
  killOn?: RegExp,
  /** the child's environment beside the parent's (default TZ=UTC, as the suite runs) */
  env: Record<string, string> = {},
): Promise<{ out: string; killed: boolean }> {
  return new Promise((res, rej) => {
    const template = inject('warehouseTemplate');
    const p = spawn(process.execPath, ['--import', 'tsx', resolve(script), ...args], {
      // a new data dir starts as a copy of the run's migrated template (openChildWarehouse)
      env: { ...process.env, TZ: 'UTC', ...env, ...(template ? { [templateEnv]: template } : {}) },
    });
    let out = '';
    let killed = false;
    const take = (b: Buffer) => {
      out += b.toString();
      if (killOn && !killed && killOn.test(out)) {
        killed = true;
        p.kill('SIGKILL');
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
    p.on('error', rej);
    p.on('close', () => {
      res({ out, killed });
    });
  });
}

/** The `CHECKSUMS {json}` line a child prints at its end. */
export const checksumsOf = (out: string): unknown => JSON.parse(/CHECKSUMS (.*)/u.exec(out)![1]!) as unknown;
