import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';

/**
 * Every date-taking command on one book: a date before the data's first day (a year typo) and one
 * more than a week after the data's last day are refused with exit 2 and the one message (the flag as the
 * user typed it, never the API's field name); a date inside the data runs. Before, a year typo gave
 * "(no rows)" and exit 0 from some of them.
 */
describe('date-taking commands refuse dates outside the data alike', () => {
  const { dir, err, run } = cliHarness('date-bounds');

  beforeAll(async () => {
    const book = join(dir, 'book');
    expect(await run('generate', '--out', book, '--loans', '80', '--months', '12', '--seed', '11')).toBe(0);
    expect(await run('ingest', book)).toBe(0);
    expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(0);
  }, 300_000);

  // [command, flag refused, the date flags for a date: before / inside / after]
  const table: [string, string, (d: string) => string[]][] = [
    ['dpd', '--as-of', (d) => ['--as-of', d]],
    ['cases', '--as-of', (d) => ['--as-of', d]],
    ['promises', '--as-of', (d) => ['--as-of', d]],
    ['warnings', '--as-of', (d) => ['--as-of', d]],
    ['warnings --list', '--as-of', (d) => ['--list', '--as-of', d]],
    ['placements', '--as-of', (d) => ['--as-of', d]],
    ['disposal', '--as-of', (d) => ['--as-of', d]],
    // the day inside rebuilds to its month-end: the data's last, for the tests after it
    ['snapshot', '--as-of', (d) => ['--as-of', d === '2024-06-28' ? '2024-06-30' : d, '--full']],
  ];
  const command = (name: string) => name.split(' ').slice(0, 1);

  it.each(table)('%s: before the data refused, inside answered, after refused', async (name, flag, args) => {
    for (const before of ['1999-12-31', '2019-01-15', '2023-05-01']) {
      expect(await run(...command(name), ...args(before)), `${name} ${before}`).toBe(2);
      expect(err.join('\n')).toMatch(
        new RegExp(`^loanwatch: ${flag} ${before}:? (is )?before the (data's )?first (day|month-end)`, 'mu'),
      );
      expect(err.join('\n')).not.toMatch(/as_of/u);
    }
    expect(await run(...command(name), ...args('2024-06-28')), `${name} inside`).toBe(0);
    for (const after of ['2024-08-01', '2025-06-15']) {
      expect(await run(...command(name), ...args(after)), `${name} ${after}`).toBe(2);
      expect(err.join('\n')).toMatch(new RegExp(`^loanwatch: ${flag} ${after}.* after`, 'mu'));
      expect(err.join('\n')).not.toMatch(/as_of/u);
    }
  });

  it("metrics: before the first month-end and past its 12-month reach refused in the flags' names", async () => {
    for (const flag of ['--as-of', '--to'])
      for (const before of ['2019-01-31', '2023-05-31']) {
        expect(await run('metrics', 'overdue', flag, before), `${flag} ${before}`).toBe(2);
        expect(err[0]).toMatch(new RegExp(`^loanwatch: ${flag} ${before} is before the data's first month-end`, 'u'));
      }
    for (const [flag, after] of [
      ['--as-of', '2025-08-31'],
      ['--to', '2026-01-31'],
      ['--cohort-from', '2027-01'],
    ] as const) {
      expect(await run('metrics', 'vintage', flag, after), `${flag} ${after}`).toBe(2);
      expect(err[0]).toMatch(new RegExp(`^loanwatch: ${flag} ${after}: too far past the data`, 'u'));
    }
    expect(await run('metrics', 'overdue', '--to', '2024-06-30', '--as-of', '2024-03-31')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --to 2024-06-30 is after --as-of 2024-03-31:/u);
    expect(err.join('\n')).not.toMatch(/as_of|cohort_from/u);
    expect(await run('metrics', 'overdue', '--as-of', '2024-06-30')).toBe(0);
  });

  it('experiment: an issue day outside the data, or outcomes after it, refused by the same check', async () => {
    const file = ['--experiment', 'examples/experiment.json'];
    expect(await run('experiment', ...file, '--as-of', '2019-01-03', '--until', '2019-01-30')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --as-of 2019-01-03 is before the data's first day /u);
    expect(await run('experiment', ...file, '--as-of', '2024-06-03', '--until', '2025-01-30')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --until 2025-01-30 is \d+ days after the data's last day/u);
    // within the lag days but after the data's last day: outcomes on a day the files have not reached
    expect(await run('experiment', ...file, '--as-of', '2024-06-03', '--until', '2024-07-03')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --until 2024-07-03 is after the data's last day \d{4}-\d{2}-\d{2}: outcomes/u);
    // inside: no list was issued that day, its own refusal
    expect(await run('experiment', ...file, '--as-of', '2024-06-03', '--until', '2024-06-30')).toBe(2);
    expect(err[0]).toMatch(/no cases were assigned/u);
  });

  it('contact-compliance: a period ending before the data or starting after it is refused; one reaching back is not', async () => {
    expect(await run('contact-compliance', '--from', '2019-01-01', '--to', '2019-02-01')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --to 2019-02-01 is before the data's first day \d{4}-\d{2}-\d{2}/u);
    expect(await run('contact-compliance', '--from', '2025-01-01', '--to', '2025-02-01')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --from 2025-01-01 is \d+ days after the data's last day/u);
    // a compliance period judges recorded actions, not instalments: the reason says so
    expect(err[0]).toMatch(/the collection actions of the period are not loaded yet/u);
    expect(err[0]).not.toMatch(/installments/u);
    expect(await run('contact-compliance', '--from', '2019-01-01', '--to', '2024-06-30')).toBe(0);
    expect(await run('contact-compliance', '--from', '2024-06-01', '--to', '2024-06-30')).toBe(0);
  });

  it('incentives: a month wholly before or after the data is refused by the same check', async () => {
    expect(await run('incentives', '--month', '2019-01')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --month 2019-01 is before the data's first day \d{4}-\d{2}-\d{2}/u);
    expect(await run('incentives', '--month', '2025-02')).toBe(2);
    expect(err[0]).toMatch(/^loanwatch: --month 2025-02 is \d+ days after the data's last day/u);
    // inside the data the month is computed: a small book's month may have no agent to award (its own refusal)
    const inside = await run('incentives', '--month', '2024-06');
    if (inside !== 0) expect(err[0]).toMatch(/^loanwatch: incentives 2024-06: no agent acted/u);
    expect(err.join('\n')).not.toMatch(/first day|last day/u);
  });
});
