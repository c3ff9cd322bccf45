import { html } from 'hono/html';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';

/** What the change-password page shows: a refusal, or how many other sign-ins a change ended. */
export interface PasswordPageState {
  error?: string;
  changed?: number;
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
        <label for="current">${t(lang, 'current_password')}</label>
        <p>
          <input id="current" name="current" type="password" autocomplete="current-password" required autofocus />
        </p>
        <label for="next">${t(lang, 'new_password')}</label>
        <p>
          <input
            id="next"
            name="next"
            type="password"
            autocomplete="new-password"
            minlength="10"
            maxlength="256"
            required
          />
        </p>
        <label for="again">${t(lang, 'new_password_again')}</label>
        <p>
          <input
            id="again"
            name="again"
            type="password"
            autocomplete="new-password"
            minlength="10"
            maxlength="256"
            required
          />
        </p>
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
