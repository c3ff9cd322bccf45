import { describe, expect, it } from 'vitest';
import { createReadStream, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords } from '../../../lib/csv-records.ts';
import type { ScorecardArtifact } from '../../../models/scorecard/scorecard.ts';
import { cliHarness } from '../../helpers/cli.ts';
import { sharedData } from '../../helpers/shared-data.ts';

/** `loanwatch score --table FILE --model NAME@VERSION [--out FILE]` through the CLI, and the refusals around it. */
describe('score --table', () => {
  const { dir, out, err, run, stdout } = cliHarness('score-table-cli');
  const german = sharedData('german_credit', 'germancredit.csv');
  const trainGerman = [
    'train',
    '--table',
    german,
    '--target',
    'creditability',
    '--bad-value',
    'bad',
    '--model',
    'scorecard',
  ];
  /** the trained scorecard's version folder (the first test) */
  let cardDir = '';

  it('train --table prints its stages; score --table writes one CSV row per input row', async () => {
    expect(await run(...trainGerman, '--format', 'json')).toBe(0);
    expect(err[0]).toMatch(/^loading .*germancredit\.csv$/u);
    expect(err).toContain('split (seed 1): 700 rows to train, 300 to test');
    expect(err.some((l) => l.startsWith('registered germancredit_scorecard@1 '))).toBe(true);
    const [card] = JSON.parse(out.join('\n')) as { card: string }[];
    expect(readFileSync(join(card!.card, 'split.csv'), 'utf8').split('\n')[0]).toBe('row,part');
    cardDir = card!.card;

    expect(await run('score', '--table', german, '--model', 'germancredit_scorecard@1')).toBe(0);
    const lines = stdout().trimEnd().split('\n');
    expect(lines[0]).toBe('row,model_name,model_version,probability,points,grade,reason_1,reason_2,reason_3');
    expect(lines).toHaveLength(1001);
    expect(lines[1]).toMatch(/^1,germancredit_scorecard,1,0\.\d+,\d+(\.\d+)?,[A-E],/u);
    expect(err.at(-1)).toMatch(/^scored 1000 rows of .*germancredit\.csv with germancredit_scorecard@1 in [\d.]+ s$/u);

    const file = join(dir, 'scores.csv');
    expect(await run('score', '--table', german, '--model', 'germancredit_scorecard@1', '--out', file)).toBe(0);
    expect(stdout()).toBe('');
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toEqual(lines);
    expect(err.at(-1)).toMatch(/into .*scores\.csv$/u);
  }, 120_000);

  it('--model NAME scores with the version of it that is champion, its latest while none is', async () => {
    expect(await run(...trainGerman, '--seed', '2')).toBe(0);
    const versionScored = async () => {
      expect(await run('score', '--table', german, '--model', 'germancredit_scorecard')).toBe(0);
      return new Set(
        stdout()
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[2]),
      );
    };
    expect(await versionScored()).toEqual(new Set(['2']));
    expect(await run('promote', 'germancredit_scorecard', '1', '--reason', 'validated')).toBe(0);
    // v2 is newer; v1 is what was promoted (by name it scored with v2)
    expect(await versionScored()).toEqual(new Set(['1']));
    expect(err.at(-1)).toMatch(/with germancredit_scorecard@1 in/u);
    expect(await run('score', '--table', german, '--model', 'germancredit_scorecard@2')).toBe(0);
    expect(err.at(-1)).toMatch(/with germancredit_scorecard@2 in/u);
  }, 120_000);

  it('prints one warning line per column with categories the model never saw, with the count of rows', async () => {
    const art = JSON.parse(readFileSync(join(cardDir, 'artifact.json'), 'utf8')) as ScorecardArtifact;
    const [first, second] = art.variables.filter((v) => v.kind === 'categorical').map((v) => v.feature);
    const lines = readFileSync(german, 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const [a, b] = [header.indexOf(first!), header.indexOf(second!)];
    const rows: string[][] = [];
    for await (const r of csvRecords(createReadStream(german, { encoding: 'utf8' })))
      if (r.fields.length > 1) rows.push(r.fields);
    const changed = rows.map((r, i) =>
      i === 0 ? r : r.map((v, j) => (j === a && i <= 37 ? 'a new category' : j === b && i === 38 ? 'another' : v)),
    );
    const file = join(dir, 'unseen.csv');
    writeFileSync(
      file,
      `${changed.map((r) => r.map((v) => (/[",]/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\n')}\n`,
    );
    expect(await run('score', '--table', file, '--model', 'germancredit_scorecard@1')).toBe(0);
    expect(err.filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: ${first}: 37 rows with a category the model never saw → the riskiest bin`,
      `warning: ${second}: 1 row with a category the model never saw → the riskiest bin`,
    ]);
    expect(stdout().trimEnd().split('\n')).toHaveLength(lines.length);
    // the table it was trained on: no warning
    expect(await run('score', '--table', german, '--model', 'germancredit_scorecard@1')).toBe(0);
    expect(err.filter((l) => l.startsWith('warning: '))).toEqual([]);
  });

  it('a column blank in every row, never missing in training, is warned about with its share', async () => {
    const art = JSON.parse(readFileSync(join(cardDir, 'artifact.json'), 'utf8')) as ScorecardArtifact;
    const blank = art.variables.find((v) => !v.bins.some((b) => b.rule.type === 'missing' && b.count > 0))!.feature;
    const rows: string[][] = [];
    for await (const r of csvRecords(createReadStream(german, { encoding: 'utf8' })))
      if (r.fields.length > 1) rows.push(r.fields);
    const at = rows[0]!.indexOf(blank);
    const file = join(dir, 'blank.csv');
    writeFileSync(
      file,
      `${rows.map((r, i) => r.map((v, j) => (i > 0 && j === at ? '' : /[",]/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\n')}\n`,
    );
    expect(await run('score', '--table', file, '--model', 'germancredit_scorecard@1')).toBe(0);
    expect(err.filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: ${blank}: missing in 100 % of the batch (${rows.length - 1} of ${rows.length - 1} rows), 0 % in training: a blank or renamed column in the export? these rows are scored on a value the model never saw missing`,
    ]);
  });

  it('refusals are one line with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['score', '--table', german], /--table needs --model NAME@VERSION/u],
      [
        ['score', '--table', german, '--model', 'germancredit_scorecard@1', '--as-of', '2024-06-30'],
        /--as-of and --in-db are for the book/u,
      ],
      [['score'], /--as-of is required/u],
      [['score', '--as-of', '2024-06-30', '--out', 'x.csv'], /--out goes with --table/u],
      [
        ['score', '--as-of', '2024-06-30', '--model', 'germancredit_scorecard@1'],
        /germancredit_scorecard@1 was trained with train --table: it scores a table's rows/u,
      ],
      [['score', '--table', join(dir, 'nope.csv'), '--model', 'germancredit_scorecard@1'], /nope\.csv: no such file/u],
      [['score', '--table', german, '--model', 'nobody@1'], /no model nobody/u],
    ];
    const partial = join(dir, 'partial.csv');
    writeFileSync(partial, 'duration_in_month,creditability\n6,good\n');
    cases.push([['score', '--table', partial, '--model', 'germancredit_scorecard@1'], /partial\.csv: no column "/u]);
    // an --out that is the input (as itself or through a link) is refused before a row is read, the file untouched
    const inplace = join(dir, 'inplace.csv');
    writeFileSync(inplace, 'duration_in_month,creditability\n6,good\n');
    symlinkSync(inplace, join(dir, 'inplace-link.csv'));
    cases.push(
      [
        ['score', '--table', inplace, '--model', 'germancredit_scorecard@1', '--out', inplace],
        /--out .*inplace\.csv is the input table .*inplace\.csv: writing there would replace what is read/u,
      ],
      [
        ['score', '--table', inplace, '--model', 'germancredit_scorecard@1', '--out', join(dir, 'inplace-link.csv')],
        /inplace-link\.csv is the input table/u,
      ],
      [
        ['train', '--table', inplace, '--target', 'creditability', '--out', inplace],
        /--out .*inplace\.csv is the feature table being read: --out names the folder/u,
      ],
    );
    // an --out the scores cannot be written to names the path given, not the temporary file
    cases.push(
      [
        ['score', '--table', inplace, '--model', 'germancredit_scorecard@1', '--out', dir],
        /^loanwatch: --out .* is a folder: give a file name/mu,
      ],
      [
        ['score', '--table', inplace, '--model', 'germancredit_scorecard@1', '--out', join(dir, 'nodir', 'x.csv')],
        /^loanwatch: --out .*nodir\/x\.csv: no folder .*nodir: create it first/mu,
      ],
    );
    const versionDir = join(dir, 'models', 'split_scorecard', 'v1');
    mkdirSync(versionDir, { recursive: true });
    writeFileSync(join(versionDir, 'split.csv'), 'duration_in_month,creditability\n6,good\n');
    cases.push([
      [
        'train',
        '--table',
        join(versionDir, 'split.csv'),
        '--target',
        'creditability',
        '--name',
        'split',
        '--out',
        join(dir, 'models'),
      ],
      /is where a model version's split\.csv is written under --out/u,
    ]);
    // a models folder under a file: refused before training, no version registered without its files
    cases.push([
      ['train', '--table', german, '--target', 'creditability', '--name', 'phantom', '--out', join(inplace, 'sub')],
      /inplace\.csv\/sub.*not a directory/u,
    ]);
    for (const [args, message] of cases) {
      expect(await run(...args)).toBe(2);
      expect(err.join('\n')).toMatch(message);
      expect(err.join('\n')).not.toMatch(/\n\s+at /u);
    }
    expect(readFileSync(inplace, 'utf8')).toBe('duration_in_month,creditability\n6,good\n');
    expect(await run('evaluate', 'phantom_scorecard')).not.toBe(0);
    expect(err.join('\n')).toMatch(/no model phantom_scorecard/u);
  });
});
