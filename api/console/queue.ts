import { z } from 'zod';
import { isEngineDate } from '../../lib/dates.ts';
import { html, raw } from 'hono/html';
import type { Case } from '../../pipelines/cases/case-list.ts';
import { stages } from '../../pipelines/cases/strategy.ts';
import { teamLabel } from '../../reports/i18n.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import { actionLabels, amount, label, outcomeLabels, t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import { contactBlock } from './contact-block.ts';
import { placementBlock } from './placement-block.ts';
import { technicalDetail } from './technical-detail.ts';
import { stageNames } from './code-labels.ts';
import { queueText, wholeYuan } from './queue-amounts.ts';

const sortKeys = ['rank', 'dpd', 'balance', 'expected_loss', 'probability', 'promised'] as const;
type SortKey = (typeof sortKeys)[number];

const blankAsUndefined = (s: string | undefined) => (s === '' ? undefined : s);
export const queueQuery = z
  .object({
    as_of: z
      .string()
      // a real day in the engine's range: 2024-06-31 was shown under its own name with 1 July's figures
      .refine((s) => s === '' || isEngineDate(s), 'a date YYYY-MM-DD')
      .optional()
      .transform(blankAsUndefined),
    stage: z
      .enum(['', ...stages])
      .optional()
      .transform(blankAsUndefined),
    product: z.string().max(64).optional().transform(blankAsUndefined),
    // an admin's (or any whole-book role's) cut of the book; a collector's own region and team are pinned
    region: z.string().max(64).optional().transform(blankAsUndefined),
    team: z.string().max(64).optional().transform(blankAsUndefined),
    loan: z.string().max(64).optional().transform(blankAsUndefined),
    sort: z.enum(sortKeys).default('rank'),
    dir: z.enum(['asc', 'desc']).optional(),
    // blank or absent: the first page; past the last: the last
    page: z
      .string()
      .regex(/^\d{0,6}$/u, 'a page number')
      .optional()
      .transform((v) => (v ? Math.max(1, Number(v)) : 1)),
    lang: z.string().optional(),
    // the API's name of the filter (GET /v1/cases?loan_id=): typed by hand it filtered nothing, silently,
    // under a page that looked filtered — it is the same filter here (`loan` wins when both are given)
    loan_id: z.string().max(64).optional().transform(blankAsUndefined),
  })
  .transform(({ loan_id, ...q }) => ({ ...q, loan: q.loan ?? loan_id }));
export type QueueQuery = z.output<typeof queueQuery>;

/**
 * The query's product and region checked against the book's (the select's own values), as stage and
 * sort are by their enums: a typo or a renamed code was an empty queue read as "no work today". The
 * team is left free: the known teams are cached a while and a team chosen since may be missing.
 * Returns the zod issues ([] when every value is known).
 */
export function unknownQueueFilters(q: QueueQuery, known: { product: readonly string[]; region: readonly string[] }) {
  const oneOf = (values: readonly string[]) => {
    const [first, ...rest] = values.filter(Boolean);
    return first === undefined ? z.string() : z.enum([first, ...rest]);
  };
  const parsed = z
    .object({ product: oneOf(known.product).optional(), region: oneOf(known.region).optional() })
    .safeParse({ product: q.product, region: q.region });
  return parsed.success ? [] : parsed.error.issues;
}

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

/** Cases a queue page shows: a collector's morning list in screens, not one page of thousands of rows. */
export const queuePageSize = 100;

/** The page of the arranged queue asked for (past the last: the last), and where it stands. */
export function queuePage<C>(arranged: C[], page: number): { rows: C[]; page: number; pages: number; from: number } {
  const pages = Math.max(1, Math.ceil(arranged.length / queuePageSize));
  const p = Math.min(Math.max(1, page), pages);
  const from = (p - 1) * queuePageSize;
  return { rows: arranged.slice(from, from + queuePageSize), page: p, pages, from };
}

/** a queue URL: the filters and sort kept, a page only when past the first (a new sort or filter starts at 1) */
function queueHref(q: QueueQuery, over: Partial<QueueQuery>, path = '/console/queue'): string {
  const u = new URLSearchParams();
  const m = { ...q, page: 1, ...over };
  for (const k of ['as_of', 'stage', 'product', 'region', 'team', 'loan', 'sort', 'dir'] as const) {
    const v = m[k];
    if (v) u.set(k, v);
  }
  if (m.page > 1) u.set('page', String(m.page));
  return `${path}?${u.toString()}`;
}

const pagerText = {
  previous: { 'zh-CN': '‹ 上一页', en: '‹ Previous' },
  next: { 'zh-CN': '下一页 ›', en: 'Next ›' },
  shown: {
    'zh-CN': (a: number, b: number, n: number) => `第 ${a}–${b} 条，共 ${n} 条`,
    en: (a: number, b: number, n: number) => `${a}–${b} of ${n}`,
  },
} as const;

/** Previous · 101–200 of 313 · Next, under and over the table (none when one page holds the queue). */
function pager(
  o: { q: QueueQuery; total: number; page: number; pages: number; from: number; shown: number },
  lang: Lang,
): Html {
  if (o.pages <= 1) return html``;
  return html`<nav class="pager" aria-label="pages">
    ${o.page > 1 ? html`<a rel="prev" href="${queueHref(o.q, { page: o.page - 1 })}">${pagerText.previous[lang]}</a>` : ''}
    <span class="pager-shown">${pagerText.shown[lang](o.from + 1, o.from + o.shown, o.total)}</span>
    ${o.page < o.pages ? html`<a rel="next" href="${queueHref(o.q, { page: o.page + 1 })}">${pagerText.next[lang]}</a>` : ''}
  </nav>`;
}

