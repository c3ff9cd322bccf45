import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../bin/main.ts';
import type { Output } from '../../../bin/cli/output.ts';
import { seedDataDir } from '../../helpers/cli.ts';
import { tmpDir } from '../../helpers/warehouse.ts';

/** A small book: 3 customers, 3 loans, payments with a bad row first, in the middle and last. */
function book(dir: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'customers.csv'), 'customer_id,region\nC1,east\nC2,west\nC3,north\n');
  writeFileSync(
    join(dir, 'loans.csv'),
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\n' +
      'L1,C1,cash,2024-01-10,1200.00,0.12,12\nL2,C2,cash,2024-01-15,2400.00,0.10,24\nL3,C3,auto,2024-02-01,6000.00,0.08,36\n',
  );
  writeFileSync(
    join(dir, 'payments.csv'),
    'payment_id,loan_id,paid_date,amount\n' +
      'P0,L9,2024-02-10,10.00\nP1,L1,2024-02-10,106.62\nP2,L2,2024-02-15,110.75\nPX,L1,2024-13-01,5.00\n' +
      'P3,L3,2024-03-01,271.37\nP4,L1,2024-03-10,106.62\nPY,L2,2024-03-15,-1\n',
  );
}

interface Run {
  code: number;
  err: string[];
  text: string;
}

describe('Ctrl-C during ingest or snapshot: one line, exit 130, and the warehouse ends as one clean run once run again', () => {
  const dir = tmpDir('interrupt');
  const files = join(dir, 'book');
  book(files);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** main() on a data directory; Ctrl-C (as the signal arrives) when a log line matches `at` */
  async function run(data: string, argv: string[], at?: RegExp, times = 1): Promise<Run & { exits: number[] }> {
    process.env.LOANWATCH_DATA_DIR = data;
    if (!existsSync(data)) await seedDataDir(data);
    const err: string[] = [];
    const exits: number[] = [];
    let text = '';
    let sent = 0;
    const out: Output = {
      line: (s) => {
        text += `${s}\n`;
      },
      write: (s) => {
        text += s;
        return Promise.resolve();
      },
    };
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      const line = a.join(' ');
      err.push(line);
      if (at && sent < times && at.test(line)) {
        sent = times;
        for (let i = 0; i < times; i++) process.emit('SIGINT');
      }
    });
    const code = await main(argv, out, { exit: (c) => exits.push(c) });
    vi.restoreAllMocks();
    return { code, err, text, exits };
  }

  const state = async (data: string) => {
    const counts: Record<string, string> = {};
    for (const [name, argv] of [
      ['quarantine', ['quarantine', '--format', 'csv']],
      ['dpd', ['dpd', '--as-of', '2024-03-10', '--format', 'csv']],
    ] as const) {
      const r = await run(data, [...argv]);
      expect(r.code, `${name}: ${r.err.join('\n')}`).toBe(0);
      // the quarantine without the run's id and the time it was written: a rerun keeps the first run's rows
      counts[name] = r.text
        .split('\n')
        .map((l) => l.replace(/,[0-9a-f-]{36},/u, ',').replace(/,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?=,|$)/u, ''))
        .sort()
        .join('\n');
    }
    return counts;
  };

  // the uninterrupted run's end state, which every stopped-and-rerun ingest below must reach: the
  // same files give the same state, so it is computed once rather than once per case
  let cleanState: Record<string, string>;
  beforeAll(async () => {
    const clean = join(dir, 'clean');
    expect((await run(clean, ['ingest', files])).code).toBe(0);
    cleanState = await state(clean);
  });

  it.each([
    ['after the first file', /^receipt customers /u],
    ['in the middle of a file (loans staged)', /^loans .*: staged/u],
    ['while quarantining', /^payments .*: checked/u],
  ])('%s', async (_, at) => {
    const stopped = join(dir, `stopped-${Math.random().toString(36).slice(2)}`);
    const r = await run(stopped, ['ingest', files], at);
    expect(r.code).toBe(130);
    expect(r.exits).toEqual([]);
    const said = r.err.filter((l) => l.startsWith('loanwatch:'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^loanwatch: interrupted — .*run the same ingest again/u);
    expect(r.err.join('\n')).not.toMatch(/internal error|fault in loanwatch/u);
    // no receipt JSON: the run did not finish
    expect(r.text).toBe('');

    const again = await run(stopped, ['ingest', files]);
    expect(again.code, again.err.join('\n')).toBe(0);
    expect(await state(stopped)).toEqual(cleanState);
  });

  it.each([['after the loan-months, before the derived facts', /^snapshot pass 1\/1/u]])(
    'a snapshot stopped %s, run again, ends as an uninterrupted one',
    async (_, at) => {
      // the clean run's warehouse above (its state already read): the same files ingested once, uninterrupted
      const clean = join(dir, 'clean');
      const stopped = join(dir, `snap-stopped-${Math.random().toString(36).slice(2)}`);
      // the book's files end on 2024-03-10: the month-ends before it (March's waits for its files)
      const snapshot = ['snapshot', '--as-of', '2024-03-10'];
      const dpd = ['dpd', '--as-of', '2024-03-10', '--format', 'csv'];
      expect((await run(stopped, ['ingest', files])).code).toBe(0);
      expect((await run(clean, snapshot)).code).toBe(0);

      const r = await run(stopped, snapshot, at);
      expect(r.code).toBe(130);
      const said = r.err.filter((l) => l.startsWith('loanwatch:'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^loanwatch: interrupted — .*run the snapshot again/u);
      expect((await run(stopped, snapshot)).code).toBe(0);
      const [a, b] = [await run(stopped, dpd), await run(clean, dpd)];
      expect(a.code).toBe(0);
      expect(a.text).toBe(b.text);
      expect(a.text.split('\n').length).toBeGreaterThan(2);
    },
  );

  it('a second Ctrl-C exits at once', async () => {
    const r = await run(join(dir, 'twice'), ['ingest', files], /^loans .*: staged/u, 2);
    expect(r.exits).toEqual([130]);
    expect(r.err.filter((l) => l.startsWith('loanwatch:'))).toHaveLength(1);
    // (main itself would have ended by then: here the test's exit only records the code)
    expect(r.code).toBe(130);
  });
});
