import { html } from 'hono/html';
import type { Case } from '../../pipelines/cases/case-list.ts';
import { actionLabels, contactRuleLabels, label, t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';

/**
 * A case's recommended action when a contact rule forbids it on the date (the case list's own
 * `action_blocked_by`, `next_allowed_at`, `allowed_action`, as `GET /v1/cases` gives them): the rule,
 * when the action is allowed again, and what may be done instead. Without it the queue and the loan
 * page recommended a call the rules forbid — a collector following them would breach a rule that
 * counts against him (contact compliance, incentives).
 */
export function contactBlock(c: Case, lang: Lang): Html | '' {
  if (!c.action_blocked_by) return '';
  // '' when only an event (a lifted do-not-contact, a consent given again) can end the block
  const next = (c.next_allowed_at ?? '') === '' ? t(lang, 'when_lifted') : c.next_allowed_at;
  const instead = c.allowed_action ? label(actionLabels, c.allowed_action, lang) : t(lang, 'no_contact_today');
  return html`<span class="blocked" role="note"
    ><strong>${t(lang, 'blocked_by')}: ${label(contactRuleLabels, c.action_blocked_by, lang)}</strong>
    <span class="next">${t(lang, 'allowed_again')}: <span class="day">${next}</span></span>
    <span class="instead">${t(lang, 'today_instead')}: ${instead}</span></span
  >`;
}
