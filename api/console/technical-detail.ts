import { html } from 'hono/html';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';

/**
 * The API's own text of a refusal (English, field and role codes), folded under the page's words:
 * what a support desk or the API's documentation recognises, out of the way of the person reading.
 */
export const technicalDetail = (lang: Lang, text: string | undefined): Html | '' =>
  text
    ? html`<details class="technical">
        <summary>${t(lang, 'technical_detail')}</summary>
        <code>${text}</code>
      </details>`
    : '';
