import { html } from 'hono/html';
import type { Html } from './layout.ts';

/**
 * A table in a box that scrolls sideways on its own when the table is wider than the screen (the
 * queue's eleven columns need about 800 px; a phone has 390): without it the whole page scrolled
 * and cards beside the table were cut at the screen's edge. The box is a named, focusable region so
 * a keyboard can scroll a table that holds no link (a screen reader names it by `label`).
 */
export const tableScroll = (label: string, table: Html): Html =>
  html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
