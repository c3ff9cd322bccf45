import { html } from 'hono/html';
import { channelLabels } from '../../reports/i18n.ts';
import { amount, label, outcomeLabels, t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { technicalDetail } from './technical-detail.ts';
import { fieldLabel, withdrawalReasonHint } from './error-text.ts';
import { outcomeFields, type ChangeForm, type OutcomeForm } from './loan-page.ts';
import { errorFocus, faultedFields, fieldAria } from './field-faults.ts';
import type { StoredAction } from '../routes/collection-actions.ts';

/** The correction form's values of a stored action: what it holds, as the record form shows values. */
export const storedValues = (a: StoredAction): OutcomeForm => ({
  action_id: a.action_id,
  action_date: a.action_date,
  action_time: a.action_time,
  channel: a.channel,
  outcome: a.outcome,
  promised_amount: a.promised_amount === null ? '' : a.promised_amount.toFixed(2),
  promised_date: a.promised_date ?? '',
  note: a.note,
});

/** a reason of spaces alone passes a bare `required`: the browser asks for a character other than a space (a textarea has no pattern, hence one line) */
const nonBlank = '.*\\S.*';

/** the id of the banner saying what was saved, and the fragment of the redirect after a save */
export const savedBannerId = 'saved';

/** the id of the correction or withdrawal form's section, and its forms' fragment */
export const changeSectionId = 'change-section';

const base = (loanId: string) => `/console/loans/${encodeURIComponent(loanId)}`;
const query = (asOf: string) => `?as_of=${asOf}`;

/** The links of an action's row that open its correction or withdrawal form (the page, with ?correct= / ?withdraw=). */
export const changeLinks = (loanId: string, actionId: string, o: { asOf: string; lang: Lang }) =>
  html`<a href="${base(loanId)}${query(o.asOf)}&correct=${encodeURIComponent(actionId)}#change"
      >${t(o.lang, 'correct')}</a
    >
    ·
    <a href="${base(loanId)}${query(o.asOf)}&withdraw=${encodeURIComponent(actionId)}#change"
      >${t(o.lang, 'withdraw')}</a
    >`;

/** what a banner says of an action: its values in words */
export type ActionWords = Pick<
  StoredAction,
  'action_id' | 'action_date' | 'action_time' | 'channel' | 'outcome' | 'promised_amount' | 'promised_date'
>;

/**
 * A saved action in words — date and time, channel, outcome, a promise's amount and day — then its id
 * small at the end: a collector recognises his call by what it was, not by a UUID (the id stays for
 * support).
 */
export const actionInWords = (a: ActionWords, lang: Lang) => {
  const words = [
    `${a.action_date}${a.action_time ? ` ${a.action_time}` : ''}`,
    label(channelLabels, a.channel, lang),
    label(outcomeLabels, a.outcome, lang),
    ...(a.promised_amount === null ? [] : [`${amount(a.promised_amount)} @ ${a.promised_date ?? ''}`]),
  ].join(' · ');
  return html`${words} <small class="note action-id" title="${fieldLabel('action_id', lang)}">${a.action_id}</small>`;
};

/**
 * The values a refused stale correction carried, in words beside the form refilled with the stored
 * ones: the user compares the two and types again what still holds (nothing typed is lost).
 */
const unsavedValues = (v: OutcomeForm | undefined, lang: Lang) => {
  if (!v) return '';
  const words = [
    `${v.action_date}${v.action_time.trim() ? ` ${v.action_time.trim()}` : ''}`,
    label(channelLabels, v.channel, lang),
    label(outcomeLabels, v.outcome, lang),
    ...(v.promised_amount.trim() ? [`${v.promised_amount.trim()} @ ${v.promised_date}`] : []),
    ...(v.note.trim() ? [`“${v.note.trim()}”`] : []),
  ].join(' · ');
  return html`<p class="note" id="change-unsaved">
    ${t(lang, 'unsaved_values')}${lang === 'zh-CN' ? '：' : ': '}${words}
  </p>`;
};

/** a banner for an action just corrected or withdrawn (the redirect's ?corrected= / ?withdrawn=) */
export function changedBanner(lang: Lang, o: { corrected?: ActionWords; withdrawn?: ActionWords }): Html | '' {
  const [a, word] = o.corrected ? [o.corrected, 'corrected' as const] : [o.withdrawn, 'withdrawn' as const];
  if (!a) return '';
  return html`<p class="ok" role="status" id="${savedBannerId}">${t(lang, word)}: ${actionInWords(a, lang)}</p>`;
}

/** the action a withdrawal's audit row kept (its contract fields as text) as the banner shows it */
export const withdrawnWords = (actionId: string, row: Record<string, string>): ActionWords => ({
  action_id: actionId,
  action_date: row.action_date ?? '',
  action_time: row.action_time ?? '',
  channel: row.channel ?? '',
  outcome: row.outcome ?? '',
  promised_amount: row.promised_amount ? Number(row.promised_amount) : null,
  promised_date: row.promised_date?.length ? row.promised_date : null,
});

/**
 * The correction form (prefilled with the stored values, posting to …/actions/{id}/correct) or the
 * withdrawal form (a reason, posting to …/actions/{id}/withdraw), each with the session's CSRF token
 * as the record form, and a refusal shown above it as the record form shows one.
 */
export function changeSection(
  c: ChangeForm,
  o: {
    loanId: string;
    asOf: string;
    lang: Lang;
    csrf: string;
    today: string;
    origination: string;
    /** the stored action, named in the title by what it is (its id small), as the banners name it */
    about?: ActionWords | undefined;
  },
): Html {
  const { lang } = o;
  // a refused save answers this URL: its fragment opens the page at the form and its error, where
  // the page opened at its top with the error a screen or two below
  const action = `${base(o.loanId)}/actions/${encodeURIComponent(c.action_id)}/${c.kind}${query(o.asOf)}#${changeSectionId}`;
  // the fields the refusal names, marked invalid and described by it
  const faults = c.error ? { errorId: 'change-error', fields: faultedFields(c.technical) } : undefined;
  const error = c.error
    ? html`<p class="error" role="alert" id="change-error" ${errorFocus}>${t(lang, 'refused')}${c.error}</p>
        ${technicalDetail(lang, c.technical)}`
    : '';
  // "Correct action: 2024-06-28 10:00 · Phone · Promise to pay · 1,500.00 @ 2024-07-10 <id small>", where it named the UUID
  const title = (key: 'correct_action' | 'withdraw_action') =>
    o.about
      ? html`${t(lang, key, { id: '' }).trim()}${lang === 'zh-CN' ? '：' : ': '}${actionInWords(o.about, lang)}`
      : t(lang, key, { id: c.action_id });
  const cancel = html`<a href="${base(o.loanId)}${query(o.asOf)}#contacts">${t(lang, 'cancel')}</a>`;
  if (c.kind === 'withdraw')
    return html`<section aria-labelledby="change" id="${changeSectionId}">
      <h2 id="change">${title('withdraw_action')}</h2>
      ${error}
      <p class="note" id="change-hint">${t(lang, 'withdraw_hint')}</p>
      <form method="post" action="${action}" class="record">
        <input type="hidden" name="_csrf" value="${o.csrf}" />
        <input type="hidden" name="version" value="${c.version}" />
        <label class="wide"
          >${t(lang, 'reason')}
          <input
            type="text"
            name="reason"
            value="${c.reason}"
            maxlength="500"
            required
            pattern="${nonBlank}"
            title="${withdrawalReasonHint(lang)}"
            ${fieldAria('reason', faults, 'change-hint')}
        /></label>
        <button type="submit">${t(lang, 'withdraw')}</button> ${cancel}
      </form>
    </section>`;
  return html`<section aria-labelledby="change" id="${changeSectionId}">
    <h2 id="change">${title('correct_action')}</h2>
    ${error} ${unsavedValues(c.unsaved, lang)}
    <p class="note wide" id="change-hint">${t(lang, 'correct_hint')}</p>
    <form method="post" action="${action}" class="record">
      <input type="hidden" name="_csrf" value="${o.csrf}" />
      <input type="hidden" name="version" value="${c.version}" />
      ${outcomeFields(c.values, {
        lang,
        today: o.today,
        origination: o.origination,
        queue: o.asOf,
        hint: 'change-hint',
        dateHint: false,
        faults,
      })}
      <label class="wide"
        >${t(lang, 'reason')}
        <textarea name="reason" rows="1" maxlength="500" ${fieldAria('reason', faults)}>${c.reason}</textarea>
      </label>
      <button type="submit">${t(lang, 'save')}</button> ${cancel}
    </form>
  </section>`;
}
