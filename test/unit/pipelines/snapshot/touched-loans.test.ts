import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import {
  planRefresh,
  receiptKey,
  unseenReceipts,
  type ReceiptKey,
} from '../../../../pipelines/snapshot/touched-loans.ts';

describe('planRefresh', () => {
  const last = { lastMonthEnd: '2024-06-30', fingerprint: 'f1' };
  const plan = (o: Partial<Parameters<typeof planRefresh>[0]>) =>
    planRefresh({ last, fingerprint: 'f1', asOf: '2024-07-02', full: false, ...o });

  it('rebuilds in full when asked, on the first run, without or with another fingerprint, and for an earlier month-end', () => {
    expect(plan({ full: true })).toMatchObject({ mode: 'full', reason: 'asked for (--full)' });
    expect(plan({ last: null })).toMatchObject({ mode: 'full', reason: 'first snapshot' });
    expect(plan({ last: { ...last, fingerprint: '' } })).toMatchObject({ mode: 'full' });
    expect(plan({ fingerprint: 'f2' })).toMatchObject({ mode: 'full' });
    expect(plan({ asOf: '2024-06-29' })).toMatchObject({ mode: 'full' });
    expect(plan({ asOf: '2024-05-31' })).toMatchObject({ mode: 'full' });
  });

  it('refreshes otherwise, closing a month when the as-of month-end passes the last run’s', () => {
    for (const [asOf, monthEnd, closed] of [
      ['2024-06-30', '2024-06-30', false],
      ['2024-07-01', '2024-06-30', false],
      ['2024-07-30', '2024-06-30', false],
      ['2024-07-31', '2024-07-31', true],
      ['2024-09-15', '2024-08-31', true],
    ] as const)
      expect(plan({ asOf })).toEqual({
        mode: 'refresh',
        previousMonthEnd: '2024-06-30',
        monthEnd,
        monthClosed: closed,
      });
  });
});

const receipt = (ingest_id: string, file: string, rows_inserted = 1): ReceiptKey => ({
  ingest_id,
  entity: 'payments',
  file,
  file_sha256: `sha-${file}`,
  started_at: '2024-07-01 08:00:00.000',
  rows_inserted,
});
const rows = (ingest_id: string, n: number) => ({ ingest_id, entity: 'payments', rows: n });

interface Row {
  id: string;
  at: number;
}

describe('unseenReceipts', () => {
  it('takes runs with an unseen receipt and rows no receipt accounts for, and nothing a completed run saw whole', () => {
    const a1 = receipt('A', 'a1.csv', 10);
    const a2 = receipt('A', 'a2.csv', 5);
    const b1 = receipt('B', 'b1.csv', 7);
    const seen = new Set([receiptKey(a1), receiptKey(b1)]);
    const r = unseenReceipts({
      receipts: [a1, a2, b1],
      seen,
      rowCounts: [rows('A', 15), rows('B', 7), rows('C', 3)],
    });
    expect(r.unseen).toEqual([receiptKey(a2)]);
    // A: a file finished since; C: rows without a receipt (loading now, or killed)
    expect(r.ingestIds).toEqual(['A', 'C']);
    expect(unseenReceipts({ receipts: [a1, b1], seen, rowCounts: [rows('A', 10), rows('B', 7)] }).ingestIds).toEqual(
      [],
    );
    // a later file of A being loaded (or killed) before its receipt: more rows than A's receipts say
    expect(unseenReceipts({ receipts: [a1, b1], seen, rowCounts: [rows('A', 12), rows('B', 7)] }).ingestIds).toEqual([
      'A',
    ]);
    // the same counts in another table do not account for these
    expect(
      unseenReceipts({ receipts: [a1], seen, rowCounts: [rows('A', 10), { ...rows('A', 1), entity: 'loans' }] })
        .ingestIds,
    ).toEqual(['A']);
  });

  it('the same file loaded again by another run is another receipt', () => {
    const first = receipt('A', 'day.csv');
    const again = receipt('B', 'day.csv', 0);
    const r = unseenReceipts({
      receipts: [first, again],
      seen: new Set([receiptKey(first)]),
      rowCounts: [rows('A', 1)],
    });
    expect(r.ingestIds).toEqual(['B']);
  });

  /**
   * Random timelines of ingests (files loaded one after another: rows committed, then the receipt,
   * or killed before it) and snapshot runs (what they see at their start; some killed, recording
   * nothing): once every ingest has ended, a last run leaves every row's loan refreshed by a run that
   * started after the row was committed — the condition for the refresh to equal a full rebuild.
   */
  it('every committed row is covered by a run that started after it, whatever the interleaving', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const committed: Row[] = [];
      const receipts: (ReceiptKey & { at: number })[] = [];
      let clock = 0;
      const ingests = rng.int(1, 5);
      for (let i = 0; i < ingests; i++) {
        const id = `I${i}`;
        const files = rng.int(1, 3);
        for (let f = 0; f < files; f++) {
          clock += rng.int(1, 5);
          committed.push({ id, at: clock });
          clock += rng.int(0, 3);
          if (rng.next() < 0.15) break; // killed before its receipt: no later file of this run either
          receipts.push({ ...receipt(id, `f${f}.csv`), at: clock });
        }
      }
      const end = clock + 1;
      const covered = new Set<Row>();
      const seen = new Set<string>();
      const starts = [...Array.from({ length: rng.int(1, 8) }, () => rng.int(0, end)), end].sort((a, b) => a - b);
      for (const [k, start] of starts.entries()) {
        const visibleRows = committed.filter((r) => r.at < start);
        const counts = new Map<string, number>();
        for (const r of visibleRows) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
        const t = unseenReceipts({
          receipts: receipts.filter((r) => r.at < start),
          seen,
          rowCounts: [...counts].map(([id, n]) => rows(id, n)),
        });
        if (k < starts.length - 1 && rng.next() < 0.2) continue; // killed: recorded nothing
        for (const r of visibleRows) if (t.ingestIds.includes(r.id)) covered.add(r);
        for (const key of t.unseen) seen.add(key);
      }
      expect({ seed, missed: committed.filter((r) => !covered.has(r)) }).toEqual({ seed, missed: [] });
    }
  });
});
