import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A log reader that stops reading (`loanwatch ingest … 2>&1 | head -1` in a cron job's mail) must
 * not stop the run: the progress lines written after are lost, the run ends and its exit code says
 * how. It exited 1 with no word anywhere, or 139 (the engine torn down mid-statement), nothing loaded.
 */
describe('loanwatch with its log pipe closed by the reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-stderr-'));
  const env = { ...process.env, LOANWATCH_DATA_DIR: join(dir, 'data'), LOANWATCH_DEBUG: '' };
  /** runs the command with its standard error a pipe closed before the first line is read */
  const closedLog = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string }>((done, fail) => {
      const child = spawn(process.execPath, ['bin/loanwatch.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
      child.stderr.destroy();
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.on('error', fail);
      child.on('close', (code) => {
        done({ code, stdout });
      });
    });

  it('generate, ingest and the runs list finish with exit 0 and their results', async () => {
    const book = join(dir, 'book');
    expect((await closedLog(['generate', '--out', book, '--loans', '30', '--months', '6'])).code).toBe(0);
    expect(existsSync(join(book, 'payments.csv'))).toBe(true);
    const ingest = await closedLog(['ingest', book]);
    expect(ingest.code).toBe(0);
    const { ingest_id: id } = JSON.parse(ingest.stdout) as { ingest_id: string };
    const runs = await closedLog(['ingest-runs', '--format', 'json']);
    expect(runs.code).toBe(0);
    const listed = JSON.parse(runs.stdout) as { ingest_id: string; run_status: string }[];
    expect(new Set(listed.filter((r) => r.ingest_id === id).map((r) => r.run_status))).toEqual(new Set(['complete']));
  }, 240_000);
});