/** The data's first and last day (null: nothing loaded), the bounds of a queue's date. */
export interface DataDays {
  first: string | null;
  last: string | null;
}

/**
 * Why a queue's date has no queue, in the page's words: before the data's first day, or after the
 * month its last day is in (warehouse/data-horizon.ts, whose English message is the technical detail).
 */
export function outsideDataLine(asOf: string, days: DataDays, lang: Lang): string {
  if (!days.first || !days.last) return t(lang, 'no_data_loaded');
  return t(lang, asOf < days.first ? 'queue_before_data' : 'queue_after_data', {
    date: asOf,
    first: days.first,
    last: days.last,
  });
}

/** The whole-book roles' extra filters: the region and team values to choose from (none for a collector). */
export interface ScopeChoices {
  regions: string[];
  teams: string[];
}

/**
 * The collector's queue: filters (date, stage, product, loan id; region and team for the whole-book
 * roles), sortable columns (links: keyboard and no script). `outside`: the date has no queue (before
 * or after the data), said on the page itself with the filters kept.
 */
export function queueBody(
  o: {
    cases: Case[];
    total: number;
    /** where the page stands in the arranged queue (absent: one page) */
    paging?: { page: number; pages: number; from: number };
    asOf: string;
    q: QueueQuery;
    products: string[];
    scope: string;
    days: DataDays;
    choices?: ScopeChoices;
    outside?: { line: string; technical: string };
  },
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
    <p class="note">
      ${t(lang, 'scope')}:
      ${o.scope}${o.outside ? '' : html` · <span id="case-count">${o.total === 1 ? t(lang, 'one_case') : t(lang, 'cases_of', { n: o.total })}</span>`}
      ${o.outside || o.total === 0 ? '' : html` · <a href="${queueHref(o.q, {}, '/console/queue.csv')}" id="export-csv" download>${t(lang, 'export_csv')}</a>`}
    </p>
    ${
      o.outside
        ? html`<div class="error" role="alert" id="queue-error"><p>${o.outside.line}</p></div>
            ${technicalDetail(lang, o.outside.technical)}`
        : ''
    }
    <form method="get" action="/console/queue" class="filters" aria-label="filters">
      <label
        >${t(lang, 'as_of')}
        <input
          type="date"
          name="as_of"
          value="${o.asOf}"
          ${o.days.first ? raw(`min="${o.days.first}"`) : ''}
          ${o.days.last ? raw(`max="${o.days.last}"`) : ''}
      /></label>
      <label
        >${t(lang, 'stage')}
        <select name="stage">
          <option value="">${t(lang, 'all')}</option>
          ${stages.map(
            (s) =>
              html`<option value="${s}" ${o.q.stage === s ? raw('selected') : ''}>
                ${label(stageNames, s, lang)}
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
      ${
        o.choices
          ? html`<label
                >${t(lang, 'region')}
                <select name="region">
                  <option value="">${t(lang, 'all')}</option>
                  ${o.choices.regions.map(
                    (r) =>
                      html`<option value="${r}" ${o.q.region === r ? raw('selected') : ''}>
                        ${segmentName('region', r, lang)}
                      </option>`,
                  )}
                </select></label
              >
              <label
                >${t(lang, 'team')}
                <select name="team">
                  <option value="">${t(lang, 'all')}</option>
                  ${o.choices.teams.map(
                    (x) =>
                      html`<option value="${x}" ${o.q.team === x ? raw('selected') : ''}>
                        ${teamLabel(x, lang)}
                      </option>`,
                  )}
                </select></label
              >`
          : ''
      }
      <label>${t(lang, 'search_loan')} <input type="search" name="loan" value="${o.q.loan ?? ''}" /></label>
      <input type="hidden" name="sort" value="${o.q.sort}" />
      <button type="submit">${t(lang, 'apply')}</button>
      <a href="/console/queue">${t(lang, 'reset')}</a>
    </form>
    ${o.paging ? pager({ q: o.q, total: o.total, shown: o.cases.length, ...o.paging }, lang) : ''}
    <p class="note" id="queue-units">${queueText(lang, 'units')}</p>
    <p class="note scroll-hint" id="queue-scroll-hint">${queueText(lang, 'scroll')}</p>
    ${tableScroll(
      t(lang, 'queue'),
      html`<table id="queue">
        <thead>
          <tr>
            ${sortable('rank', t(lang, 'rank'))}
            <th scope="col" class="sticky-col">${t(lang, 'loan')}</th>
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
                <th scope="row" class="sticky-col">
                  <a href="${loanHref(c.loan_id)}">${c.loan_id}</a><br />
                  <small
                    >${segmentName('product', c.product, lang)}${c.team ? ` · ${teamLabel(c.team, lang)}` : ''}</small
                  >
                </th>
                <td>${label(stageNames, c.stage, lang)}</td>
                <td class="num">${c.dpd}</td>
                <td class="num">${wholeYuan(c.balance)}</td>
                <td class="num">${wholeYuan(c.expected_loss)}</td>
                <td class="num cure">
                  ${c.amount_to_cure === null ? '—' : amount(c.amount_to_cure)}
                  ${
                    c.charges_owed
                      ? html`<br /><small class="charges">${t(lang, 'charges_owed')} ${amount(c.charges_owed)}</small>`
                      : ''
                  }
                </td>
                <td>${c.grade}</td>
                <td class="action">
                  ${placementBlock(c, lang)}${label(actionLabels, c.action, lang)} ${contactBlock(c, lang)}
                </td>
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
                      ? html`<span class="day">${c.last_contacts[0].date}</span>
                          ${label(outcomeLabels, c.last_contacts[0].outcome, lang)}`
                      : '—'
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    )}
    ${o.paging ? pager({ q: o.q, total: o.total, shown: o.cases.length, ...o.paging }, lang) : ''}
  `;
}
