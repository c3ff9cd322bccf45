import { z } from 'zod';
import { html, raw } from 'hono/html';
import type { Case } from '../../pipelines/cases/case-list.ts';
import { stages } from '../../pipelines/cases/strategy.ts';
import { formatMoney, teamLabel } from '../../reports/i18n.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import { actionLabels, amount, caseStageLabels, label, outcomeLabels, t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import { contactBlock } from './contact-block.ts';

const sortKeys = ['rank', 'dpd', 'balance', 'expected_loss', 'probability', 'promised'] as const;
type SortKey = (typeof sortKeys)[number];

const blankAsUndefined = (s: string | undefined) => (s === '' ? undefined : s);
export const queueQuery = z.object({
  as_of: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/u, 'a date YYYY-MM-DD')
    .optional()
    .transform(blankAsUndefined),
  stage: z
    .enum(['', ...stages])
    .optional()
    .transform(blankAsUndefined),
  product: z.string().max(64).optional().transform(blankAsUndefined),
  loan: z.string().max(64).optional().transform(blankAsUndefined),
  sort: z.enum(sortKeys).default('rank'),
  dir: z.enum(['asc', 'desc']).optional(),
  lang: z.string().optional(),
});
export type QueueQuery = z.output<typeof queueQuery>;

const promised = (c: Case) => c.open_promises.reduce((s, p) => s + p.amount, 0);
const value = (c: Case, k: SortKey): number => (k === 'promised' ? promised(c) : c[k]);
/** rank ascending by default, amounts and days descending */
const defaultDir = (k: SortKey) => (k === 'rank' ? 'asc' : 'desc');

/** The queue filtered by loan id text and sorted as asked (ties by rank). */
export function arrange(cases: Case[], q: QueueQuery): Case[] {
  const dir = q.dir ?? defaultDir(q.sort);
  const needle = q.loan?.toLowerCase();
  return cases
    .filter((c) => !needle || c.loan_id.toLowerCase().includes(needle))
    .sort((a, b) => (dir === 'asc' ? 1 : -1) * (value(a, q.sort) - value(b, q.sort)) || a.rank - b.rank);
}

function queueHref(q: QueueQuery, over: Partial<QueueQuery>): string {
  const u = new URLSearchParams();
  const m = { ...q, ...over };
  for (const k of ['as_of', 'stage', 'product', 'loan', 'sort', 'dir'] as const) {
    const v = m[k];
    if (v) u.set(k, v);
  }
  return `/console/queue?${u.toString()}`;
}

/** The collector's queue: filters (stage, product, loan id), sortable columns (links: keyboard and no script). */
export function queueBody(
  o: { cases: Case[]; total: number; asOf: string; q: QueueQuery; products: string[]; scope: string },
  lang: Lang,
): Html {
  const dir = o.q.dir ?? defaultDir(o.q.sort);
  const sortable = (k: SortKey, title: string) => {
    const active = o.q.sort === k;
    const next = active ? (dir === 'asc' ? 'desc' : 'asc') : defaultDir(k);
    return html`<th scope="col" ${active ? raw(`aria-sort="${dir === 'asc' ? 'ascending' : 'descending'}"`) : ''}>
      <a href="${queueHref(o.q, { sort: k, dir: next })}"
        >${title}${active ? (dir === 'asc' ? '\u00a0▲' : '\u00a0▼') : ''}</a
      >
    </th>`;
  };
  const loanHref = (id: string) => `/console/loans/${encodeURIComponent(id)}?as_of=${o.asOf}`;
  return html`
    <h1>${t(lang, 'queue')} · ${o.asOf}</h1>
    <p class="note">${t(lang, 'scope')}: ${o.scope} · ${t(lang, 'cases_of', { n: o.total })}</p>
    <form method="get" action="/console/queue" class="filters" aria-label="filters">
      <label>${t(lang, 'as_of')} <input type="date" name="as_of" value="${o.asOf}" /></label>
      <label
        >${t(lang, 'stage')}
        <select name="stage">
          <option value="">${t(lang, 'all')}</option>
          ${stages.map(
            (s) =>
              html`<option value="${s}" ${o.q.stage === s ? raw('selected') : ''}>
                ${label(caseStageLabels, s, lang)}
              </option>`,
          )}
        </select></label
      >
      <label
        >${t(lang, 'product')}
        <select name="product">
          <option value="">${t(lang, 'all')}</option>
          ${o.products.map(
            (p) =>
              html`<option value="${p}" ${o.q.product === p ? raw('selected') : ''}>
                ${segmentName('product', p, lang)}
              </option>`,
          )}
        </select></label
      >
      <label>${t(lang, 'search_loan')} <input type="search" name="loan" value="${o.q.loan ?? ''}" /></label>
      <input type="hidden" name="sort" value="${o.q.sort}" />
      <button type="submit">${t(lang, 'apply')}</button>
      <a href="/console/queue">${t(lang, 'reset')}</a>
    </form>
    ${tableScroll(
      t(lang, 'queue'),
      html`<table id="queue">
        <thead>
          <tr>
            ${sortable('rank', t(lang, 'rank'))}
            <th scope="col">${t(lang, 'loan')}</th>
            <th scope="col">${t(lang, 'stage')}</th>
            ${sortable('dpd', t(lang, 'dpd'))} ${sortable('balance', t(lang, 'balance'))}
            ${sortable('expected_loss', t(lang, 'expected_loss'))}
            <th scope="col">${t(lang, 'amount_to_cure')}</th>
            <th scope="col">${t(lang, 'grade')}</th>
            <th scope="col">${t(lang, 'action')}</th>
            ${sortable('promised', t(lang, 'open_promises'))}
            <th scope="col">${t(lang, 'last_contact')}</th>
          </tr>
        </thead>
        <tbody>
          ${o.cases.map(
            (c) =>
              html`<tr data-loan="${c.loan_id}">
                <td class="num">${c.rank}</td>
                <th scope="row">
                  <a href="${loanHref(c.loan_id)}">${c.loan_id}</a>
                  <small
                    >${segmentName('product', c.product, lang)}${c.team ? ` · ${teamLabel(c.team, lang)}` : ''}</small
                  >
                </th>
                <td>${label(caseStageLabels, c.stage, lang)}</td>
                <td class="num">${c.dpd}</td>
                <td class="num">${formatMoney(lang, c.balance)}</td>
                <td class="num">${formatMoney(lang, c.expected_loss)}</td>
                <td
                  class="num"
                  title="${c.charges_owed === null ? '' : `${t(lang, 'charges_owed')} ${formatMoney(lang, c.charges_owed)}`}"
                >
                  ${c.amount_to_cure === null ? '—' : formatMoney(lang, c.amount_to_cure)}
                </td>
                <td>${c.grade}</td>
                <td class="action">${label(actionLabels, c.action, lang)} ${contactBlock(c, lang)}</td>
                <td class="promises">
                  ${
                    c.open_promises.length
                      ? c.open_promises.map((p) => html`<span class="promise">${amount(p.amount)} @ ${p.date}</span> `)
                      : '—'
                  }
                </td>
                <td>
                  ${
                    c.last_contacts[0]
                      ? `${c.last_contacts[0].date} ${label(outcomeLabels, c.last_contacts[0].outcome, lang)}`
                      : '—'
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    )}
  `;
}
