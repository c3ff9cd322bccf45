import { html } from 'hono/html';
import type { Case } from '../../pipelines/cases/case-list.ts';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';

/**
 * A case placed with a collection agency on the date (the case list's `placed_with`): the agency
 * works it, and the in-house action beside it is for reference only (docs/collections.md, the case
 * list). Without it the queue and the loan page sent an in-house collector to visit or sue a
 * borrower an agency holds, and only the CSV said so.
 */
export function placementBlock(c: Case, lang: Lang): Html | '' {
  if (!c.placed_with) return '';
  return html`<span class="placed" role="note"
    ><strong>${t(lang, 'placed_with')}: ${c.placed_with}</strong>
    <span class="reference">${t(lang, 'placed_reference')}</span></span
  >`;
}
