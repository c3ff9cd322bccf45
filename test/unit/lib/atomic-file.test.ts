import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWriteStream, writeFileAtomic } from '../../../lib/atomic-file.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'lw-atomic-'));

describe('atomic output files', () => {
  it('writeFileAtomic replaces the file whole, and a failed write leaves what was there and no temporary file', () => {
    const d = dir();
    const path = join(d, 'out.csv');
    writeFileSync(path, 'before\n');
    writeFileAtomic(path, 'after\n');
    expect(readFileSync(path, 'utf8')).toBe('after\n');
    // the rename cannot happen (a folder holds the name): the folder stays, nothing else is left
    const taken = join(d, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'keep'), 'x');
    expect(() => {
      writeFileAtomic(taken, 'new');
    }).toThrow();
    expect(readdirSync(taken)).toEqual(['keep']);
    expect(readdirSync(d).sort()).toEqual(['out.csv', 'taken']);
  });

  it('a stream appears under its name only on commit; abort leaves the previous file and no temporary one', async () => {
    const d = dir();
    const path = join(d, 'scores.csv');
    writeFileSync(path, 'previous\n');
    const aborted = atomicWriteStream(path);
    await aborted.opened;
    aborted.stream.write('half a fi');
    aborted.abort();
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(readdirSync(d)).toEqual(['scores.csv']);
    const done = atomicWriteStream(path);
    await done.opened;
    done.stream.write('a,b\n1,2\n');
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    await done.commit();
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(d)).toEqual(['scores.csv']);
  });

  it('a place it cannot write is told by the name asked for, not the temporary file beside it', async () => {
    const path = join(dir(), 'no-such-folder', 'bureau.csv');
    let thrown: NodeJS.ErrnoException | undefined;
    try {
      writeFileAtomic(path, 'x');
    } catch (e) {
      thrown = e as NodeJS.ErrnoException;
    }
    expect(thrown).toMatchObject({ code: 'ENOENT', path });
    expect(thrown?.message).toContain(path);
    expect(thrown?.message).not.toMatch(/\.tmp/u);
    const s = atomicWriteStream(path);
    const opening = await s.opened.then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(opening).toMatchObject({ code: 'ENOENT', path });
    expect(opening?.message).not.toMatch(/\.tmp/u);
  });

  it('a device or a pipe is written as it is, not replaced by a rename', async () => {
    // /dev/null stays the device whatever is written to it
    writeFileAtomic('/dev/null', 'discarded');
    const s = atomicWriteStream('/dev/null');
    await s.opened;
    s.stream.write('discarded');
    await s.commit();
    const { statSync } = await import('node:fs');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a place that cannot hold the file fails on open, leaving nothing', async () => {
    const d = dir();
    const s = atomicWriteStream(join(d, 'no-such-folder', 'x.csv'));
    await expect(s.opened).rejects.toThrow(/ENOENT/u);
    s.abort();
    expect(readdirSync(d)).toEqual([]);
  });
});
