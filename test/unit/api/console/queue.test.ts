import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Case } from '../../../../pipelines/cases/case-list.ts';
import type { Html } from '../../../../api/console/layout.ts';
import {
  arrange,
  queueBody,
  queuePage,
  queuePageSize,
  queueQuery,
  unknownQueueFilters,
} from '../../../../api/console/queue.ts';

/** random cases of a queue: ranks 1…n, amounts, days and promises drawn from a seeded generator */
function cases(rng: Rng, n: number): Case[] {
  return Array.from({ length: n }, (_, i) => ({
    rank: i + 1,
    loan_id: `L${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    region: 'east',
    product: 'consumer',
    team: '',
    placed_with: '',
    stage: 'early',
    dpd: rng.int(0, 5) * 10,
    bucket: 'M1',
    balance: rng.int(1, 20) * 1000,
    probability: rng.next(),
    probability_source: 'model',
    model: null,
    expected_loss: rng.int(0, 50) * 100,
    grade: 'C',
    reasons: [],
    action: 'sms_reminder',
    last_contacts: [],
    amount_to_cure: rng.chance(0.1) ? null : rng.int(100, 99_999) / 100,
    charges_owed: null,
    open_promises: rng.chance(0.3) ? [{ date: '2024-07-01', amount: rng.int(1, 9) * 100 }] : [],
  }));
}

describe('the queue: sorted by any column either way, ties by rank; filtered by loan id text', () => {
  it('holds for random queues and every sort', () => {
    const rng = new Rng(7);
    for (let round = 0; round < 30; round++) {
      const all = cases(rng, rng.int(0, 60));
      for (const sort of ['rank', 'dpd', 'balance', 'expected_loss', 'probability', 'promised'] as const)
        for (const dir of ['asc', 'desc', undefined] as const) {
          const q = queueQuery.parse({ sort, ...(dir ? { dir } : {}) });
          const out = arrange(all, q);
          expect(out.map((c) => c.rank).sort((a, b) => a - b)).toEqual(all.map((c) => c.rank));
          const value = (c: Case) =>
            sort === 'promised' ? c.open_promises.reduce((s, p) => s + p.amount, 0) : c[sort];
          const effective = dir ?? (sort === 'rank' ? 'asc' : 'desc');
          for (let i = 1; i < out.length; i++) {
            const [a, b] = [out[i - 1]!, out[i]!];
            const d = effective === 'asc' ? value(b) - value(a) : value(a) - value(b);
            expect(d).toBeGreaterThanOrEqual(0);
            if (d === 0) expect(a.rank).toBeLessThan(b.rank);
          }
        }
      const needle = all[0]?.loan_id.slice(2, 5);
      if (needle) {
        const found = arrange(all, queueQuery.parse({ loan: needle.toLowerCase() }));
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((c) => c.loan_id.toLowerCase().includes(needle.toLowerCase()))).toBe(true);
        expect(found.length).toBe(all.filter((c) => c.loan_id.includes(needle)).length);
      }
    }
  });

  it('blank filters from the form are no filters; a bad sort or date is refused', () => {
    expect(queueQuery.parse({ stage: '', product: '', loan: '', as_of: '' })).toMatchObject({
      stage: undefined,
      product: undefined,
      loan: undefined,
      as_of: undefined,
      sort: 'rank',
    });
    expect(queueQuery.safeParse({ sort: 'region' }).success).toBe(false);
    expect(queueQuery.safeParse({ as_of: '2024-6-1' }).success).toBe(false);
    // a day no calendar has (the page was titled with it and showed the next real day's figures), or past the engine's range
    for (const bad of ['2024-06-31', '2024-02-30', '2023-02-29', '2024-13-01', '2150-01-01', '1969-12-31'])
      expect(queueQuery.safeParse({ as_of: bad }).success, bad).toBe(false);
    for (const good of ['2024-02-29', '2024-06-30']) expect(queueQuery.parse({ as_of: good }).as_of).toBe(good);
  });

  it('a product or region the book does not hold is refused by its field, as a bad stage is; a known one or none passes', () => {
    const known = { product: ['consumer', 'mortgage', ''], region: ['east', 'south'] };
    const fields = (query: Record<string, string>) =>
      unknownQueueFilters(queueQuery.parse(query), known).map((i) => i.path.join('.'));
    expect(fields({ product: 'bogus' })).toEqual(['product']);
    expect(fields({ product: 'Consumer', region: 'north' })).toEqual(['product', 'region']);
    expect(fields({ product: 'mortgage', region: 'east' })).toEqual([]);
    expect(fields({ product: '', region: '' })).toEqual([]);
    expect(fields({})).toEqual([]);
    // a book without loans yet holds no values to check against
    expect(unknownQueueFilters(queueQuery.parse({ product: 'x' }), { product: [], region: [] })).toEqual([]);
  });
});

/** a page body as its text (hono's html is a string, or a promise of one where it holds one) */
const rendered = async (h: Html): Promise<string> => (await h).toString();

describe('the queue in pages', () => {
  it('every case on exactly one page, in order, for any length; a page past the last shows the last', () => {
    const rng = new Rng(11);
    for (const n of [
      0,
      1,
      queuePageSize - 1,
      queuePageSize,
      queuePageSize + 1,
      2 * queuePageSize + 37,
      rng.int(0, 900),
    ]) {
      const all = cases(rng, n);
      const first = queuePage(all, 1);
      expect(first.pages).toBe(Math.max(1, Math.ceil(n / queuePageSize)));
      const seen = Array.from({ length: first.pages }, (_, i) => queuePage(all, i + 1).rows).flat();
      expect(seen).toEqual(all);
      const past = queuePage(all, first.pages + 5);
      expect(past.page).toBe(first.pages);
      expect(past.rows).toEqual(queuePage(all, first.pages).rows);
      expect(queuePage(all, 0).page).toBe(1);
    }
  });

  it('a page number from the URL: blank is the first, not a number is refused', () => {
    expect(queueQuery.parse({}).page).toBe(1);
    expect(queueQuery.parse({ page: '' }).page).toBe(1);
    expect(queueQuery.parse({ page: '3' }).page).toBe(3);
    expect(queueQuery.parse({ page: '0' }).page).toBe(1);
    for (const bad of ['-1', '1.5', 'x', '9999999'])
      expect(queueQuery.safeParse({ page: bad }).success, bad).toBe(false);
  });

  it('shows where a page stands and links the pages before and after, the filters and sort kept', async () => {
    const all = cases(new Rng(3), 2 * queuePageSize + 37);
    const q = queueQuery.parse({ stage: 'early', sort: 'dpd', dir: 'asc', page: '2' });
    const { rows, ...paging } = queuePage(all, q.page);
    const days = { first: '2023-12-31', last: '2024-06-30' };
    const page = await rendered(
      queueBody(
        { cases: rows, total: all.length, paging, asOf: '2024-06-30', q, products: [], scope: 'all', days },
        'en',
      ),
    );
    expect(page).toContain(`${queuePageSize + 1}–${2 * queuePageSize} of ${all.length}`);
    expect(page).toContain('rel="prev" href="/console/queue?stage=early&amp;sort=dpd&amp;dir=asc"');
    expect(page).toContain('rel="next" href="/console/queue?stage=early&amp;sort=dpd&amp;dir=asc&amp;page=3"');
    expect([...page.matchAll(/<tr data-loan=/gu)]).toHaveLength(queuePageSize);
    // a new sort starts at the first page
    expect(page).not.toMatch(/sort=rank[^"]*page=/u);
    const zh = await rendered(
      queueBody(
        { cases: rows, total: all.length, paging, asOf: '2024-06-30', q, products: [], scope: '全部', days },
        'zh-CN',
      ),
    );
    expect(zh).toContain(`第 ${queuePageSize + 1}–${2 * queuePageSize} 条，共 ${all.length} 条`);
  });

  it("takes the API's loan_id as the loan filter, where it was ignored and the whole queue shown", () => {
    expect(queueQuery.parse({ loan_id: 'L0001' }).loan).toBe('L0001');
    expect(queueQuery.parse({ loan_id: 'L0001', loan: 'L0002' }).loan).toBe('L0002');
    expect(queueQuery.parse({ loan_id: '' }).loan).toBeUndefined();
    expect(queueQuery.parse({ loan_id: 'L0001' })).not.toHaveProperty('loan_id');
    expect(queueQuery.safeParse({ loan_id: 'x'.repeat(65) }).success).toBe(false);
  });
});
