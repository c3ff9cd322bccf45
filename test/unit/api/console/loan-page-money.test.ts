import { describe, expect, it } from 'vitest';
import { loanBody } from '../../../../api/console/loan-page.ts';
import type { Html } from '../../../../api/console/layout.ts';
import { amount } from '../../../../api/console/i18n.ts';
import { aCase, aLoanView, loanOptions } from './loan-view-fixture.ts';

const rendered = async (h: Html): Promise<string> => (await h).toString();

describe("the loan page's case: the figures a collector quotes on the call", () => {
  for (const lang of ['en', 'zh-CN'] as const)
    it(`${lang}: balance, amount to cure (with its charges) and expected loss in full, never 万 or K`, async () => {
      const c = aCase({ balance: 214_982.37, amount_to_cure: 109_172, charges_owed: 750.24, expected_loss: 86_264.5 });
      const page = await rendered(loanBody(aLoanView({ case: c }), { ...loanOptions, lang }));
      const block = /<dl id="case">([\s\S]*?)<\/dl>/u.exec(page)?.[1] ?? '';
      for (const x of [214_982.37, 109_172, 750.24, 86_264.5]) expect(block).toContain(amount(x));
      expect(/<dd id="case-cure">([\s\S]*?)<\/dd>/u.exec(block)?.[1]).toContain(amount(109_172));
      expect(block).not.toMatch(/\d(万|K\b|M\b)/u);
      const unknown = await rendered(
        loanBody(aLoanView({ case: aCase({ amount_to_cure: null }) }), { ...loanOptions, lang }),
      );
      expect(/<dd id="case-cure">\s*—/u.test(unknown)).toBe(true);
    });
});

describe("the loan page's contacts: only the note wraps", () => {
  it('every cell of a contact but the note, the source and the change links keeps to one line (day or num)', async () => {
    const page = await rendered(loanBody(aLoanView(), { ...loanOptions, lang: 'zh-CN' }));
    const row = /<tr data-action="[^"]+">([\s\S]*?)<\/tr>/u.exec(page)?.[1] ?? '';
    const cells = [...row.matchAll(/<td( class="([^"]*)")?>/gu)].map((m) => m[2] ?? '');
    expect(cells.slice(0, 5)).toEqual(['day', 'day', 'day', 'num', 'day']);
    expect(cells[6]).toBe('free-text');
  });
});
