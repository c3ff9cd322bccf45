import { describe, expect, it } from 'vitest';
import { languages } from '../../../../reports/i18n.ts';
import type { Html } from '../../../../api/console/layout.ts';
import { loanBody, type OutcomeForm } from '../../../../api/console/loan-page.ts';
import { changeSection } from '../../../../api/console/action-change-form.ts';
import { faultedFields } from '../../../../api/console/field-faults.ts';
import { aLoanView, loanOptions } from './loan-view-fixture.ts';

const rendered = async (h: Html): Promise<string> => (await h).toString();

/** the form fields of the outcome form, first to last */
const fields = ['action_date', 'action_time', 'channel', 'outcome', 'promised_amount', 'promised_date', 'note'];

/** a field's opening tag by its name */
const tagOf = (page: string, name: string) =>
  new RegExp(`<(input|select|textarea)\\b[^>]*\\bname="${name}"[^>]*>`, 'u').exec(page)?.[0] ?? '';

const refusedForm = (technical: string): OutcomeForm => ({
  ...loanOptions.form,
  error: 'Promised amount: cannot be negative',
  technical,
});

describe('a refused form marks the fields at fault and takes the focus to its error', () => {
  it('reads the fields a refusal names from its technical detail', () => {
    expect([...faultedFields('promised_amount: must not be negative')]).toEqual(['promised_amount']);
    expect([...faultedFields('action_date: not a date; note: too long; promised_date: before the action')]).toEqual([
      'action_date',
      'note',
      'promised_date',
    ]);
    expect(faultedFields('the action changed since the form was opened').size).toBe(0);
    expect(faultedFields(undefined).size).toBe(0);
  });

  it('the record form: the first, a middle and the last field, one or several at once, en and zh', async () => {
    const cases = [['action_date'], ['outcome'], ['note'], ['action_time', 'promised_amount'], fields];
    for (const lang of languages)
      for (const faulted of cases) {
        const technical = faulted.map((f) => `${f}: not valid`).join('; ');
        const page = await rendered(
          loanBody(aLoanView(), { ...loanOptions, lang, canRecord: true, form: refusedForm(technical) }),
        );
        expect(page).toMatch(/<p class="error" role="alert" id="form-error" tabindex="-1" autofocus>/u);
        for (const name of fields) {
          const tag = tagOf(page, name);
          expect(tag, name).not.toBe('');
          if (faulted.includes(name)) {
            expect(tag, `${lang} ${name}`).toContain('aria-invalid="true"');
            expect(tag, `${lang} ${name}`).toMatch(/aria-describedby="form-error\b/u);
          } else {
            expect(tag, `${lang} ${name}`).not.toContain('aria-invalid');
            expect(tag, `${lang} ${name}`).not.toContain('form-error');
          }
        }
        // the date and time keep their own hint beside the error
        expect(tagOf(page, 'action_date')).toContain('contact-date-hint');
        expect(tagOf(page, 'action_time')).toContain('contact-date-hint');
      }
  });

  it('a form that is not refused marks nothing and takes no focus; a refusal naming no field marks none', async () => {
    for (const form of [loanOptions.form, refusedForm('the action changed since')]) {
      const page = await rendered(loanBody(aLoanView(), { ...loanOptions, lang: 'en', canRecord: true, form }));
      expect(page).not.toContain('aria-invalid');
      for (const name of fields) expect(tagOf(page, name)).not.toContain('form-error');
    }
    const fresh = await rendered(loanBody(aLoanView(), { ...loanOptions, lang: 'en', canRecord: true }));
    expect(fresh).not.toContain('autofocus');
  });

  it('the correction and withdrawal forms, the reason included', async () => {
    const base = { loanId: 'L000001', asOf: '2024-06-30', csrf: 'x', today: '2024-06-30', origination: '2022-01-10' };
    for (const lang of languages) {
      for (const faulted of [['action_date'], ['promised_amount'], ['reason'], ['outcome', 'reason']]) {
        const page = await rendered(
          changeSection(
            {
              kind: 'correct',
              action_id: 'a1',
              values: loanOptions.form,
              reason: '',
              version: 'v1',
              error: 'x',
              technical: faulted.map((f) => `${f}: not valid`).join('; '),
            },
            { ...base, lang },
          ),
        );
        expect(page).toMatch(/<p class="error" role="alert" id="change-error" tabindex="-1" autofocus>/u);
        for (const name of [...fields, 'reason']) {
          const tag = tagOf(page, name);
          expect(tag.includes('aria-invalid="true"'), `${lang} ${name}`).toBe(faulted.includes(name));
          expect(/aria-describedby="change-error\b/u.test(tag), `${lang} ${name}`).toBe(faulted.includes(name));
        }
      }
      const withdraw = await rendered(
        changeSection(
          {
            kind: 'withdraw',
            action_id: 'a1',
            values: loanOptions.form,
            reason: ' ',
            version: 'v1',
            error: 'x',
            technical: 'reason: give a reason',
          },
          { ...base, lang },
        ),
      );
      expect(tagOf(withdraw, 'reason')).toMatch(/aria-invalid="true" aria-describedby="change-error change-hint"/u);
      expect(withdraw).toContain('id="change-error" tabindex="-1" autofocus');
    }
  });
});
