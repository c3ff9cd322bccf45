import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFeatureTable } from '../../../../models/data/load-table.ts';
import { qualityGate } from '../../../../models/data/quality-gate.ts';

describe('target values of a table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-table-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, rows: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `amount,status\n${rows.join('\n')}\n`);
    return path;
  };

  it('leaves out rows whose target is missing (empty or a marker), counted with their lines; ids stay file positions', async () => {
    const path = file('gaps.csv', ['10,good', '20,bad', '30,', '40,NA', '50,good', '60,bad', '70,N/A']);
    const ds = await loadFeatureTable(path, { target: 'status', badValue: 'bad' });
    expect(ds.n).toBe(4);
    expect(Array.from(ds.label)).toEqual([0, 1, 0, 1]);
    expect(ds.ids).toEqual(['1', '2', '5', '6']);
    expect(ds.targetMissing).toEqual({ rows: 3, lines: [4, 5, 8] });
    const amount = ds.columns[0]!;
    expect(amount.kind === 'numeric' && Array.from(amount.values)).toEqual([10, 20, 50, 60]);
  });

  it('refuses a third value with its first lines, an empty value shown as "" (not a gap)', async () => {
    const path = file('third.csv', ['10,good', '20,bad', '30,maybe', '40,good', '50,maybe', '60,bad']);
    await expect(loadFeatureTable(path, { target: 'status', badValue: 'bad' })).rejects.toThrow(
      /target "status" must have two values including "bad", found 3: "good" \(line 2, 5\), "bad" \(line 3, 7\), "maybe" \(line 4, 6\); unexpected: "maybe" \(line 4, 6\)/u,
    );
  });

  it('a --bad-value the target never holds is the flag\'s typo: named with the values there are, the rows not blamed', async () => {
    for (const [rows, values] of [
      [['10,good', '20,bad'], '"good" \\(line 2\\), "bad" \\(line 3\\)'],
      [['10,bad', '20,good', '30,good'], '"bad" \\(line 2\\), "good" \\(line 3, 4\\)'],
      [['10,good'], '"good" \\(line 2\\)'],
      [['10,good', '20,bad', '30,maybe'], '"good" \\(line 2\\), "bad" \\(line 3\\), "maybe" \\(line 4\\)'],
    ] as const) {
      const path = file(`typo-${rows.length}-${rows[0]}.csv`, [...rows]);
      const refused = loadFeatureTable(path, { target: 'status', badValue: 'zzz' });
      await expect(refused).rejects.toThrow(
        new RegExp(`: --bad-value "zzz" is none of target "status"'s values: ${values}; give the one that means bad$`, 'u'),
      );
      await expect(loadFeatureTable(path, { target: 'status', badValue: 'zzz' })).rejects.not.toThrow(
        /unexpected|fix those rows/u,
      );
    }
  });

  it('says so when every target is missing', async () => {
    const path = file('none.csv', ['10,', '20,NA']);
    await expect(loadFeatureTable(path, { target: 'status', badValue: 'bad' })).rejects.toThrow(
      /every one of the 2 data rows has a missing target "status"/u,
    );
  });

  it('refuses a column option naming no column, or the target', async () => {
    const path = file('opts.csv', ['10,good', '20,bad']);
    const load = (o: { drop?: string[]; categorical?: string[] }) =>
      loadFeatureTable(path, { target: 'status', badValue: 'bad', ...o });
    await expect(load({ categorical: ['nosuch'] })).rejects.toThrow(
      /opts\.csv: --categorical nosuch: no such column \(columns: amount, status\)/u,
    );
    await expect(load({ drop: ['nosuch', 'other'] })).rejects.toThrow(/--drop nosuch,other: no such column/u);
    await expect(load({ drop: ['status'] })).rejects.toThrow(/--drop names the target status: the target is never a feature/u);
    await expect(load({ categorical: ['status'] })).rejects.toThrow(/--categorical names the target status/u);
  });
});

describe('numbers written for people', () => {
  const dir = mkdtempSync(join(tmpdir(), 'load-table-formats-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads "1,169" and "12%" columns as numbers, and says how in the gate; a decimal-comma column stays text', async () => {
    const path = join(dir, 'formats.csv');
    const rows = Array.from(
      { length: 40 },
      (_, i) => `"${(1000 + 37 * i).toLocaleString('en-US')}",${i % 9}%,"${i % 4},${i % 7}",${i % 3 ? 'good' : 'bad'}`,
    );
    writeFileSync(path, `amount,rate,ratio,status\n"812",NA,"1,5",good\n${rows.join('\n')}\n`);
    const ds = await loadFeatureTable(path, { target: 'status', badValue: 'bad' });
    const [amount, rate, ratio] = ds.columns;
    expect(amount).toMatchObject({ kind: 'numeric', format: 'thousands' });
    expect(amount!.kind === 'numeric' && Array.from(amount!.values.slice(0, 3))).toEqual([812, 1000, 1037]);
    expect(rate).toMatchObject({ kind: 'numeric', format: 'percent' });
    expect(rate!.kind === 'numeric' && Array.from(rate!.values.slice(0, 3))).toEqual([NaN, 0, 1]);
    expect(ratio).toMatchObject({ kind: 'categorical' });
    // a made-up outcome: the leakage check is not what this tests
    const report = qualityGate(ds, { leakAuc: 1 });
    const of = (c: string) => report.decisions.find((d) => d.column === c)!;
    expect(of('amount')).toMatchObject({ action: 'numeric', rule: 'number-format' });
    expect(of('amount').reason).toBe('numbers written with thousands separators (1,234.5), read as numbers');
    expect(of('rate')).toMatchObject({ action: 'numeric', rule: 'number-format' });
    expect(of('rate').reason).toMatch(/^numbers written as percentages \(12%\), read as written in percentage points \(12% → 12\); numeric apart from missing markers "NA" ×1/u);
  });
});
