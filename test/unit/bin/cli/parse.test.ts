import { metricNames, metrics } from '../../../../warehouse/metrics/index.ts';
import { metricParameters } from '../../../../warehouse/metrics/metric-parameters.ts';
import { metricRequestFieldNames, type MetricRequestField } from '../../../../warehouse/metrics/request.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../bin/main.ts';
import { commands } from '../../../../bin/commands/index.ts';
import type { Output } from '../../../../bin/cli/output.ts';

/** The command line without a warehouse: help, unknown commands and flags, values — every command. */
describe('loanwatch command line', () => {
  let text = '';
  let err: string[] = [];
  const out: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  beforeEach(() => {
    text = '';
    err = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const run = (...argv: string[]) => main(argv, out);
  const names = commands.map((c) => c.name);

  it('each entry of the command table loads the module of its name', async () => {
    for (const c of commands) expect((await c.load()).name).toBe(c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('--help, help and help <command> exit 0 and list every command', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      text = '';
      expect(await run(...argv)).toBe(0);
      for (const top of new Set(names.map((n) => n.split(' ')[0]!)))
        expect(text).toMatch(new RegExp(`^  ${top}\\b`, 'mu'));
    }
    expect(await run()).toBe(2);
  });

  it('a group named without one of its commands (`keys`) shows its help and exits 2, as no command at all does', async () => {
    const groups = [...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]!))];
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      err = [];
      expect(await run(g), g).toBe(2);
      for (const sub of names.filter((n) => n.startsWith(`${g} `))) expect(err.join('\n')).toContain(sub.split(' ')[1]);
      expect(await run('help', g), `help ${g}`).toBe(0);
    }
  });

  it.each(names)('%s refuses any of its flags given twice, in either spelling, naming the flag', async (name) => {
    const m = await commands.find((c) => c.name === name)!.load();
    for (const [flag, spec] of Object.entries(m.flags)) {
      const once = spec.value ? [`--${flag}`, 'x'] : [`--${flag}`];
      const again = spec.value ? [`--${flag}=y`] : [`--${flag}`];
      for (const argv of [
        [...name.split(' '), ...once, ...once],
        [...name.split(' '), ...again, ...once],
      ]) {
        err = [];
        expect(await run(...argv), argv.join(' ')).toBe(2);
        expect(err[0], argv.join(' ')).toBe(`loanwatch: --${flag} is given twice: give it once`);
      }
    }
    // a value that looks like a flag is the flag's value, not the flag again (`--reason --reason` is one reason)
    const valued = Object.entries(m.flags).find(([, spec]) => spec.value);
    if (valued) {
      err = [];
      await run(...name.split(' '), `--${valued[0]}`, `--${valued[0]}`);
      expect(err[0] ?? '').not.toContain('given twice');
    }
  });

  it.each(names)('%s --help shows its own flags, their defaults and an example', async (name) => {
    const m = await commands.find((c) => c.name === name)!.load();
    for (const argv of [
      [...name.split(' '), '--help'],
      ['help', ...name.split(' ')],
    ]) {
      text = '';
      expect(await run(...argv), argv.join(' ')).toBe(0);
      for (const flag of Object.keys(m.flags)) expect(text).toContain(`--${flag}`);
      expect(text).toMatch(/Examples?:\n {2}\S/u);
      for (const example of m.examples) expect(text).toContain(example);
    }
  });

  it.each(names)(
    '%s refuses an empty file or folder (an unset variable in `--rules "$F"`), never reads it as left out',
    async (name) => {
      const m = await commands.find((c) => c.name === name)!.load();
      // and any other value: a number (coerced, "" was 0: `--grace-days ""` judged promises without grace),
      // a filter (no region is every region), a reason — but the lists that may name none on purpose
      const mayBeNone = ['drop', 'categorical', 'special', 'special-for', 'missing-markers', 'allow-leaky'];
      for (const [flag, spec] of Object.entries(m.flags))
        if (spec.value && !(name === 'train' && mayBeNone.includes(flag)))
          expect(spec.schema.safeParse('').success, `${name} --${flag} ""`).toBe(false);
    },
  );

  it('an empty file is refused on the line: one sentence naming the flag, exit 2, before anything runs', async () => {
    for (const argv of [
      ['warnings', '--as-of', '2024-06-30', '--rules', ''],
      ['cases', '--as-of', '2024-06-28', '--agents', ''],
      ['incentives', '--month', '2024-06', '--scheme', ''],
    ]) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0]).toBe(`loanwatch: ${argv[3]} "": expected a path`);
    }
    for (const [argv, words] of [
      [['promises', '--as-of', '2024-06-28', '--grace-days', ''], 'must not be empty'],
      [['promises', '--as-of', '2024-06-28', '--grace-days', ' '], 'must not be empty'],
      [['generate', '--loans', '0x10'], 'expected a whole number'],
      [['generate', '--bad-rows', ''], 'must not be empty'],
      [['cases', '--as-of', '2024-06-28', '--region', ''], 'give at least one value'],
      // a book the warehouse could not take a row of (year 0000 dates)
      [['generate', '--as-of', '0001-01-01'], 'expected a real date YYYY-MM-DD between 1970-01-01 and 2149-06-06'],
    ] as const) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0]).toBe(`loanwatch: ${argv.at(-2)!} ${JSON.stringify(argv.at(-1))}: ${words}`);
    }
  });

  it('generate refuses a book that would start before 1970', async () => {
    err = [];
    expect(await run('generate', '--as-of', '1971-06-30', '--months', '36')).toBe(2);
    expect(err[0]).toBe(
      'loanwatch: --months 36 before 1971-06-30 starts in 1968-06: the warehouse takes dates from 1970-01-01',
    );
  });

  it.each(names)("%s refuses a flag it does not take, naming the command's help", async (name) => {
    expect(await run(...name.split(' '), '--no-such-flag', 'x')).toBe(2);
    expect(err[0]).toBe('loanwatch: unknown flag --no-such-flag');
    expect(err[1]).toBe(`run 'loanwatch ${name} --help' for its flags`);
    expect(err).toHaveLength(2);
  });

  it('a flag another command takes is no flag of this one; a near miss is suggested', async () => {
    for (const [argv, message] of [
      [['report', '--period', '2024-06', '--team', 'east'], 'unknown flag --team'],
      [['generate', '--loan', '100'], 'unknown flag --loan (did you mean --loans?)'],
      [['metrics', 'overdue', '--loan', 'L1'], 'unknown flag --loan'],
      [['cases', '--as-of', '2024-06-28', '--regoin', 'east'], 'unknown flag --regoin (did you mean --region?)'],
      [['snapshto', '--as-of', '2024-06-30'], "unknown command 'snapshto' (did you mean snapshot?)"],
      // with --help too: it showed the overall help with exit 0
      [['snapshto', '--help'], "unknown command 'snapshto' (did you mean snapshot?)"],
      // an unknown command that is another command's flag is pointed at it
      [['rollback', '--help'], "unknown command 'rollback' (did you mean ingest --rollback?)"],
      [['rollback', 'abc'], "unknown command 'rollback' (did you mean ingest --rollback?)"],
    ] as const) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0]).toBe(`loanwatch: ${message}`);
      expect(err).toHaveLength(2);
    }
  });

  it('values: one sentence naming the flag and what it expects', async () => {
    for (const [argv, message] of [
      [['snapshot'], '--as-of is required (YYYY-MM-DD)'],
      [['snapshot', '--as-of', '30/06/2024'], '--as-of "30/06/2024": expected a calendar date YYYY-MM-DD'],
      [['generate', '--loans', 'many'], '--loans "many": expected a whole number'],
      [['generate', '--loans', '0'], '--loans "0": expected at least 1'],
      [['metrics'], `name a metric: ${metricNames.join(', ')}`],
      [
        ['metrics', 'overdue', '--from', '2024-06-30', '--to', '2024-01-31'],
        '--from 2024-06-30 is after --to 2024-01-31',
      ],
      [['metrics', 'overdue', '--months', '3'], '--months applies to the forecast only'],
      [['ingest'], 'name at least one file or directory to ingest'],
      [['generate', '--days', '3'], '--days goes with --daily-from'],
      [
        ['generate', '--out', '--out'],
        '--out needs a value, but the next word is the flag --out (a value starting with -- is written --out=VALUE)',
      ],
      [
        ['generate', '--out', '--loans', '10'],
        '--out needs a value, but the next word is the flag --loans (a value starting with -- is written --out=VALUE)',
      ],
      [
        ['generate', '--daily-from', '2024-06-01', '--as-of', '2024-06-30'],
        '--daily-from sets the days (the book runs to it + --days): leave out --as-of',
      ],
      [
        ['generate', '--daily-from', '2024-06-01', '--format', 'jsonl'],
        '--daily-from writes CSV files: leave out --format',
      ],
      [['promote', 'm'], 'give the version to promote: loanwatch promote NAME VERSION --reason …'],
      [
        ['keys', 'create', '--role', 'boss'],
        '--role "boss": expected one of admin, modeler, executive, collector, auditor',
      ],
      [['train', '--target', 'y'], '--target, --drop, --categorical, --name and --missing-markers go with --table'],
      [
        ['warnings', '--as-of', '2024-06-30', '--list', '--rules', 'r.json'],
        '--rules fires rules; --list only lists: give one of them',
      ],
    ] as const) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0], argv.join(' ')).toBe(`loanwatch: ${message}`);
      expect(err[1]).toMatch(/^run 'loanwatch [a-z ]*--help' for /u);
    }
  });

  it("a fault that is not the user's exits 1 with one line, no stack trace", async () => {
    const { reportError } = await import('../../../../bin/cli/report-error.ts');
    expect(reportError(new TypeError('x is undefined'))).toBe(1);
    expect(err[0]).toBe('loanwatch: internal error: x is undefined');
    expect(err.join('\n')).not.toMatch(/\n\s+at /u);
    err = [];
    expect(reportError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 8080 }))).toBe(2);
    expect(err[0]).toBe('loanwatch: port 8080 is in use by another process');
    err = [];
    expect(
      reportError(
        Object.assign(new Error("ENOENT: no such file or directory, open 'x.csv'"), { code: 'ENOENT', path: 'x.csv' }),
      ),
    ).toBe(2);
    expect(err[0]).toBe('loanwatch: x.csv: no such file or directory');
    // the engine's memory bound: the setting to change, not "a fault in loanwatch"
    err = [];
    const memory =
      'Query memory limit exceeded: would use 6.00 GiB (attempt to allocate chunk of 13.04 MiB), maximum: 6.00 GiB.';
    expect(reportError(Object.assign(new Error(memory), { code: '241' }))).toBe(1);
    expect(
      reportError(new Error(`Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 6.00 GiB`)),
    ).toBe(1);
    expect(err[0]).toBe(`loanwatch: a statement needed more memory than the engine may use (${memory})`);
    expect(err[1]).toMatch(/^raise LOANWATCH_ENGINE_MEMORY_MB/u);
    expect(err.join('\n')).not.toMatch(/internal error|\n\s+at /u);
  });

  it('a bad flag value is told in plain words, once, never in zod\'s ("Too big: expected number to be <=120")', async () => {
    for (const [argv, said] of [
      [['metrics', 'forecast', '--months', '100000'], '--months "100000": at most 120'],
      [['metrics', 'forecast', '--months', '121'], '--months "121": at most 120'],
      [['metrics', 'forecast', '--months', '99999999999999999999'], '--months "99999999999999999999": at most 120'],
      [['metrics', 'forecast', '--months', '0'], '--months "0": at least 1'],
      [['metrics', 'forecast', '--months', '1.5'], '--months "1.5": a whole number'],
      [['metrics', 'overdue', '--dpd-over', '100001'], '--dpd-over "100001": at most 100000'],
      [['promises', '--as-of', '2024-06-01', '--due', 'tomorrow'], '--due "tomorrow": must be today'],
    ] as const) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err[0], argv.join(' ')).toBe(`loanwatch: ${said}`);
      expect(err.join('\n')).not.toMatch(/Too (big|small)|Invalid (option|input)|expected (int|number) to be/u);
    }
  });

  // a valid value for each request flag: only whether the metric takes it decides
  const sampleValues: Record<MetricRequestField, string> = {
    as_of: '2024-06-30',
    group_by: 'product',
    basis: 'count',
    cohort_grain: 'quarter',
    product: 'p',
    region: 'r',
    branch: 'b',
    channel: 'c',
    cohort_from: '2023-01',
    cohort_to: '2023-06',
    from: '2024-01-31',
    to: '2024-06-30',
    months: '3',
    dpd_over: '30',
  };

  it.each(metricNames)(
    'metrics %s refuses every request flag the metric does not take, as its API route does, naming those it takes',
    async (name) => {
      const taken = new Set<string>(metricParameters(metrics[name]).fields);
      const refused = metricRequestFieldNames.filter((f) => !taken.has(f) && f !== 'months');
      for (const field of refused) {
        err = [];
        const flag = `--${field.replaceAll('_', '-')}`;
        expect(await run('metrics', name, flag, sampleValues[field]), flag).toBe(2);
        expect(err[0]).toMatch(new RegExp(`^loanwatch: ${flag} does not apply to ${name}: it takes --as-of\\b`, 'u'));
        for (const t of taken) expect(err[0]).toContain(`--${t.replaceAll('_', '-')}`);
      }
    },
  );
});
