import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../bin/main.ts';
import type { Output } from '../../../../bin/cli/output.ts';

/** each line refused before any warehouse is opened: exit 2, one sentence */
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
const refused = async (argv: string[], message: string) => {
  err = [];
  expect(await main(argv, out), argv.join(' ')).toBe(2);
  expect(err[0], argv.join(' ')).toBe(`loanwatch: ${message}`);
};

/**
 * promote's and train's numeric flags, refused before any warehouse is opened: each bound says which
 * it is (`--margin -0.01` and `--min-iv -1` said "expected a number"), a word says what is expected.
 */
describe('numeric flags of promote and train', () => {
  const promote = ['promote', 'm', '1', '--reason', 'why not'];

  it('a negative margin is refused as below 0, not as "not a number", in either spelling', async () => {
    await refused([...promote, '--margin', '-0.01'], '--margin "-0.01": expected a margin ≥ 0');
    await refused([...promote, '--margin=-0.01'], '--margin "-0.01": expected a margin ≥ 0');
  });

  it.each([
    [['--margin', '1.5'], '--margin "1.5": expected a margin ≤ 1'],
    [['--margin', 'abc'], '--margin "abc": expected a margin such as 0.005'],
    [['--min-auc', '-0.2'], '--min-auc "-0.2": expected an AUC ≥ 0'],
    [['--min-auc', '2'], '--min-auc "2": expected an AUC ≤ 1'],
    [['--max-psi', '0'], '--max-psi "0": expected a PSI > 0'],
  ])('promote %j: %s', (argv, message) => refused([...promote, ...argv], message));

  it.each([
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
  ])('train %j: %s', (argv, message) => refused(['train', ...argv], message));
});

/** A model reference names a version from 1: `@0` read the latest version and called it "as named". */
describe('model references', () => {
  it.each(['m@0', 'm@00', 'm@', '@3', 'm@1@2', 'm@-1'])(
    'evaluate %s is refused before any warehouse is opened',
    (ref) => refused(['evaluate', ref], `model "${ref}": expected NAME or NAME@VERSION (a version from 1)`),
  );
});
