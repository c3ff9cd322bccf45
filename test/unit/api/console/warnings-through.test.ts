import { describe, expect, it } from 'vitest';
import { languages } from '../../../../reports/i18n.ts';
import { loanBody } from '../../../../api/console/loan-page.ts';
import { aLoanView, loanOptions } from './loan-view-fixture.ts';

/** the loan page's line under its warnings, tags stripped */
const throughLine = async (through: string | null, lang: (typeof languages)[number]) => {
  const page = (await loanBody(aLoanView({ warnings_through: through }), { ...loanOptions, lang })).toString();
  const m = /<p class="note" id="warnings-through">([\s\S]*?)<\/p>/u.exec(page);
  return m?.[1]!.replace(/\s+/gu, ' ').trim() ?? null;
};

// an empty warnings table read "none" both when the rules fired nothing and when they never ran
describe('the loan page says whether its warnings were computed', () => {
  it('never run up to the date, run for the date, last run before it: three different lines in each language', async () => {
    for (const lang of languages) {
      const never = await throughLine(null, lang);
      const today = await throughLine(loanOptions.asOf, lang);
      const before = await throughLine('2024-05-31', lang);
      expect(never).toContain('loanwatch warnings --as-of 2024-06-30');
      expect(today).toContain('2024-06-30');
      expect(before).toContain('2024-05-31');
      expect(before).toContain('2024-06-30');
      expect(new Set([never, today, before]).size).toBe(3);
    }
  });
});
