import { describe, expect, it } from 'vitest';
import { loanBody } from '../../../../api/console/loan-page.ts';
import type { Html } from '../../../../api/console/layout.ts';
import { aCase, aLoanView, loanOptions, queuePage } from './loan-view-fixture.ts';

const rendered = async (h: Html): Promise<string> => (await h).toString();
const row = (page: string, id: string) =>
  new RegExp(`<tr data-loan="${id}">([\\s\\S]*?)</tr>`, 'u').exec(page)?.[1] ?? '';

describe('a case an agency works says so beside its in-house action', () => {
  for (const [lang, words] of [
    ['en', ['Placed with agency: AG04', 'for reference only']],
    ['zh-CN', ['已委外: AG04', '仅供参考']],
  ] as const)
    it(`${lang}: in the queue row and on the loan page; a case in house says nothing of it`, async () => {
      const placed = aCase({ loan_id: 'L-PLACED', placed_with: 'AG04', action: 'legal_action' });
      const inHouse = aCase({ loan_id: 'L-HOUSE', placed_with: '' });
      const page = await queuePage([placed, inHouse], lang);
      for (const w of words) expect(row(page, 'L-PLACED')).toContain(w);
      expect(row(page, 'L-HOUSE')).not.toContain(words[0].slice(0, 4));
      const loan = await rendered(loanBody(aLoanView({ case: placed }), { ...loanOptions, lang }));
      const action = /<dd id="case-action">([\s\S]*?)<\/dd>/u.exec(loan)?.[1] ?? '';
      for (const w of words) expect(action).toContain(w);
      const house = await rendered(loanBody(aLoanView({ case: inHouse }), { ...loanOptions, lang }));
      expect(/<dd id="case-action">([\s\S]*?)<\/dd>/u.exec(house)?.[1]).not.toContain(words[0].slice(0, 4));
    });
});
