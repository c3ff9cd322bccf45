import { z } from 'zod';
import { html } from 'hono/html';
import type { ArchiveEntry } from '../../reports/archive/store.ts';
import { segmentText } from '../../reports/summary/segments.ts';
import { label, t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import type { Text } from '../../reports/i18n.ts';

/** The archive page's query: a month (blank: every period). */
export const archiveQuery = z.object({
  period: z
    .string()
    .regex(/^(\d{4}-(0[1-9]|1[0-2]))?$/u, 'a month YYYY-MM')
    .optional()
    .transform((s) => (s === '' ? undefined : s)),
  lang: z.string().optional(),
});

const packLabels: Record<string, Text> = {
  management: { 'zh-CN': '贷后管理月报', en: 'Management pack' },
  regulatory: { 'zh-CN': '监管报送包', en: 'Regulatory pack' },
};
const langNames: Record<string, Text> = {
  'zh-CN': { 'zh-CN': '中文', en: 'Chinese' },
  en: { 'zh-CN': '英文', en: 'English' },
};
/** the pack itself (report.pdf, .html, .xlsx): shown first; its charts, data and manifest folded beneath */
const isDocument = (f: { name: string }) => /^report\.[a-z]+$/u.test(f.name);
const fileLinks = (e: ArchiveEntry, files: ArchiveEntry['files']) =>
  files.map(
    (f) =>
      html`<a
          href="/v1/reports/archive/${encodeURIComponent(e.id)}/${encodeURIComponent(f.name)}"
          title="SHA-256 ${f.sha256}"
          >${f.name}</a
        >
        <small>${kib(f.bytes)}</small><br />`,
  );
const kib = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('en')} KB`;

/**
 * The archived packs as a page a person reads: each pack's period, segment, language and when it was
 * issued, with its files as links (`GET /v1/reports/archive/{id}/{file}`, checked against their
 * archived hash). The dashboard's "Archived packs" opened the API's JSON (~60 KB of inputs and hashes).
 */
export function archiveBody(o: { entries: ArchiveEntry[]; period: string | undefined }, lang: Lang): Html {
  return html`<h1>${t(lang, 'archive')}${o.period ? ` · ${o.period}` : ''}</h1>
    <form method="get" action="/console/archive" class="filters" aria-label="filters">
      <label>${t(lang, 'period')} <input type="month" name="period" value="${o.period ?? ''}" /></label>
      <button type="submit">${t(lang, 'apply')}</button>
      <a href="/console/archive">${t(lang, 'reset')}</a>
    </form>
    ${
      o.entries.length === 0
        ? html`<p class="note" id="no-packs">${t(lang, 'no_packs')}</p>`
        : tableScroll(
            t(lang, 'archive'),
            html`<table id="archive-table">
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'period')}</th>
                  <th scope="col">${t(lang, 'pack')}</th>
                  <th scope="col">${t(lang, 'segment')}</th>
                  <th scope="col">${t(lang, 'pack_language')}</th>
                  <th scope="col">${t(lang, 'issued_at')}</th>
                  <th scope="col">${t(lang, 'files')}</th>
                </tr>
              </thead>
              <tbody>
                ${o.entries.map(
                  (e) =>
                    html`<tr data-archive="${e.id}">
                      <th scope="row">${e.period}</th>
                      <td>${label(packLabels, e.pack, lang)}</td>
                      <td>${segmentText(e.segment, lang)}</td>
                      <td>${label(langNames, e.lang, lang)}</td>
                      <td>${e.generated_at.replace('T', ' ').slice(0, 16)} UTC</td>
                      <td>
                        ${fileLinks(e, e.files.filter(isDocument))}
                        ${
                          e.files.some((f) => !isDocument(f))
                            ? html`<details class="more-files">
                                <summary>
                                  ${t(lang, 'more_files', { n: e.files.filter((f) => !isDocument(f)).length })}
                                </summary>
                                ${fileLinks(
                                  e,
                                  e.files.filter((f) => !isDocument(f)),
                                )}
                              </details>`
                            : ''
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )
    }
    <p class="note">${t(lang, 'archive_note')}</p>`;
}
