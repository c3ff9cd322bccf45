import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDailyDeltas } from '../../../../pipelines/generate/daily-deltas.ts';
import { tmpDir } from '../../../helpers/warehouse.ts';

describe('generated promises', () => {
  it('are never due before the day they are made (the ingest quarantines such a promise)', async () => {
    const dir = join(tmpDir('promises'), 'book');
    // the book `generate --loans 300 --daily-from 2024-06-27` writes (the CLI's default months and seed)
    await generateDailyDeltas({ loans: 300, months: 36, seed: 20240630, from: '2024-06-27', days: 1, outDir: dir });
    const [header, ...rows] = readFileSync(join(dir, 'base', 'collection_actions.csv'), 'utf8')
      .trim()
      .split('\n');
    const cols = header!.split(',');
    const [a, p] = [cols.indexOf('action_date'), cols.indexOf('promised_date')];
    const promises = rows.map((r) => r.split(',')).filter((c) => c[p] !== '');
    expect(promises.length).toBeGreaterThan(10);
    expect(promises.filter((c) => c[p]! < c[a]!).map((c) => c.join(','))).toEqual([]);
  });
});
