import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvRecords } from '../../../lib/csv-records.ts';
import { tmpDir } from '../../helpers/warehouse.ts';

/**
 * The README's five-minute tour as a user's shell runs it: its lines, verbatim, through `bash`
 * (npm, the `export`, the `> file.csv` redirections), in a checkout-shaped folder beside ../shared.
 * `serve` blocks and `curl` needs it, so those two are left to the demo and API tests.
 */
const readme = readFileSync('README.md', 'utf8');
const tour = readme.slice(readme.indexOf('## Five-minute tour')).split('```bash\n')[1]!.split('```')[0]!;
const lines = tour
  .split('\n')
  .filter((l) => /^(export |npm |ls |printf '[^']*' '[^']*' \| npm )/u.test(l) && !/ serve\b/u.test(l));
const redirected = [...tour.matchAll(/>\s*(\S+\.csv)\s*$/gmu)].map((m) => m[1]!);

async function parseCsv(path: string) {
  const rows: string[][] = [];
  for await (const r of csvRecords(createReadStream(path, 'utf8') as AsyncIterable<string>)) rows.push(r.fields);
  return rows;
}

describe('the README tour through bash', () => {
  const root = tmpDir('tour');
  const work = join(root, 'loanwatch');
  const repo = process.cwd();
  beforeAll(() => {
    mkdirSync(work);
    // a checkout: everything tracked, but none of a developer's own output folders
    for (const entry of readdirSync(repo)) {
      if (['.git', 'out', 'data', 'book', 'tour-data', 'coverage'].includes(entry) || entry.endsWith('.csv')) continue;
      symlinkSync(resolve(repo, entry), join(work, entry));
    }
    symlinkSync(resolve(repo, '../shared'), join(root, 'shared'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('names the commands a new user needs', () => {
    expect(lines.some((l) => l.startsWith('export LOANWATCH_DATA_DIR='))).toBe(true);
    const commands = lines.map((l) => /^(?:printf .* \| )?npm run -s loanwatch -- (\S+)/u.exec(l)?.[1]).filter(Boolean);
    expect(commands).toEqual(
      expect.arrayContaining([
        'generate',
        'ingest',
        'quarantine',
        'snapshot',
        'dpd',
        'metrics',
        'train',
        'promote',
        'score',
        'evaluate',
        'cases',
        'experiment',
        'warnings',
        'report',
        'keys',
      ]),
    );
    expect(redirected).toEqual(
      expect.arrayContaining(['dpd-2024-06-15.csv', 'vintage.csv', 'east-team.csv', 'quarantine.csv']),
    );
  });

  it('runs every line with exit code 0 and writes clean CSV files', async () => {
    const script = ['set -euxo pipefail', ...lines].join('\n');
    const r = spawnSync('bash', ['-c', script], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      timeout: 1_500_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, r.stderr.slice(-4000)).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/u);
    for (const file of redirected) {
      const path = join(work, file);
      expect(existsSync(path), file).toBe(true);
      const text = readFileSync(path, 'utf8');
      expect(text.startsWith('>'), `${file} starts with npm's banner`).toBe(false);
      const rows = await parseCsv(path);
      const [header, ...body] = rows;
      expect(
        header!.every((h) => /^[a-z0-9_]+$/u.test(h)),
        `${file} header ${header!.join(',')}`,
      ).toBe(true);
      expect(body.length, file).toBeGreaterThan(0);
      for (const [i, row] of body.entries()) expect(row.length, `${file} row ${i + 2}`).toBe(header!.length);
    }
    const dpd = await parseCsv(join(work, 'dpd-2024-06-15.csv'));
    expect(dpd[0]).toEqual([
      'loan_id',
      'as_of',
      'source',
      'dpd',
      'bucket',
      'status',
      'principal_balance',
      'overdue_principal',
      'overdue_interest',
      // what is owed beyond the schedule on the day (docs/accrual.md)
      'accrual_status',
      'penalty_interest',
      'compound_interest',
      'fees',
      'penalty_paid',
      'compound_paid',
      'fees_paid',
      'penalty_waived',
      'compound_waived',
      'fees_waived',
      'unapplied',
      'interest_arrears_on_bs',
      'interest_arrears_off_bs',
      'amount_to_cure',
      // the DPD and overdue amounts the amount to cure counts, under the accrual rules' allocation
      'accrual_dpd',
      'accrual_overdue_principal',
      'accrual_overdue_interest',
    ]);
    expect(dpd.length - 1).toBeGreaterThan(4000);
    expect(existsSync(join(work, 'out/reports/management-2024-06-zh-CN/report.pdf'))).toBe(true);
    expect(existsSync(join(work, 'out/reports/regulatory-2024-06-en/provision-coverage.png'))).toBe(true);
  }, 1_600_000);
});
