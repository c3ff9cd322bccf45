import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { languages } from '../../../../reports/i18n.ts';
import { t } from '../../../../api/console/i18n.ts';
import { aCase, queuePage } from './loan-view-fixture.ts';

/** each row's cells, tags kept, by column index */
const rows = (body: string): string[][] =>
  [...body.matchAll(/<tr data-loan="[^"]*">([\s\S]*?)<\/tr>/gu)].map((r) =>
    [...r[1]!.matchAll(/<(td|th)\b[^>]*>([\s\S]*?)<\/\1>/gu)].map((m) => m[2]!),
  );
const text = (cell: string) =>
  cell
    .replace(/<[^>]+>/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();

/** amounts from 1 to 30 million: below and above 1万 / 1K / 1M, where formatMoney changes unit */
function book(rng: Rng, n: number) {
  return Array.from({ length: n }, (_, i) =>
    aCase({
      rank: i + 1,
      loan_id: `L${i}`,
      balance: rng.int(100, 3_000_000_000) / 100,
      expected_loss: rng.int(100, 300_000_000) / 100,
      amount_to_cure: rng.int(100, 30_000_000) / 100,
      charges_owed: rng.chance(0.5) ? rng.int(1, 1_000_000) / 100 : null,
      open_promises: rng.chance(0.3) ? [{ date: '2024-07-01', amount: rng.int(100, 10_000_000) / 100 }] : [],
    }),
  );
}

describe('the queue: one unit per money column, the charges on the page', () => {
  it('balance and expected loss in full units, amount to cure and promises to the cent, on every row, any size', async () => {
    const rng = new Rng(11);
    for (const n of [1, 3, 40])
      for (const lang of languages) {
        const cases = book(rng, n);
        const body = await queuePage(cases, lang);
        const got = rows(body);
        expect(got.length).toBe(n);
        got.forEach((cells, i) => {
          const c = cases[i]!;
          expect(text(cells[4]!), `${lang} balance ${i}`).toBe(Math.round(c.balance).toLocaleString('en'));
          expect(text(cells[5]!), `${lang} expected loss ${i}`).toBe(Math.round(c.expected_loss).toLocaleString('en'));
          const cure = c.amount_to_cure!.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
          expect(text(cells[6]!).startsWith(cure), `${lang} cure ${i}`).toBe(true);
          for (const cell of [cells[4]!, cells[5]!, cells[6]!, cells[9]!])
            expect(cell).not.toMatch(/[万亿]|\d[KMB]\b/u);
        });
        expect(body).toContain('id="queue-units"');
      }
  });

  it('the charges owed are a visible second line of the amount to cure (not a tooltip), none when there are none', async () => {
    for (const lang of languages) {
      const cases = [
        aCase({ rank: 1, loan_id: 'A', amount_to_cure: 10_234.5, charges_owed: 1_234.56 }),
        aCase({ rank: 2, loan_id: 'B', amount_to_cure: 500, charges_owed: null }),
        aCase({ rank: 3, loan_id: 'C', amount_to_cure: null, charges_owed: null }),
        aCase({ rank: 4, loan_id: 'D', amount_to_cure: 80, charges_owed: 0 }),
        aCase({ rank: 5, loan_id: 'E', amount_to_cure: 133_000, charges_owed: 33_000.1 }),
      ];
      const body = await queuePage(cases, lang);
      const got = rows(body);
      expect(got[0]![6]).toContain(`<small class="charges">${t(lang, 'charges_owed')} 1,234.56</small>`);
      expect(text(got[1]![6]!)).toBe('500.00');
      expect(text(got[2]![6]!)).toBe('—');
      expect(text(got[3]![6]!)).toBe('80.00');
      expect(got[4]![6]).toContain(`${t(lang, 'charges_owed')} 33,000.10`);
      expect(body).not.toMatch(/<td[^>]*title="[^"]*(罚息|penalty)/u);
    }
  });

  it('on a phone: the loan id column stays in view while the rest scrolls, and the page says the table scrolls', async () => {
    // sticky at the box's left edge, over the page's background (no white box on the grey page), the header above the body's cells
    const css = readFileSync(new URL('../../../../api/console/assets/console.css', import.meta.url), 'utf8');
    expect(css).toMatch(
      /th\.sticky-col \{[^}]*position: sticky;[^}]*left: 0;[^}]*z-index: 1;[^}]*background: #f6f8fa;/u,
    );
    expect(css).toMatch(/thead th\.sticky-col \{[^}]*z-index: 2;/u);
    for (const lang of languages) {
      const body = await queuePage([aCase({ loan_id: 'A' }), aCase({ rank: 2, loan_id: 'B' })], lang);
      // the column's rules live in the stylesheet: no inline style for a strict style-src to block
      expect(body).toMatch(/<th scope="col" class="sticky-col">/u);
      expect([...body.matchAll(/<th scope="row" class="sticky-col">/gu)].length).toBe(2);
      expect(body).not.toMatch(/ style="/u);
      expect([...body.matchAll(/<a href="[^"]+">[AB]<\/a><br \/>\s*<small\s*>/gu)].length).toBe(2);
      expect(body).toMatch(/<p class="note scroll-hint" id="queue-scroll-hint">[^<]*→<\/p>/u);
      // the hint stands before the scrolling region; the region stays named and focusable
      expect(body.indexOf('queue-scroll-hint')).toBeLessThan(body.indexOf('class="table-scroll"'));
      expect(body).toMatch(/<div class="table-scroll" role="region" aria-label="[^"]+" tabindex="0">/u);
    }
  });
});
