import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { openWarehouse } from '../../../warehouse/connection.ts';
import { listModels } from '../../../models/registry/registry.ts';
import { sharedData } from '../../helpers/shared-data.ts';

/** Generic table training (`loanwatch train --table`) on the real public datasets, through the CLI. */
describe('train --table on public credit data', () => {
  const { dir, out, err, run } = cliHarness('table-models');

  it('German credit: scorecard and network with model cards; AUC in the published range', async () => {
    expect(
      await run(
        'train',
        '--table',
        sharedData('german_credit', 'germancredit.csv'),
        '--target',
        'creditability',
        '--bad-value',
        'bad',
        '--seed',
        '7',
        '--by',
        'ann',
        '--format',
        'json',
      ),
    ).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { model: string; test_auc: string; card: string }[];
    expect(rows.map((r) => r.model)).toEqual(['germancredit_scorecard', 'germancredit_network']);
    for (const r of rows) {
      expect(Number(r.test_auc)).toBeGreaterThan(0.7);
      const card = readFileSync(join(r.card, 'model-card.md'), 'utf8');
      expect(card).toMatch(/WoE = ln\(%bad \/ %good\)/);
      expect(card).toMatch(/seeded random 70\/30 \(seed 7\)/);
    }
    expect(readFileSync(join(rows[0]!.card, 'model-card.md'), 'utf8')).toMatch(
      /## Points table[\s\S]*status_of_existing_checking_account/,
    );
  });

  it('special values get bins of their own, listed in the points table', async () => {
    expect(
      await run(
        'train',
        '--table',
        sharedData('german_credit', 'germancredit.csv'),
        '--target',
        'creditability',
        '--bad-value',
        'bad',
        '--model',
        'scorecard',
        '--special',
        '4',
        '--min-iv',
        '0',
        '--name',
        'german_special',
        '--format',
        'json',
      ),
    ).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { card: string }[];
    expect(readFileSync(join(rows[0]!.card, 'model-card.md'), 'utf8')).toMatch(/\| special 4 \|/);
  });

  it('Taiwan: both models reach the published AUC range', async () => {
    // the dataset's codebook: repayment status -2 no consumption, -1 paid duly (codes, not degrees of delay)
    const pay = ['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6'].join(',');
    expect(
      await run(
        'train',
        '--table',
        sharedData('taiwan_credit_default', 'UCI_Credit_Card.csv'),
        '--target',
        'default.payment.next.month',
        '--drop',
        'ID',
        '--seed',
        '42',
        '--special=-2,-1',
        '--special-for',
        pay,
        '--format',
        'json',
      ),
    ).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { model: string; test_auc: string }[];
    for (const r of rows) expect(Number(r.test_auc)).toBeGreaterThan(0.75);
    const wh = openWarehouse(loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') }));
    try {
      const models = await listModels(wh);
      expect(models.map((m) => `${m.model_name}@${m.version}`).sort()).toEqual([
        'german_special_scorecard@1',
        'germancredit_network@1',
        'germancredit_scorecard@1',
        'uci_credit_card_network@1',
        'uci_credit_card_scorecard@1',
      ]);
    } finally {
      await wh.close();
    }
  });

  it('malformed tables and flags fail with a clear message and exit code 2', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,y\n1,2,1\n3,4\n');
    expect(await run('train', '--table', bad, '--target', 'y')).toBe(2);
    expect(err.join('\n')).toMatch(/bad.csv:3: 2 cells, header has 3/);
    writeFileSync(bad, 'a,b,y\n1,x,1\n3,4,maybe\n');
    expect(await run('train', '--table', bad, '--target', 'y')).toBe(2);
    expect(err.join('\n')).toMatch(/--bad-value/);
    expect(await run('train', '--table', bad)).toBe(2);
    expect(err.join('\n')).toMatch(/--table needs --target/);
    expect(await run('train', '--model', 'forest')).toBe(2);
    expect(await run('train', '--table', bad, '--target', 'y', '--special', 'minus-one')).toBe(2);
    expect(err.join('\n')).toMatch(/special values are numbers/);
    expect(await run('train', '--table', bad, '--target', 'y', '--special-for', 'a')).toBe(2);
    expect(err.join('\n')).toMatch(/give --special too/);
    writeFileSync(bad, 'a,b,y\n1,2,1\n3,4,0\n');
    expect(await run('train', '--table', bad, '--target', 'y', '--special=-1', '--special-for', 'a,PAY_9')).toBe(2);
    expect(err.join('\n')).toMatch(/special values are given for PAY_9, which is not a feature/);
    expect(await run('promote', 'nope', '1', '--reason', 'x')).toBe(2);
    expect(await run('promote', 'nope', '1', '--reason', 'why not')).toBe(2);
    expect(err.join('\n')).toMatch(/no model nope version 1/);
    expect(await run('score', '--as-of', '2024-06-30')).toBe(2);
    expect(err.join('\n')).toMatch(/no champion for dpd30_3m/);
    for (const [path, reason] of [
      [join(dir, 'nope.csv'), /^loanwatch: feature table .*nope\.csv: no such file or directory$/u],
      [dir, /^loanwatch: feature table .* is a directory, not a file$/u],
    ] as const) {
      expect(await run('train', '--table', path, '--target', 'y')).toBe(2);
      expect(err[0]).toMatch(reason);
      expect(err.join('\n')).not.toMatch(/\n\s+at /u);
    }
    expect(await run('evaluate', "x'; DROP TABLE loans --")).toBe(2);
    expect(err.join('\n')).toMatch(/NAME or NAME@VERSION/);
  });
});
