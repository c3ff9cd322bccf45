import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../bin/main.ts';
import type { Output } from '../../../../bin/cli/output.ts';

/** train's numeric flags, refused before any warehouse is opened: each bound says which it is (`--min-iv -1` said "expected a number"). */
describe('train flags', () => {
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

  it('each bound of each numeric flag, and a word, are told apart', async () => {
    const cases: [string[], string][] = [
      [['--min-iv', '-1'], '--min-iv "-1": expected an IV ≥ 0'],
      [['--min-iv', '11'], '--min-iv "11": expected an IV ≤ 10'],
      [['--min-iv', 'high'], '--min-iv "high": expected an IV such as 0.02'],
      [['--l2', '-0.5'], '--l2 "-0.5": expected an L2 penalty ≥ 0'],
      [['--test-share', '1'], '--test-share "1": expected a share < 1'],
      [['--test-share', '0'], '--test-share "0": expected a share > 0'],
      [['--loan-share', '1.5'], '--loan-share "1.5": expected a share ≤ 1'],
      [['--min-bin-share', '0.6'], '--min-bin-share "0.6": expected a share ≤ 0.5'],
      [['--near-constant', '0.4'], '--near-constant "0.4": expected a share > 0.5'],
      [['--leak-auc', '1.2'], '--leak-auc "1.2": expected an AUC ≤ 1'],
    ];
    for (const [argv, message] of cases) {
      err = [];
      expect(await main(['train', ...argv], out), argv.join(' ')).toBe(2);
      expect(err[0], argv.join(' ')).toBe(`loanwatch: ${message}`);
    }
  });
});
