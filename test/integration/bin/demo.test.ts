import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../../helpers/warehouse.ts';

/**
 * `npm start` as a user runs it (a small book): the whole pipeline, then the API. Every URL the
 * demo prints answers with the demo keys it prints, and Ctrl-C (SIGTERM here) shuts it down cleanly.
 */
describe('the demo', () => {
  const dir = tmpDir('demo');
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs end to end, serves, and prints working URLs', async () => {
    child = spawn(process.execPath, ['bin/loanwatch.mjs', 'demo', '--loans', '1500', '--months', '24', '--port', '0'], {
      env: { ...process.env, LOANWATCH_DATA_DIR: join(dir, 'data'), TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let errOut = '';
    child.stderr!.on('data', (d: Buffer) => {
      errOut += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^URL warnings /mu.test(out)) resolve();
      });
      child!.on('exit', (code) => {
        reject(new Error(`demo exited ${code} before serving:\n${errOut.slice(-3000)}`));
      });
    });
    for (let i = 1; i <= 8; i++) expect(errOut).toContain(`${i}/8 `);
    const keys = Object.fromEntries([...out.matchAll(/^KEY (\w+) (\S+)$/gmu)].map((m) => [m[1]!, m[2]!]));
    const urls = Object.fromEntries([...out.matchAll(/^URL ([\w-]+) (\S+)$/gmu)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(urls)).toEqual(['docs', 'report', 'report-zh', 'cases', 'warnings']);
    const expected: Record<string, [string, RegExp]> = {
      docs: ['', /text\/html/],
      report: [keys.executive!, /text\/html/],
      'report-zh': [keys.executive!, /application\/pdf/],
      cases: [keys.admin!, /application\/json/],
      warnings: [keys.admin!, /application\/json/],
    };
    for (const [name, url] of Object.entries(urls)) {
      const [key, type] = expected[name]!;
      const r = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      expect(r.status, `${name} ${url}`).toBe(200);
      expect(r.headers.get('content-type'), name).toMatch(type);
      const body = Buffer.from(await r.arrayBuffer());
      expect(body.length, name).toBeGreaterThan(500);
    }
    const cases = (await (await fetch(urls.cases!, { headers: { authorization: `Bearer ${keys.admin}` } })).json()) as {
      cases: unknown[];
    };
    expect(cases.cases.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => {
      child!.on('exit', (code) => {
        resolve(code);
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // `npm start` again on the same data: the demo's own book is written over, not refused (it was,
    // by generate's guard of a non-empty folder, with a hint to a flag the demo does not take)
    const again = spawn(
      process.execPath,
      ['bin/loanwatch.mjs', 'demo', '--loans', '1500', '--months', '24', '--serve', 'false'],
      {
        env: { ...process.env, LOANWATCH_DATA_DIR: join(dir, 'data'), TZ: 'UTC' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = again;
    let againErr = '';
    const passedGenerate = await new Promise<boolean>((resolve) => {
      again.stderr.on('data', (d: Buffer) => {
        againErr += d.toString();
        if (againErr.includes('2/8 ')) resolve(true);
      });
      again.on('exit', () => {
        resolve(false);
      });
    });
    expect(passedGenerate, againErr.slice(-2000)).toBe(true);
    again.kill('SIGKILL');
  }, 600_000);
});
