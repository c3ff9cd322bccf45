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
        if (/^URL warnings .*\)$/mu.test(out)) resolve();
      });
      child!.on('exit', (code) => {
        reject(new Error(`demo exited ${code} before serving:\n${errOut.slice(-3000)}`));
      });
    });
    for (let i = 1; i <= 8; i++) expect(errOut).toContain(`${i}/8 `);
    const keys = Object.fromEntries([...out.matchAll(/^KEY (\w+) (\S+)$/gmu)].map((m) => [m[1]!, m[2]!]));
    const lines = [...out.matchAll(/^URL ([\w-]+) (\S+) \((.*)\)$/gmu)];
    const urls = Object.fromEntries(lines.map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(urls)).toEqual(['docs', 'console', 'report', 'report-zh', 'cases', 'warnings']);
    // each URL names the demo keys that open it: every one named answers 200, every other demo key 403
    const types: Record<string, RegExp> = {
      docs: /text\/html/,
      console: /text\/html/,
      report: /text\/html/,
      'report-zh': /application\/pdf/,
      cases: /application\/json/,
      warnings: /application\/json/,
    };
    for (const [, name, url, who] of lines) {
      const named = who!.startsWith('keys: ') ? who!.slice(6).split(', ') : [];
      const tries = named.length ? Object.keys(keys).map((k) => [k, keys[k]!] as const) : [['none', ''] as const];
      for (const [role, key] of tries) {
        const r = await fetch(url!, { headers: key ? { authorization: `Bearer ${key}` } : {} });
        if (named.length && !named.includes(role)) {
          expect(r.status, `${name} with the ${role} key`).toBe(403);
          expect(await r.text()).toMatch(new RegExp(`role ${role} may not read `, 'u'));
          continue;
        }
        expect(r.status, `${name} ${url!} ${role}`).toBe(200);
        expect(r.headers.get('content-type'), name).toMatch(types[name!]!);
        expect(Buffer.from(await r.arrayBuffer()).length, name).toBeGreaterThan(500);
      }
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
