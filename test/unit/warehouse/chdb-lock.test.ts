import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertChdbPathFree, WarehouseLockedError } from '../../../warehouse/chdb-lock.ts';

describe('a warehouse directory another process holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-lock-'));
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  afterAll(() => {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const status = (pid: number) => {
    writeFileSync(join(dir, 'status'), `PID: ${pid}\nStarted at: 2026-12-01 07:25:19\nRevision: 54513`);
  };

  it('is named, with the process holding it and what to do', () => {
    status(holder.pid!);
    expect(() => {
      assertChdbPathFree(dir);
    }).toThrow(WarehouseLockedError);
    expect(() => {
      assertChdbPathFree(dir);
    }).toThrow(new RegExp(`open in process ${holder.pid} \\(sleep 60\\)`, 'u'));
  });

  it('is free when the recorded process is gone, is this one, or nothing is recorded', () => {
    status(2 ** 22 + 12_345);
    expect(() => {
      assertChdbPathFree(dir);
    }).not.toThrow();
    status(process.pid);
    expect(() => {
      assertChdbPathFree(dir);
    }).not.toThrow();
    expect(() => {
      assertChdbPathFree(join(dir, 'none'));
    }).not.toThrow();
  });
});
