import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableSink, TableSinks } from '../../../../pipelines/files/table-sink.ts';
import { runAdapter, adapterNames } from '../../../../pipelines/adapters/index.ts';

const freshDir = (name: string) => mkdtempSync(join(tmpdir(), `lw-${name}-`));
const turns = () => new Promise((r) => setTimeout(r, 50));

describe('TableSink', () => {
  it('writes its header and rows, and a second close waits for the first', async () => {
    const dir = freshDir('sink');
    const sink = new TableSink(join(dir, 't.csv'), ['a', 'b'], 'csv');
    sink.write(['x,y', 1]);
    await Promise.all([sink.close(), sink.close()]);
    expect(readFileSync(join(dir, 't.csv'), 'utf8')).toBe('a,b\n"x,y",1\n');
    rmSync(dir, { recursive: true });
  });

  it('a file that cannot be opened is an error of close, not an uncaught error event', async () => {
    const sink = new TableSink(join(freshDir('sink'), 'no-such-folder', 't.csv'), ['a'], 'csv');
    sink.write(['1']);
    await expect(sink.close()).rejects.toThrow(/ENOENT/);
  });
});

describe('TableSinks.run', () => {
  it('closes every sink when the conversion succeeds', async () => {
    const dir = freshDir('sinks');
    const sinks = new TableSinks();
    await sinks.run(() => {
      sinks.open(join(dir, 'a.csv'), ['a'], 'csv').write([1]);
      sinks.open(join(dir, 'b.jsonl'), ['b'], 'jsonl').write([2]);
      return Promise.resolve();
    });
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('a\n1\n');
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe('{"b":2}\n');
    rmSync(dir, { recursive: true });
  });

  // the failure comes at once, before the files' asynchronous opens complete: the folder is
  // removed right after and nothing may be left to open or write in it later
  it('aborts every sink, awaited, when the conversion fails', async () => {
    const dir = freshDir('sinks');
    const sinks = new TableSinks();
    await expect(
      sinks.run(() => {
        for (const n of ['a', 'b', 'c']) sinks.open(join(dir, `${n}.csv`), [n], 'csv').write([n]);
        return Promise.reject(new Error('input missing'));
      }),
    ).rejects.toThrow('input missing');
    rmSync(dir, { recursive: true });
    await turns();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('runAdapter on a missing input', () => {
  it.each(adapterNames)('%s fails with its files closed, so its folder can be removed at once', async (name) => {
    const root = freshDir('adapter-root');
    const out = join(root, 'out');
    await expect(runAdapter(name, join(root, 'no-input'), out)).rejects.toThrow();
    rmSync(out, { recursive: true, force: true });
    await turns();
    expect(readdirSync(root)).toEqual([]);
    rmSync(root, { recursive: true });
  });
});
