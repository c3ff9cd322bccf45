import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../bin/cli/parse.ts';
import { commands } from '../../../bin/commands/index.ts';
import type { Output } from '../../../bin/cli/output.ts';

/**
 * `loanwatch report` refuses a flag its mode does not take (SPEC §10: a flag a command does not take
 * is an error), rather than ignore it: the command line alone, no warehouse.
 */
const out: Output = { line: () => undefined, write: () => Promise.resolve() };
const refusal = (...argv: string[]) =>
  parseCommandLine(['report', ...argv], commands, out).then(
    () => undefined,
    (e: unknown) => (e as Error).message,
  );

describe('report: flags its mode does not take', () => {
  it('--archive takes --period, --pack, --lang, --format only', async () => {
    expect(await refusal('--archive', '--region', 'east')).toMatch(
      /^--region: not taken with --archive \(it takes --period, --pack, --lang, --format\)/u,
    );
    expect(await refusal('--archive', '--out', 'x', '--thresholds', 't.json')).toMatch(
      /^--out, --thresholds: not taken with --archive/u,
    );
    expect(
      await refusal('--archive', '--period', '2024-06', '--pack', 'management', '--format', 'csv'),
    ).toBeUndefined();
  });

  it('--schedule takes no --period (it runs `previous`), --out, --provisions or --thresholds', async () => {
    expect(await refusal('--schedule', 'monthly', '--period', '2024-06')).toMatch(
      /^--period: not taken with --schedule/u,
    );
    expect(await refusal('--schedule', 'monthly', '--provisions', 'p.csv')).toMatch(
      /^--provisions: not taken with --schedule/u,
    );
    expect(
      await refusal('--schedule', 'monthly', '--region', 'east', '--days-after', '5', '--at', '06:30'),
    ).toBeUndefined();
  });

  it('a pack build takes no --days-after or --at', async () => {
    expect(await refusal('--period', '2024-06', '--days-after', '5')).toMatch(/^--days-after: only with --schedule/u);
    expect(
      await refusal('--period', '2024-06', '--region', 'east', '--out', 'x', '--thresholds', 't.json'),
    ).toBeUndefined();
  });
});
