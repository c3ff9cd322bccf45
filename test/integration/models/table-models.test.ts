import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { openWarehouse } from '../../../warehouse/connection.ts';
import { listModels } from '../../../models/registry/registry.ts';
import { sharedData } from '../../helpers/shared-data.ts';
import { Rng, sigmoid } from '../../../lib/random.ts';

/**
 * A seeded application table with what the data-quality gate must catch: a unique customer id, a
 * person-name column, a zip code with hundreds of levels, N/A · NULL · ? in a numeric income, 96/98
 * sentinel codes in a count, and a post-outcome column (recoveries) that leaks the outcome.
 */
function gatedTable(n: number, seed: number) {
  const rng = new Rng(seed);
  const first = [
    'Anna',
    'Ben',
    'Carla',
    'David',
    'Eva',
    'Felix',
    'Greta',
    'Hugo',
    'Ida',
    'Jonas',
    'Klara',
    'Lukas',
    'Mia',
    'Noah',
    'Olga',
    'Paul',
    'Rosa',
    'Simon',
    'Tina',
    'Uwe',
    'Vera',
    'Walter',
    'Xenia',
    'Yusuf',
    'Zoe',
    'Arne',
    'Bianca',
    'Carl',
    'Dora',
    'Emil',
  ];
  const last = [
    'Berg',
    'Costa',
    'Dahl',
    'Eriksen',
    'Fischer',
    'Garcia',
    'Hansen',
    'Ivanova',
    'Jensen',
    'Klein',
    'Lang',
    'Meyer',
    'Nowak',
    'Olsen',
    'Petrov',
    'Quist',
    'Rossi',
    'Schmidt',
    'Tanaka',
    'Ulrich',
    'Vogel',
    'Wagner',
    'Xu',
    'Young',
    'Zimmer',
    'Abbott',
    'Brandt',
    'Chen',
    'Dietrich',
    'Engel',
    'Frank',
    'Graf',
    'Horn',
    'Iversen',
    'Jung',
    'Koch',
    'Lorenz',
    'Moreau',
    'Nagel',
    'Ortiz',
  ];
  const ids: string[] = [];
  const names: string[] = [];
  const lines = ['customer_id,full_name,zip,income,late_count,utilisation,region,recoveries,bad'];
  for (let i = 0; i < n; i++) {
    const risk = rng.normal();
    const bad = rng.chance(sigmoid(-1.6 + 1.3 * risk)) ? 1 : 0;
    const id = `CUST-${String(100_003 + i * 7919).padStart(7, '0')}`;
    const name = `${rng.pick(first)} ${rng.pick(last)}`;
    ids.push(id);
    names.push(name);
    const u = rng.next();
    const income =
      u < 0.03
        ? 'N/A'
        : u < 0.05
          ? 'NULL'
          : u < 0.06
            ? '?'
            : String(Math.round(Math.exp(10.5 - 0.2 * risk + 0.4 * rng.normal())));
    const v = rng.next();
    const late = v < 0.02 ? 96 : v < 0.04 ? 98 : Math.min(9, Math.floor(-Math.log(rng.next()) * Math.exp(0.6 * risk)));
    const util = Math.min(1.5, Math.max(0, 0.45 + 0.25 * risk + 0.1 * rng.normal())).toFixed(3);
    const recoveries = bad && rng.chance(0.3) ? (50 + 500 * rng.next()).toFixed(2) : '0';
    lines.push(
      [
        id,
        name,
        `${rng.int(10_000, 10_399)}`.slice(0, 5) + 'x',
        income,
        late,
        util,
        rng.pick(['north', 'south', 'east', 'west']),
        recoveries,
        bad,
      ].join(','),
    );
  }
  return { csv: `${lines.join('\n')}\n`, ids, names };
}

/** Generic table training (`loanwatch train --table`) on the real public datasets, through the CLI. */
/** `train` on German credit's table, bad = "bad" (the flags every German run here shares) */
const trainGerman = [
  'train',
  '--table',
  sharedData('german_credit', 'germancredit.csv'),
  '--target',
  'creditability',
  '--bad-value',
  'bad',
];

