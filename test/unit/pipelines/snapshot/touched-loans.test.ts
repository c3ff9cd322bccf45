import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import {
  planRefresh,
  rowCountKey,
  unseenRowCounts,
  type RowCount,
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

const count = (ingest_id: string, rows: number, entity = 'payments') => ({ ingest_id, entity, rows });

interface Row {
  id: string;
  entity: string;
  at: number;
}

describe('unseenRowCounts', () => {
  it('takes the ingest runs with a row count per table that no completed run saw', () => {
    const seen = new Set([
      rowCountKey(count('A', 10)),
      rowCountKey(count('B', 7)),
      rowCountKey(count('A', 3, 'loans')),
    ]);
    expect(unseenRowCounts({ rowCounts: [count('A', 10), count('B', 7), count('A', 3, 'loans')], seen })).toEqual({
      unseen: [],
      ingestIds: [],
    });
    // A: more rows since (a later file, one loading now, or one killed half way); C: new
    const r = unseenRowCounts({ rowCounts: [count('A', 15), count('B', 7), count('C', 2, 'loans')], seen });
    expect(r.ingestIds).toEqual(['A', 'C']);
    expect(r.unseen).toEqual([rowCountKey(count('A', 15)), rowCountKey(count('C', 2, 'loans'))].sort());
    // the same count in another table is another key
    expect(unseenRowCounts({ rowCounts: [count('B', 7, 'loans')], seen }).ingestIds).toEqual(['B']);
  });

  /**
   * Random timelines of ingests (files loaded one after another, each a few rows committed one by
   * one; some runs killed half way, some files loaded again by a later run, which adds nothing already
   * present) and snapshot runs (counting what they see at their start; some killed, recording
   * nothing): once every ingest has ended, a last run leaves every row's loan refreshed by a run that
   * started after the row was committed — the condition for the refresh to equal a full rebuild — and
   * a run after that one refreshes nothing.
   */
  it('every committed row is covered by a run that started after it, whatever the interleaving', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const committed: Row[] = [];
      let clock = 0;
      for (let i = 0; i < rng.int(1, 5); i++) {
        for (let f = 0; f < rng.int(1, 3); f++) {
          const entity = rng.next() < 0.5 ? 'payments' : 'loans';
          for (let k = 0; k < rng.int(1, 4); k++) committed.push({ id: `I${i}`, entity, at: (clock += rng.int(1, 3)) });
          if (rng.next() < 0.15) break; // killed half way: no later file of this run either
        }
      }
      const end = clock + 1;
      const covered = new Set<Row>();
      const seen = new Set<string>();
      const runAt = (start: number, record: boolean) => {
        const visible = committed.filter((r) => r.at < start);
        const counts = new Map<string, RowCount>();
        for (const r of visible) {
          const c = counts.get(`${r.id}|${r.entity}`) ?? count(r.id, 0, r.entity);
          c.rows++;
          counts.set(`${r.id}|${r.entity}`, c);
        }
        const t = unseenRowCounts({ rowCounts: [...counts.values()], seen });
        if (!record) return t;
        for (const r of visible) if (t.ingestIds.includes(r.id)) covered.add(r);
        for (const key of t.unseen) seen.add(key);
        return t;
      };
      const starts = [...Array.from({ length: rng.int(1, 8) }, () => rng.int(0, end)), end].sort((a, b) => a - b);
      for (const [k, start] of starts.entries()) runAt(start, k === starts.length - 1 || rng.next() >= 0.2);
      expect({ seed, missed: committed.filter((r) => !covered.has(r)) }).toEqual({ seed, missed: [] });
      expect(runAt(end + 1, true).ingestIds).toEqual([]);
    }
  });
});
