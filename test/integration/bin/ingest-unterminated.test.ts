import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';
import { loansCsv, paymentsHeader } from '../../helpers/bad-row-file.ts';

/**
 * A payments file cut inside its last field (`…,15` for 1500.00) reads as a whole row: the load is
 * told, naming the file and the line, in the log and the JSON (review 2026-12-06: a loan then 19 days
 * past due, exit 0, no word). Not refused: a file saved without a final line break reads the same.
 */
describe('ingest of a CSV that ends without a line break', () => {
  const { dir, out, err, run } = cliHarness('ingest_unterminated');

  it('is loaded and told with its last line; a file with its final line break is not', async () => {
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    expect(await run('ingest', join(dir, 'loans.csv'))).toBe(0);
    const cut = join(dir, 'payments-cut.csv');
    writeFileSync(cut, `${paymentsHeader}\r\nT5,L16,2023-01-07,1500.00,app\r\nT6,L17,2023-01-07,15`);
    expect(await run('ingest', cut)).toBe(0);
    const warning = err.find((l) => l.includes('ends without a line break'));
    expect(warning).toBe(
      'ingest: warning: payments-cut.csv ends without a line break after its last line "T6,L17,2023-01-07,15": if the file was cut short, that row may be incomplete — compare it with the source (a file saved without a final line break is fine)',
    );
    const printed = JSON.parse(out.join('\n')) as { unterminated_last_line?: { file: string; last_line: string }[] };
    expect(printed.unterminated_last_line).toEqual([{ file: cut, last_line: 'T6,L17,2023-01-07,15' }]);
    const whole = join(dir, 'payments-whole.csv');
    writeFileSync(whole, `${paymentsHeader}\nT7,L18,2023-01-07,1500.00,app\n`);
    expect(await run('ingest', whole)).toBe(0);
    expect(err.some((l) => l.includes('ends without a line break'))).toBe(false);
    expect(JSON.parse(out.join('\n'))).not.toHaveProperty('unterminated_last_line');
  });
});
