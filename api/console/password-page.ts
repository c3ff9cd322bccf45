import { html } from 'hono/html';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';

/** What the change-password page shows: a refusal, or how many other sign-ins a change ended. */
export interface PasswordPageState {
  error?: string;
  changed?: number;
}

/** One password input with its label; a new password states the length the server enforces. */
function passwordField(
  lang: Lang,
  name: 'current' | 'next' | 'again',
  label: 'current_password' | 'new_password' | 'new_password_again',
  autocomplete: 'current-password' | 'new-password',
): Html {
  const fresh = autocomplete === 'new-password';
  return html`<label for="${name}">${t(lang, label)}</label>
    <p>
      <input
        id="${name}"
        name="${name}"
        type="password"
        autocomplete="${autocomplete}"
        ${fresh ? html`minlength="10" maxlength="256"` : html`autofocus`}
        required
      />
    </p>`;
}

/**
 * Change password (a user signed in by name and password): the current one and the new one twice.
 * Autocomplete hints let a password manager fill the current one and offer a new one; nothing
 * typed is sent back into the page.
 */
export function passwordBody(lang: Lang, csrf: string, s: PasswordPageState): Html {
  return html`<h1 id="password-title">${t(lang, 'change_password')}</h1>
    ${
      s.changed === undefined
        ? ''
        : html`<p class="ok" role="status" id="password-changed">${t(lang, 'password_changed', { n: s.changed })}</p>`
    }
    ${s.error ? html`<p class="error" role="alert" id="password-error">${s.error}</p>` : ''}
    <section class="login" aria-labelledby="password-title">
      <form method="post" action="/console/password">
        <input type="hidden" name="_csrf" value="${csrf}" />
        ${passwordField(lang, 'current', 'current_password', 'current-password')}
        ${passwordField(lang, 'next', 'new_password', 'new-password')}
        ${passwordField(lang, 'again', 'new_password_again', 'new-password')}
        <p class="note">${t(lang, 'password_rule')}</p>
        <button type="submit">${t(lang, 'change_password')}</button>
      </form>
    </section>`;
}

/** The page for a session signed in with an API key: a key has no password to change. */
export function noPasswordBody(lang: Lang): Html {
  return html`<h1>${t(lang, 'change_password')}</h1>
    <p role="alert" id="password-error">${t(lang, 'key_has_no_password')}</p>`;
}
