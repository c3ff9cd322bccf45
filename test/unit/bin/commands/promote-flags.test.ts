import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../bin/main.ts';
import type { Output } from '../../../../bin/cli/output.ts';

/** promote's numeric flags, refused before any warehouse is opened: each bound says which it is. */
describe('promote flags', () => {
  let err: string[] = [];
  const out: Output = { line: () => undefined, write: () => Promise.resolve() };
  beforeEach(() => {
    err = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const run = (...flags: string[]) => main(['promote', 'm', '1', '--reason', 'why not', ...flags], out);

  it('a negative margin is refused as below 0, not as "not a number", in either spelling', async () => {
    for (const argv of [['--margin', '-0.01'], ['--margin=-0.01']]) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err.join('\n')).toMatch(/--margin "-0\.01": expected a margin ≥ 0/u);
      expect(err.join('\n')).not.toMatch(/such as|\n\s+at /u);
    }
  });

  it('each bound and a word are told apart', async () => {
    const cases: [string[], RegExp][] = [
      [['--margin', '1.5'], /--margin "1\.5": expected a margin ≤ 1/u],
      [['--margin', 'abc'], /--margin "abc": expected a margin such as 0\.005/u],
      [['--min-auc', '-0.2'], /--min-auc "-0\.2": expected an AUC ≥ 0/u],
      [['--min-auc', '2'], /--min-auc "2": expected an AUC ≤ 1/u],
      [['--max-psi', '0'], /--max-psi "0": expected a PSI > 0/u],
    ];
    for (const [argv, message] of cases) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(2);
      expect(err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});
