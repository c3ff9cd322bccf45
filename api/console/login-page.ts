import { html } from 'hono/html';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { signInNotice, type SignInReason } from './session-notice.ts';

/** a `next` that stays inside the console (never another site: `//host` or a scheme) */
export const safeNext = (next: string | undefined) =>
  next && /^\/console(\/[\w\-./?=&%]*)?$/u.test(next) && !next.startsWith('//') ? next : undefined;

export interface LoginPage {
  token: string;
  next?: string | undefined;
  /** why sign-in is asked: said above the forms, and carried through a failed attempt */
  reason?: SignInReason | undefined;
  error?: string;
  name?: string;
}

/** why sign-in is asked, above the forms: a lost form as an alert, the rest as a status */
function notice(lang: Lang, reason: SignInReason | undefined): Html | string {
  if (!reason) return '';
  const words = signInNotice(reason, lang);
  if (reason === 'unsaved') return html`<p class="error" role="alert" id="session-notice">${words}</p>`;
  if (reason === 'signed_out') return html`<p class="ok" role="status" id="session-notice">${words}</p>`;
  return html`<p role="status" id="session-notice">${words}</p>`;
}

/** The sign-in page: by user name and password, or by API key; both forms carry where to go after and why. */
export function loginBody(lang: Lang, p: LoginPage): Html {
  const hidden = html`<input type="hidden" name="_csrf" value="${p.token}" />
    <input type="hidden" name="next" value="${p.next ?? ''}" />
    ${p.reason ? html`<input type="hidden" name="reason" value="${p.reason}" />` : ''}`;
  return html`<h1 id="signin">${t(lang, 'sign_in')}</h1>
    ${notice(lang, p.reason)} ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
    <div class="logins">
      <section class="login" aria-labelledby="by-password">
        <h2 id="by-password">${t(lang, 'by_password')}</h2>
        <form method="post" action="/console/login">
          ${hidden}
          <label for="name">${t(lang, 'user_name')}</label>
          <p>
            <input
              id="name"
              name="name"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              value="${p.name ?? ''}"
              required
              autofocus
            />
          </p>
          <label for="password">${t(lang, 'password')}</label>
          <p><input id="password" name="password" type="password" autocomplete="current-password" required /></p>
          <button type="submit">${t(lang, 'sign_in')}</button>
        </form>
      </section>
      <section class="login" aria-labelledby="by-key">
        <h2 id="by-key">${t(lang, 'by_key')}</h2>
        <form method="post" action="/console/login">
          ${hidden}
          <label for="key">${t(lang, 'api_key')}</label>
          <p><input id="key" name="key" type="password" autocomplete="off" required /></p>
          <p class="note">${t(lang, 'key_hint')}</p>
          <button type="submit">${t(lang, 'sign_in')}</button>
        </form>
      </section>
    </div>`;
}
