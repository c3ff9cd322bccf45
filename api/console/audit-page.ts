import { html, raw } from 'hono/html';
import { label, t, type Lang } from './i18n.ts';
import { roleNames } from './code-labels.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import { auditOutcomes, type AuditEntry, type AuditQuery } from './audit-data.ts';

export const auditPageSize = 50;

/** The audit URL for filters (and a page cursor): the CSV export and paging keep the filters. */
export function auditHref(path: '/console/audit' | '/console/audit.csv', q: AuditQuery, after?: string): string {
  const u = new URLSearchParams();
  for (const k of ['actor', 'action', 'from', 'to', 'outcome'] as const) {
    const v = q[k];
    if (v) u.set(k, v);
  }
  if (after) u.set('after', after);
  const s = u.toString();
  return `${path}${s ? `?${s}` : ''}`;
}

/** details as one line of `key: value` pairs (the JSON when it is not an object) */
function detailsText(details: string): string {
  try {
    const d = JSON.parse(details) as unknown;
    if (typeof d !== 'object' || d === null) return details;
    return Object.entries(d as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)}`)
      .join(' · ');
  } catch {
    return details;
  }
}

/** The audit log page: filters (a GET form), the entries newest first, paging, CSV export of the filtered log. */
export function auditBody(
  o: { entries: AuditEntry[]; next: string | undefined; q: AuditQuery; actions: string[] },
  lang: Lang,
): Html {
  const { q } = o;
  return html`<h1>${t(lang, 'audit')}</h1>
    <form method="get" action="/console/audit" class="filters" aria-label="filters">
      <label>${t(lang, 'actor')} <input name="actor" value="${q.actor ?? ''}" maxlength="64" /></label>
      <label
        >${t(lang, 'audit_action')}
        <select name="action">
          <option value="">${t(lang, 'all')}</option>
          ${o.actions.map((a) => html`<option value="${a}" ${a === q.action ? raw('selected') : ''}>${a}</option>`)}
        </select></label
      >
      <label>${t(lang, 'from')} <input type="date" name="from" value="${q.from ?? ''}" /></label>
      <label>${t(lang, 'to')} <input type="date" name="to" value="${q.to ?? ''}" /></label>
      <label
        >${t(lang, 'result')}
        <select name="outcome">
          <option value="">${t(lang, 'all')}</option>
          ${auditOutcomes.map(
            (r) =>
              html`<option value="${r}" ${r === q.outcome ? raw('selected') : ''}>
                ${t(lang, r === 'ok' ? 'result_ok' : 'result_refused')}
              </option>`,
          )}
        </select></label
      >
      <button type="submit">${t(lang, 'apply')}</button>
      <a href="/console/audit">${t(lang, 'reset')}</a>
    </form>
    <p class="note">
      ${t(lang, 'entries_shown', { n: o.entries.length })} ·
      <a href="${auditHref('/console/audit.csv', q)}" id="export-csv" download>${t(lang, 'export_csv')}</a>
    </p>
    ${
      o.entries.length === 0
        ? html`<p class="note">${t(lang, 'no_entries')}</p>`
        : html`${tableScroll(
            t(lang, 'audit'),
            html`<table id="audit-table">
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'at')}</th>
                  <th scope="col">${t(lang, 'actor')}</th>
                  <th scope="col">${t(lang, 'role')}</th>
                  <th scope="col">${t(lang, 'audit_action')}</th>
                  <th scope="col">${t(lang, 'audit_target')}</th>
                  <th scope="col">${t(lang, 'result')}</th>
                  <th scope="col">${t(lang, 'details')}</th>
                </tr>
              </thead>
              <tbody>
                ${o.entries.map(
                  (e) =>
                    html`<tr data-request="${e.request_id}" data-action="${e.action}" class="outcome-${e.outcome}">
                      <th scope="row" title="${t(lang, 'request')} ${e.request_id}">${e.at}</th>
                      <td>${e.key_id}</td>
                      <td>${label(roleNames, e.role, lang)}</td>
                      <td>${e.action}</td>
                      <td class="target free-text">${e.target}</td>
                      <td>${t(lang, e.outcome === 'ok' ? 'result_ok' : 'result_refused')}</td>
                      <td class="details free-text">${detailsText(e.details)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )}`
    }
    <nav class="pager" aria-label="pages">
      ${q.after ? html`<a href="${auditHref('/console/audit', q)}">${t(lang, 'first_page')}</a>` : ''}
      ${o.next ? html`<a href="${auditHref('/console/audit', q, o.next)}" rel="next">${t(lang, 'next_page')} →</a>` : ''}
    </nav>`;
}
