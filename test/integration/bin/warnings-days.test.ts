import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import { loadConfig } from '../../../warehouse/config.ts';
import { exec, openWarehouse } from '../../../warehouse/connection.ts';

/*
 * `loanwatch warnings --list` printed "(no rows)" (exit 0) both for a day the rules never ran for and
 * for a day they ran and fired nothing. The first is refused naming the command (exit 2), the second
 * says when the rules ran and that they fired none.
 */
describe('loanwatch warnings: a day never computed refused, a quiet day said so', () => {
  const { dir, out, err, run, stdout } = cliHarness('warnings_days');
  const quietRules = join(dir, 'quiet-rules.json');
  const ranAt = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';

  beforeAll(async () => {
    const book = join(dir, 'book');
    expect(await run('generate', '--out', book, '--loans', '80', '--months', '12', '--seed', '11')).toBe(0);
    expect(await run('ingest', book)).toBe(0);
    expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(0);
    // 10 years overdue: fires nothing on a 12-month book
    writeFileSync(
      quietRules,
      JSON.stringify({ rules: [{ id: 'overdue_10_years', kind: 'consecutive_overdue', months: 120 }] }),
    );
  }, 300_000);

  it('--list on a day the rules never ran for: exit 2, one line naming the command', async () => {
    expect(await run('warnings', '--as-of', '2024-06-28', '--list')).toBe(2);
    expect(err).toEqual([
      'loanwatch: warnings not computed for 2024-06-28: the rules never ran for it — run loanwatch warnings --as-of 2024-06-28',
    ]);
    expect(out).toEqual([]);
  });

  it('a run that fires nothing, and --list of that day: "the rules ran at … and fired none"; CSV keeps stdout to the header', async () => {
    const quiet = new RegExp(`^no warnings for 2024-06-28: the rules ran at ${ranAt} and fired none$`, 'u');
    expect(await run('warnings', '--as-of', '2024-06-28', '--rules', quietRules)).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(quiet);
    expect(await run('warnings', '--as-of', '2024-06-28', '--list')).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(quiet);
    expect(await run('warnings', '--as-of', '2024-06-28', '--list', '--format', 'csv')).toBe(0);
    expect(stdout().trim().split('\n')).toHaveLength(1);
    expect(err.at(-1)).toMatch(quiet);
    expect(await run('warnings', '--as-of', '2024-06-27', '--list')).toBe(2);
    expect(err).toEqual([
      'loanwatch: warnings not computed for 2024-06-27: the rules never ran for it — run loanwatch warnings --as-of 2024-06-27 (the latest day computed is 2024-06-28)',
    ]);
  });

  it('filters that leave nothing of a day that fired say how many the day has', async () => {
    expect(await run('warnings', '--as-of', '2024-06-28', '--format', 'json')).toBe(0);
    const fired = (JSON.parse(stdout()) as unknown[]).length;
    expect(fired).toBeGreaterThan(0);
    // the default rules have no info severity
    expect(await run('warnings', '--as-of', '2024-06-28', '--list', '--severity', 'info')).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(
          `^no warnings for 2024-06-28 match these filters \\(the rules ran at ${ranAt} and fired ${fired} that day\\)$`,
          'u',
        ),
      ),
    ]);
  });

  it('a run that finished while another of the day started since is going exits 0, judged by its own end; --list says the other may still be running', async () => {
    // run B, started after A (its start in the future) and not finished: A's end used to be judged by B
    const wh = openWarehouse(loadConfig(process.env));
    try {
      await exec(
        wh,
        `INSERT INTO ${wh.database}.warning_runs (as_of, run_id, event, at, rules_digest, rule_ids, champion, skipped, fired)
        VALUES ('2024-06-26', 'run-b', 'started', '2099-01-01 00:00:00.000', '', [], '', [], 0)`,
      );
    } finally {
      await wh.close();
    }
    expect(await run('warnings', '--as-of', '2024-06-26', '--rules', quietRules)).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(new RegExp(`^no warnings for 2024-06-26: the rules ran at ${ranAt} and fired none$`, 'u')),
    ]);
    expect(await run('warnings', '--as-of', '2024-06-26', '--list')).toBe(2);
    expect(err).toEqual([
      'loanwatch: warnings not computed for 2024-06-26: a run started at 2099-01-01 00:00:00 has not finished: it may still be running (wait for it), or it stopped — then run loanwatch warnings --as-of 2024-06-26 again (the latest day computed is 2024-06-28)',
    ]);
  });

  it('a rule the run skipped (no champion) or did not hold lists nothing and says so, not "fired nothing"', async () => {
    // the default rules, no champion: high_score, score_jump and model_drift are skipped
    expect(await run('warnings', '--as-of', '2024-06-28', '--list', '--rule', 'high_score')).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(
          `^no warnings for 2024-06-28: high_score was skipped in the run at ${ranAt}: no champion model$`,
          'u',
        ),
      ),
    ]);
    expect(await run('warnings', '--as-of', '2024-06-28', '--list', '--kind', 'score_jump', '--format', 'csv')).toBe(0);
    expect(err.at(-1)).toMatch(/ — score_jump was skipped in the run at .*: no champion model$/u);
    expect(await run('warnings', '--as-of', '2024-06-26', '--rules', quietRules)).toBe(0);
    expect(await run('warnings', '--as-of', '2024-06-25', '--rules', quietRules)).toBe(0);
    expect(await run('warnings', '--as-of', '2024-06-25', '--list', '--rule', 'broken_promise')).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(`^no warnings for 2024-06-25: broken_promise was not in the rules run at ${ranAt}$`, 'u'),
      ),
    ]);
  });
});
