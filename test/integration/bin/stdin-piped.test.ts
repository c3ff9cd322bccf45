import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The embedded engine took a piped stdin as data for the command's first INSERT and refused it ("a
 * fault in loanwatch", exit 1): `loanwatch ingest f` in a `while read …; done < files.txt` loop, under
 * a scheduler that pipes into it, or `echo … | loanwatch keys create`. Every kind of stdin a command
 * can be given — a pipe, a socket (a Node parent's), a file, a loop's shared file — on a fresh
 * warehouse, whose migrations write before the command does.
 */
describe('loanwatch with data on its standard input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-stdin-'));
  const cli = join(process.cwd(), 'bin/loanwatch.mjs');
  const run = (args: string[], stdin: 'pipe' | 'ignore' | number, input: string | null, data: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const env = { ...process.env, LOANWATCH_DATA_DIR: join(dir, data), LOANWATCH_DEBUG: '' };
      const child = spawn(process.execPath, [cli, ...args], { stdio: [stdin, 'pipe', 'pipe'], env });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      if (input !== null) child.stdin?.end(input);
      child.on('error', fail);
      child.on('close', (code) => {
        done({ code, stdout, stderr });
      });
    });
  const keyLabels = async (data: string) => {
    const listed = await run(['keys', 'list', '--format', 'json'], 'ignore', null, data);
    return (JSON.parse(listed.stdout) as { label: string }[]).map((k) => k.label).sort();
  };

  it('a write command with a socket or a file holding data on stdin: done, exit 0', async () => {
    const viaSocket = await run(['keys', 'create', '--role', 'executive', '--label', 'socket'], 'pipe', 'x\n', 'a');
    expect(viaSocket.stderr).not.toMatch(/internal error/u);
    expect(viaSocket.code).toBe(0);
    const file = join(dir, 'list.txt');
    writeFileSync(file, 'one\ntwo\n');
    const fd = openSync(file, 'r');
    try {
      const viaFile = await run(['keys', 'create', '--role', 'executive', '--label', 'file'], fd, null, 'b');
      expect(viaFile.code).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(await keyLabels('a')).toEqual(['socket']);
    expect(await keyLabels('b')).toEqual(['file']);
  }, 120_000);

  it('a shell loop over a list on stdin runs the command for every line (none eaten by the engine)', async () => {
    const list = join(dir, 'labels.txt');
    writeFileSync(list, 'first\nsecond\nthird\n');
    const loop = await new Promise<number | null>((done, fail) => {
      const env = { ...process.env, LOANWATCH_DATA_DIR: join(dir, 'c'), LOANWATCH_DEBUG: '' };
      const sh = spawn(
        'sh',
        [
          '-c',
          `while read l; do "$0" "$1" keys create --role executive --label "$l" >/dev/null || exit 9; done < "$2"`,
          process.execPath,
          cli,
          list,
        ],
        { stdio: 'ignore', env },
      );
      sh.on('error', fail);
      sh.on('close', done);
    });
    expect(loop).toBe(0);
    expect(await keyLabels('c')).toEqual(['first', 'second', 'third']);
  }, 180_000);

  it('users create takes its password from a pipe, and without one or a terminal says so in one line', async () => {
    const piped = await run(
      ['users', 'create', '--name', 'zhang', '--role', 'executive'],
      'pipe',
      'a-long-test-passphrase\n',
      'd',
    );
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ name: 'zhang', role: 'executive' });
    // --password-file /dev/stdin names the pipe as a file
    for (const [name, path] of [
      ['wang', '/dev/stdin'],
      ['zhao', '/dev/fd/0'],
    ] as const) {
      const named = await run(
        ['users', 'create', '--name', name, '--role', 'executive', '--password-file', path],
        'pipe',
        'another-long-passphrase\n',
        'd',
      );
      expect(named.stderr, path).toBe('');
      expect(named.code, path).toBe(0);
    }
    const none = await run(['users', 'create', '--name', 'li', '--role', 'executive'], 'ignore', null, 'd');
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^loanwatch: no password: give --password-file/u),
    ]);
  }, 120_000);
});