describe('train --table on public credit data', () => {
  const { dir, out, err, run } = cliHarness('table-models');

  it('German credit: the default set (scorecard, network, boosted trees) with model cards; AUC in the published range', async () => {
    expect(await run(...trainGerman, '--seed', '7', '--by', 'ann', '--format', 'json')).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { model: string; test_auc: string; card: string }[];
    expect(rows.map((r) => r.model)).toEqual(['germancredit_scorecard', 'germancredit_network', 'germancredit_gbm']);
    for (const r of rows) {
      expect(Number(r.test_auc)).toBeGreaterThan(0.7);
      const card = readFileSync(join(r.card, 'model-card.md'), 'utf8');
      expect(card).toMatch(/WoE = ln\(%bad \/ %good\)/);
      expect(card).toMatch(/seeded random 70\/30 \(seed 7\)/);
    }
    expect(readFileSync(join(rows[0]!.card, 'model-card.md'), 'utf8')).toMatch(
      // the folds' choice first (the joint scorecard, or the classic with its refinement), then the points
      /Classic or joint scorecard: (classic|joint λ=\d+) kept[\s\S]*## Points table[\s\S]*status_of_existing_checking_account/,
    );
  });

  it('special values get bins of their own, listed in the points table', async () => {
    expect(
      await run(
        ...trainGerman,
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

  it('--refine false trains the classic scorecard: no joint refinement tried, every term its coefficient × WoE', async () => {
    expect(
      await run(
        ...trainGerman,
        '--model',
        'scorecard',
        '--refine',
        'false',
        '--name',
        'german_classic',
        '--format',
        'json',
      ),
    ).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { card: string }[];
    const card = readFileSync(join(rows[0]!.card, 'model-card.md'), 'utf8');
    expect(card).not.toMatch(/Joint refinement/);
    expect(card).toMatch(/## Points table/);
  });

  it('Taiwan: the default models reach the published AUC range', async () => {
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
        'german_classic_scorecard@1',
        'german_special_scorecard@1',
        'germancredit_gbm@1',
        'germancredit_network@1',
        'germancredit_scorecard@1',
        'uci_credit_card_gbm@1',
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
    expect(await run('train', '--table', bad, '--target', 'y', '--refine', 'maybe')).toBe(2);
    expect(err.join('\n')).toMatch(/--refine "maybe": expected true or false/);
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

  it('the data-quality gate: a leaky column refused before anything registers; identifiers, names and a zip dropped without their values in the card; N/A read as missing; 96/98 binned apart', async () => {
    const { csv, ids, names } = gatedTable(2000, 21);
    const path = join(dir, 'applications.csv');
    writeFileSync(path, csv);
    const train = (...more: string[]) =>
      run(
        'train',
        '--table',
        path,
        '--target',
        'bad',
        '--model',
        'scorecard',
        '--name',
        'gated',
        '--format',
        'json',
        ...more,
      );

    expect(await train()).toBe(2);
    expect(err.join('\n')).toMatch(
      /^loanwatch: column recoveries leaks the outcome \(a known post-outcome name; .*--allow-leaky recoveries$/mu,
    );
    const wh = openWarehouse(loadConfig({ LOANWATCH_DATA_DIR: join(dir, 'data') }));
    try {
      expect((await listModels(wh)).filter((m) => m.model_name.startsWith('gated'))).toEqual([]);
    } finally {
      await wh.close();
    }

    expect(await train('--drop-leaky')).toBe(0);
    const logs = err.join('\n');
    expect(logs).toMatch(/^data-quality gate on 1400 training rows: 8 columns, 4 kept, 4 dropped, 2 changed$/mu);
    expect(logs).toMatch(/^ {2}customer_id: drop \(identifier\)/mu);
    const [row] = JSON.parse(out.join('\n')) as { test_auc: number; card: string }[];
    expect(row!.test_auc).toBeGreaterThan(0.7);
    const card = readFileSync(join(row!.card, 'model-card.md'), 'utf8');
    for (const [column, decision, rule] of [
      ['customer_id', 'drop', 'identifier'],
      ['full_name', 'drop', 'personal-names'],
      ['zip', 'drop', 'high-cardinality'],
      ['recoveries', 'drop', 'leaky'],
      ['income', 'numeric', 'missing-markers'],
      ['late_count', 'special', 'sentinel'],
    ])
      expect(card).toContain(`| ${column} | ${decision} | ${rule} |`);
    expect(card).toMatch(/\| late_count \| [^|]+ \| special 98 \|/u);
    const files = ['model-card.md', 'model-card.json', 'artifact.json'].map((f) =>
      readFileSync(join(row!.card, f), 'utf8'),
    );
    for (const text of files) for (const v of [...ids, ...names]) expect(text).not.toContain(v);
  }, 120_000);
});
