import { html, raw } from 'hono/html';
import { teamLabel } from '../../reports/i18n.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import type { ConsoleUser } from '../auth/users.ts';
import { roles } from '../auth/permissions.ts';
import { label, t, type Lang } from './i18n.ts';
import { roleNames } from './code-labels.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';

/** The create form's values, shown again after a refusal. */
export interface NewUserForm {
  name: string;
  role: string;
  region: string;
  team: string;
}
export const blankUserForm: NewUserForm = { name: '', role: 'collector', region: '', team: '' };

export interface UsersPage {
  users: ConsoleUser[];
  regions: string[];
  teams: string[];
  form: NewUserForm;
  /** the refusal of a create or a disable */
  error?: string;
  /** a user just created and the first password, shown this once */
  created?: { name: string; password: string };
  disabled?: string;
  csrf: string;
}

const choice = (values: readonly string[], current: string, text: (v: string) => string, blank?: string) => [
  ...(blank === undefined ? [] : [html`<option value="" ${current === '' ? raw('selected') : ''}>${blank}</option>`]),
  ...values.map((v) => html`<option value="${v}" ${v === current ? raw('selected') : ''}>${text(v)}</option>`),
];

/**
 * The admin's user page: every user (disabled ones too) with a disable form each, and a form that
 * creates one. The first password is generated and shown once, on the answer to the create
 * (never in a URL, never stored but as its hash); the pages are not cached (Cache-Control: no-store).
 */
export function usersBody(p: UsersPage, lang: Lang): Html {
  const f = p.form;
  return html`<h1>${t(lang, 'users')}</h1>
    ${p.error ? html`<p class="error" role="alert" id="users-error">${t(lang, 'refused')}${p.error}</p>` : ''}
    ${
      p.created
        ? html`<p class="ok" role="status" id="user-created">
            ${t(lang, 'user_created', { name: p.created.name })} <code id="first-password">${p.created.password}</code>
          </p>`
        : ''
    }
    ${
      p.disabled
        ? html`<p class="ok" role="status" id="user-disabled">${t(lang, 'user_disabled', { name: p.disabled })}</p>`
        : ''
    }
    <section aria-labelledby="create-user">
      <h2 id="create-user">${t(lang, 'create_user')}</h2>
      <form method="post" action="/console/users" class="record">
        <input type="hidden" name="_csrf" value="${p.csrf}" />
        <label
          >${t(lang, 'user_name')}
          <input
            name="name"
            value="${f.name}"
            required
            maxlength="40"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
        /></label>
        <label
          >${t(lang, 'role')}
          <select name="role">
            ${choice(roles, f.role, (r) => label(roleNames, r, lang))}
          </select></label
        >
        <label
          >${t(lang, 'region')}
          <select name="region">
            ${choice(p.regions, f.region, (r) => segmentName('region', r, lang), '—')}
          </select></label
        >
        <label
          >${t(lang, 'team')}
          <select name="team">
            ${choice(p.teams, f.team, (x) => teamLabel(x, lang), '—')}
          </select></label
        >
        <p class="note wide">${t(lang, 'user_scope_rule')} ${t(lang, 'first_password_rule')}</p>
        <button type="submit">${t(lang, 'create_user')}</button>
      </form>
    </section>
    <section aria-labelledby="user-list">
      <h2 id="user-list">${t(lang, 'all_users', { n: p.users.length })}</h2>
      ${tableScroll(
        t(lang, 'all_users', { n: p.users.length }),
        html`<table id="users">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'user_name')}</th>
              <th scope="col">${t(lang, 'role')}</th>
              <th scope="col">${t(lang, 'region')}</th>
              <th scope="col">${t(lang, 'team')}</th>
              <th scope="col">${t(lang, 'created')}</th>
              <th scope="col">${t(lang, 'disabled')}</th>
            </tr>
          </thead>
          <tbody>
            ${p.users.map(
              (u) =>
                html`<tr data-user="${u.name}" class="${u.disabled_at ? 'user-disabled' : 'user-enabled'}">
                  <td>${u.name}</td>
                  <td>${label(roleNames, u.role, lang)}</td>
                  <td>${u.region ? segmentName('region', u.region, lang) : '—'}</td>
                  <td>${u.team ? teamLabel(u.team, lang) : '—'}</td>
                  <td>${u.created_at.slice(0, 16).replace('T', ' ')} · ${u.created_by}</td>
                  <td>
                    ${
                      u.disabled_at
                        ? `${u.disabled_at.slice(0, 16).replace('T', ' ')} · ${u.disabled_by ?? ''}${u.disable_reason ? `: ${u.disable_reason}` : ''}`
                        : html`<form
                            method="post"
                            action="/console/users/${encodeURIComponent(u.name)}/disable"
                            class="inline"
                          >
                            <input type="hidden" name="_csrf" value="${p.csrf}" />
                            <input
                              name="reason"
                              maxlength="500"
                              placeholder="${t(lang, 'reason')}"
                              aria-label="${t(lang, 'reason')} (${u.name})"
                            />
                            <button type="submit">${t(lang, 'disable')}</button>
                          </form>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
    </section>`;
}
