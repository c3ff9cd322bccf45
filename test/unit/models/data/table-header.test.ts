import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableHeader } from '../../../../models/data/table-header.ts';
import { loadFeatureTable } from '../../../../models/data/load-table.ts';
import { scoreTableCells, scoreTableFile } from '../../../../models/score-table.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';

/** A table model as far as the header check needs it: the header is refused before the artifact is read. */
const tableModel = { model_name: 't_scorecard', version: 1, target: 'table:t:bad' } as ModelVersion;

describe('a repeated column name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'table-header-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is refused naming the column and both positions, compared trimmed and without a BOM', () => {
    expect(tableHeader(['\uFEFFa', ' b ', 'c'], 'x.csv')).toEqual(['a', 'b', 'c']);
    expect(() => tableHeader(['a', 'purpose', 'b', ' purpose'], 'x.csv')).toThrow(
      'x.csv: column "purpose" appears twice in the header (columns 2 and 4)',
    );
    expect(() => tableHeader(['\uFEFFa', 'a'], 'x.csv')).toThrow(/column "a" appears twice/u);
  });

  it('is refused when the names differ only in case, both spellings named', () => {
    expect(() => tableHeader(['Purpose', 'purpose'], 'x.csv')).toThrow(
      'column "purpose" appears twice in the header (columns 1 and 2, as "Purpose" and "purpose")',
    );
  });

  it('stops train --table and score --table (file and cells) alike', async () => {
    const path = file('dup.csv', 'purpose,amount,purpose,bad\ncar,10,tv,0\ntv,20,car,1\n');
    await expect(loadFeatureTable(path, { target: 'bad' })).rejects.toThrow(/dup\.csv: column "purpose" appears twice/u);
    await expect(scoreTableFile(tableModel, path)).rejects.toThrow(/dup\.csv: column "purpose" appears twice/u);
    expect(() => scoreTableCells(tableModel, ['purpose', 'purpose'], [['car', 'tv']])).toThrow(
      /table: column "purpose" appears twice/u,
    );
  });
});

describe('a column without a name', () => {
  it('is named by its position, so two of them are two columns', () => {
    expect(tableHeader(['', 'age', ' ', 'bad'], 'x.csv')).toEqual(['column_1', 'age', 'column_3', 'bad']);
  });

  it('is refused as a repeat when the file names a column so too', () => {
    expect(() => tableHeader(['', 'column_1'], 'x.csv')).toThrow(/column "column_1" appears twice/u);
  });

  it('is read for training under that name (a pandas index column)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'table-header-'));
    try {
      const path = join(dir, 'indexed.csv');
      writeFileSync(path, ',age,bad\n0,30,0\n1,40,1\n2,50,0\n');
      const table = await loadFeatureTable(path, { target: 'bad' });
      expect(table.header).toEqual(['column_1', 'age', 'bad']);
      expect(table.columns.map((c) => c.name)).toEqual(['column_1', 'age']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
