import { describe, expect, it } from 'vitest';
import { languages } from '../../../../reports/i18n.ts';
import { roles } from '../../../../api/auth/permissions.ts';
import { stages } from '../../../../pipelines/cases/strategy.ts';
import type { Html } from '../../../../api/console/layout.ts';
import { actionSourceNames, paymentChannelNames, roleNames, stageNames } from '../../../../api/console/code-labels.ts';
import { usersBody, blankUserForm } from '../../../../api/console/users-page.ts';
import { auditBody } from '../../../../api/console/audit-page.ts';
import { loanBody } from '../../../../api/console/loan-page.ts';
import type { ConsoleUser } from '../../../../api/auth/users.ts';
import { aCase, aLoanView, anAction, loanOptions, queuePage } from './loan-view-fixture.ts';

const rendered = async (h: Html): Promise<string> => (await h).toString();

/** the texts of the cells (td/th) and options of a page, tags stripped, blanks trimmed */
const cellTexts = (page: string): string[] =>
  [...page.matchAll(/<(td|th|option)\b[^>]*>([\s\S]*?)<\/\1>/gu)].map((m) =>
    m[2]!
      .replace(/<[^>]+>/gu, ' ')
      .replace(/\s+/gu, ' ')
      .trim(),
  );

const aUser = (name: string, role: ConsoleUser['role']): ConsoleUser => ({
  user_id: name,
  name,
  role,
  region: role === 'collector' ? 'east' : null,
  team: null,
  created_at: '2024-06-01T10:00:00',
  created_by: 'admin',
  disabled_at: null,
  disabled_by: null,
  disable_reason: null,
});

describe('every code of each list is shown by its words, in both languages', () => {
  it('the tables cover each list and differ from the code in each language', () => {
    for (const [table, codes] of [
      [roleNames, roles],
      [stageNames, stages],
      [actionSourceNames, ['file', 'console', 'api']],
      [paymentChannelNames, ['auto_debit', 'app', 'bank_transfer', 'counter']],
    ] as const)
      for (const code of codes)
        for (const lang of languages) {
          const words = table[code]?.[lang];
          expect(words, `${code} ${lang}`).toBeTruthy();
          expect(words, `${code} ${lang}`).not.toBe(code);
        }
  });

  it("the users page: the role select and every user's role cell", async () => {
    for (const lang of languages) {
      const page = await rendered(
        usersBody(
          {
            users: roles.map((r, i) => aUser(`u${i}`, r)),
            regions: ['east'],
            teams: [],
            form: blankUserForm,
            csrf: 'x',
          },
          lang,
        ),
      );
      const cells = cellTexts(page);
      for (const r of roles) {
        expect(cells, `${lang} ${r}`).not.toContain(r);
        // the option and the user's row
        expect(cells.filter((x) => x === roleNames[r]![lang]).length, `${lang} ${r}`).toBe(2);
        expect(page).toContain(`<option value="${r}"`);
      }
    }
  });

  it("the audit page: each entry's role", async () => {
    for (const lang of languages) {
      const entries = roles.map((r, i) => ({
        at: `2024-06-0${i + 1} 10:00:00.000`,
        request_id: `r${i}`,
        client_request_id: '',
        key_id: `k${i}`,
        role: r,
        action: 'cases:read',
        target: '',
        outcome: 'ok' as const,
        details: '{}',
      }));
      const page = await rendered(
        auditBody(
          {
            entries,
            next: undefined,
            q: { actor: undefined, action: undefined, from: undefined, to: undefined, outcome: undefined },
            actions: [],
          },
          lang,
        ),
      );
      const cells = cellTexts(page);
      for (const r of roles) {
        expect(cells, `${lang} ${r}`).not.toContain(r);
        expect(cells, `${lang} ${r}`).toContain(roleNames[r]![lang]);
      }
    }
  });

  it('the queue: each stage in the stage column and the stage filter (first, middle and last rows)', async () => {
    for (const lang of languages) {
      const cases = stages.map((s, i) => aCase({ rank: i + 1, loan_id: `L${i}`, stage: s }));
      const page = await queuePage(cases, lang);

      const cells = cellTexts(page);
      for (const s of stages) {
        expect(cells, `${lang} ${s}`).not.toContain(s);
        // the option and the case's cell
        expect(cells.filter((x) => x === stageNames[s]![lang]).length, `${lang} ${s}`).toBe(2);
      }
    }
  });

  it("the loan page: each payment channel, each action source, the case's stage; a lender's own channel as stored", async () => {
    const channels = ['auto_debit', 'app', 'bank_transfer', 'counter', '网银代扣'];
    const sources = ['file', 'console', 'api'];
    for (const lang of languages)
      for (const stage of stages) {
        const v = aLoanView({
          payments: channels.map((channel, i) => ({ paid_date: `2024-0${i + 1}-05`, amount: 100, channel })),
          actions: sources.map((source, i) => anAction({ action_id: `a${i}`, source })),
          case: aCase({ stage }),
        });
        const page = await rendered(loanBody(v, { ...loanOptions, lang }));
        const cells = cellTexts(page);
        for (const c of channels.slice(0, 4)) {
          expect(cells, `${lang} ${c}`).not.toContain(c);
          expect(cells, `${lang} ${c}`).toContain(paymentChannelNames[c]![lang]);
        }
        expect(cells).toContain('网银代扣');
        for (const s of sources) {
          expect(
            cells.some((x) => x.split(' · ').includes(s)),
            `${lang} ${s}`,
          ).toBe(false);
          expect(
            cells.some((x) => x.startsWith(actionSourceNames[s]![lang])),
            `${lang} ${s}`,
          ).toBe(true);
        }
        expect(page).toContain(`<dd>${stageNames[stage]![lang]} · `);
      }
  });
});
