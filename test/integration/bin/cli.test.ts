import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliHarness } from '../../helpers/cli.ts';

describe('loanwatch CLI', () => {
  const { dir, out, err, run } = cliHarness('cli');

  it('rejects unknown commands, unknown flags and bad flag values with exit code 2 and a clear message', async () => {
    expect(await run('frobnicate')).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command: frobnicate/);
    expect(await run('generate', '--colour', 'red')).toBe(2);
    expect(err.join('\n')).toMatch(/Unknown option '--colour'/);
    expect(await run('generate', '--loans', 'many')).toBe(2);
    expect(err.join('\n')).toMatch(/--loans/);
    expect(await run('snapshot', '--as-of', '30/06/2024')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of: YYYY-MM-DD/);
    expect(await run('snapshot', '--as-of', '2024-13-45')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of: YYYY-MM-DD/);
    expect(await run('cases', '--as-of', '2024-06-15', '--stage', 'soon')).toBe(2);
    expect(err.join('\n')).toMatch(/--stage.0: Invalid option/);
    expect(await run('cases')).toBe(2);
    expect(err.join('\n')).toMatch(/--as-of/);
    expect(await run('ingest')).toBe(2);
    expect(err.join('\n')).toMatch(/name at least one file or directory/);
    expect(await run('ingest', '/no/such/path')).toBe(2);
    expect(err.join('\n')).toMatch(/no such file or directory/);
  });

  it('fails fast on a bad environment', async () => {
    process.env.LOANWATCH_GRACE_DAYS = '-3';
    try {
      expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(2);
      expect(err.join('\n')).toMatch(/LOANWATCH_GRACE_DAYS/);
    } finally {
      delete process.env.LOANWATCH_GRACE_DAYS;
    }
  });

  it('generate → ingest → snapshot → dpd', async () => {
    const book = join(dir, 'book');
    expect(await run('generate', '--out', book, '--loans', '300', '--months', '18', '--seed', '4', '--bad-rows', '0.01')).toBe(0);
    expect(JSON.parse(out.join('\n')).rows.loans).toBeGreaterThanOrEqual(300);
    expect(await run('ingest', book)).toBe(0);
    const ingestOut = JSON.parse(out.join('\n'));
    for (const r of ingestOut.receipts) expect(r.rows_read).toBe(r.rows_accepted + r.rows_quarantined);
    expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ lastMonthEnd: '2024-06-30' });
    expect(await run('dpd', '--as-of', '2024-06-15', '--format', 'json')).toBe(0);
    const rows = JSON.parse(out.join('\n'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ as_of: '2024-06-15' });

    expect(await run('metrics', 'overdue', '--format', 'csv', '--from', '2024-01-31')).toBe(0);
    const lines = out.join('\n').trim().split('\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['month_end', 'outstanding', 'm1plus']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30']);
    expect(await run('metrics', 'roll_rate', '--format', 'json', '--basis', 'count')).toBe(0);
    expect(JSON.parse(out.join('\n')).columns.find((c: { name: string }) => c.name === 'flow_share').denominator).toBe('loans in from_bucket at t');
    expect(await run('metrics', 'forecast', '--months', '3', '--format', 'json')).toBe(0);
    expect(JSON.parse(out.join('\n')).months).toHaveLength(3);
  });

  it('metrics: unknown names and bad filters are refused with exit code 2', async () => {
    expect(await run('metrics', 'happiness')).toBe(2);
    expect(err.join('\n')).toMatch(/unknown metric happiness; known: overdue/);
    expect(await run('metrics', 'overdue', '--from', 'yesterday')).toBe(2);
    expect(err.join('\n')).toMatch(/from: a date YYYY-MM-DD/);
    expect(await run('metrics', 'vintage', '--group-by', 'product')).toBe(2);
    expect(err.join('\n')).toMatch(/cannot be grouped by product/);
  });
});
