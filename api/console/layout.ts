import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ApiKey } from '../auth/keys.ts';
import type { Principal } from '../auth/sessions.ts';
import { allows } from '../auth/permissions.ts';
import { t, type Lang } from './i18n.ts';
import { keyScopeText } from './key-scope.ts';
import { unsavedNotice } from './session-notice.ts';

/** What a page template returns: hono/html escapes every interpolated value unless it is itself Html. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const assetBase = '/console/assets';

/**
 * Data for a client script, as JSON inside a non-executed script element (the Content-Security-Policy
 * allows no inline script): `<` is escaped so no value can close the element.
 */
export const jsonData = (id: string, value: unknown) =>
  raw(
    `<script type="application/json" id="${id.replace(/[^\w-]/gu, '')}">${JSON.stringify(value).replace(/</gu, '\\u003c')}</script>`,
  );

/**
 * The page a form's POST answers for (a refused save is rendered at the form's address, which takes
 * no GET): the loan page of its actions, the version page of a promotion, the users page of a
 * disabling. Any other address is a page of its own.
 */
const pagesOfForms: readonly (readonly [RegExp, string])[] = [
  [/^(\/console\/loans\/[^/]+)\/actions(?:\/.*)?$/u, '$1'],
  [/^(\/console\/models\/[^/]+\/[^/]+)\/promote$/u, '$1'],
  [/^(\/console\/users)\/[^/]+\/disable$/u, '$1'],
];

/**
 * The same page with `lang` set: the language switch keeps the page and its filters — for a page
 * rendered in answer to a form, the page the form is on (its own address would be a 404).
 */
export function withLang(url: string, lang: Lang): string {
  const u = new URL(url);
  u.searchParams.set('lang', lang);
  const form = pagesOfForms.find(([pattern]) => pattern.test(u.pathname));
  const path = form ? u.pathname.replace(form[0], form[1]) : u.pathname;
  return `${path}${u.search}`;
}

export type ActivePage = 'dashboard' | 'queue' | 'models' | 'audit' | 'users' | 'password';

export interface PageOptions {
  lang: Lang;
  url: string;
  title: string;
  key?: ApiKey;
  /** what signed in: only a user has a password to change */
  principal?: Principal;
  csrf?: string;
  active?: ActivePage;
  charts?: boolean;
  body: Html;
}

/** The page shell: skip link, navigation by role, language switch, sign-out form (CSRF token), main. */
export function page(o: PageOptions): Html {
  const other: Lang = o.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const nav = o.key
    ? html`<nav aria-label="main">
        <a href="/console" class="brand">${t(o.lang, 'app')}</a>
        ${
          allows(o.key.role, 'dashboard:read')
            ? html`<a href="/console/dashboard" ${o.active === 'dashboard' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'dashboard')}</a
              >`
            : ''
        }
        ${
          allows(o.key.role, 'cases:read')
            ? html`<a href="/console/queue" ${o.active === 'queue' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'queue')}</a
              >`
            : ''
        }
        ${
          allows(o.key.role, 'models:workbench')
            ? html`<a href="/console/models" ${o.active === 'models' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'models')}</a
              >`
            : ''
        }
        ${
          allows(o.key.role, 'audit:read')
            ? html`<a href="/console/audit" ${o.active === 'audit' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'audit')}</a
              >`
            : ''
        }
        ${
          allows(o.key.role, 'keys:manage')
            ? html`<a href="/console/users" ${o.active === 'users' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'users')}</a
              >`
            : ''
        }
        <span class="who"
          >${t(o.lang, 'signed_in_as')}: ${o.key.label || o.key.key_id} (${keyScopeText(o.key, o.lang)})</span
        >
        ${
          o.principal === 'user'
            ? html`<a href="/console/password" ${o.active === 'password' ? raw('aria-current="page"') : ''}
                >${t(o.lang, 'change_password')}</a
              >`
            : ''
        }
        <a href="${withLang(o.url, other)}" lang="${other}" hreflang="${other}">${t(o.lang, 'language')}</a>
        <form method="post" action="/console/logout" class="inline">
          <input type="hidden" name="_csrf" value="${o.csrf ?? ''}" />
          <button type="submit">${t(o.lang, 'sign_out')}</button>
        </form>
      </nav>`
    : html`<nav aria-label="main">
        <span class="brand">${t(o.lang, 'app')}</span>
        <a href="${withLang(o.url, other)}" lang="${other}" hreflang="${other}">${t(o.lang, 'language')}</a>
      </nav>`;
  // a page signed in to after a form was lost with the session: said before anything else on it
  const unsaved = o.key ? unsavedNotice(o.url, o.lang) : undefined;
  const scripts = o.charts
    ? html`<script src="${assetBase}/vega.min.js" defer></script>
        <script src="${assetBase}/vega-lite.min.js" defer></script>
        <script src="${assetBase}/vega-embed.min.js" defer></script>`
    : '';
  return html`<!doctype html>
    <html lang="${o.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · loanwatch</title>
        <link rel="stylesheet" href="${assetBase}/console.css" />
        ${scripts}
        <script src="${assetBase}/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t(o.lang, 'skip')}</a>
        <header>${nav}</header>
        <main id="main" tabindex="-1">
          ${unsaved ? html`<p class="error" role="alert" id="unsaved-notice">${unsaved}</p>` : ''}${o.body}
        </main>
      </body>
    </html>`;
}
