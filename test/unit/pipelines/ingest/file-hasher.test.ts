import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFileHasher } from '../../../../pipelines/ingest/file-hasher.ts';

describe('startFileHasher', () => {
  const hasher = startFileHasher();
  const dir = mkdtempSync(join(tmpdir(), 'lw-hasher-'));
  afterAll(() => hasher.close());

  it('gives each file its SHA-256, in any order it is asked for, once per path', async () => {
    // larger than the worker's 8 MB read buffer, so the hash spans several reads
    const big = Buffer.alloc(9 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const files = { 'a.csv': big, 'b.csv': Buffer.from('x,y\n1,2\n'), 'empty.csv': Buffer.alloc(0) };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    const pending = Object.keys(files).map((n) => hasher.sha256(join(dir, n)));
    expect(hasher.sha256(join(dir, 'a.csv'))).toBe(pending[0]);
    const got = await Promise.all(pending.reverse());
    expect(got.reverse()).toEqual(Object.values(files).map((b) => createHash('sha256').update(b).digest('hex')));
  });

  it('rejects, where the hash is awaited, for a file that cannot be read — and keeps hashing others', async () => {
    const missing = hasher.sha256(join(dir, 'no-such.csv'));
    writeFileSync(join(dir, 'c.csv'), 'c');
    const ok = hasher.sha256(join(dir, 'c.csv'));
    await expect(missing).rejects.toThrow(/cannot hash the file: .*no-such\.csv/);
    await expect(ok).resolves.toBe(createHash('sha256').update('c').digest('hex'));
  });
});
