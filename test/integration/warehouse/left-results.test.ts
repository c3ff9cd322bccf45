import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../warehouse/config.ts';
import { openWarehouse } from '../../../warehouse/connection.ts';

/** A read killed in the middle leaves its result file behind: the next open of the data directory removes it, and only it. */
describe('left result files', () => {
  it('are removed when the embedded warehouse opens; other files stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-left-results-'));
    try {
      const tmp = join(dir, 'tmp');
      mkdirSync(join(tmp, 'lw-result-killed'), { recursive: true });
      writeFileSync(join(tmp, 'lw-result-killed', 'rows.tsv'), 'L1\t2024-01-31\n');
      writeFileSync(join(tmp, 'notes.txt'), 'not ours');
      const wh = openWarehouse(loadConfig({}), { dataDir: dir, database: 't_left_results' });
      try {
        expect(readdirSync(tmp)).toEqual(['notes.txt']);
        expect(wh.resultDir).toBe(tmp);
      } finally {
        await wh.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
