import type { Context, Hono, MiddlewareHandler } from 'hono';
import { generatedPassword } from '../auth/passwords.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { knownScopes } from '../auth/scopes.ts';
import { changePassword, ConsoleUserError, createUser, disableUser, listUsers, userKeyId } from '../auth/users.ts';
import { roles, type Role } from '../auth/permissions.ts';
import { audit, auditDenial } from '../audit.ts';
import { requirePermission } from '../middleware.ts';
import { describeUserProblem } from './error-text.ts';
import { langOf, t, type Lang } from './i18n.ts';
import type { Render } from './index.ts';
import { noPasswordBody, passwordBody, type PasswordPageState } from './password-page.ts';
import { sessionOf, type ConsoleEnv } from './session-auth.ts';
import { blankUserForm, usersBody, type NewUserForm, type UsersPage } from './users-page.ts';

/**
 * The console's account pages: a user's own password, and the admin's user list (create, disable).
 * They call the functions `loanwatch users create|list|disable` call (api/auth/users.ts): one
 * implementation of the name, role, scope and password rules. The admin page needs `keys:manage`:
 * a user is a key with a password (same role and scope fields), so whoever may mint keys may mint
 * users, and no one else.
 */
export function accountPages(
  app: Hono<ConsoleEnv>,
  o: { store: SessionStore; session: MiddlewareHandler<ConsoleEnv>; render: Render },
) {
  const { store, session, render } = o;

  const passwordPage = (
    c: Context<ConsoleEnv>,
    lang: Lang,
    s: PasswordPageState,
    status: 200 | 400 | 401 | 429 = 200,
  ) =>
    c.html(
      render(c, lang, t(lang, 'change_password'), passwordBody(lang, sessionOf(c).csrf, s), { active: 'password' }),
      status,
    );

  /** a session signed in with an API key: there is no password to change (403, said in words, audited like any refusal) */
  const keyOnly = async (c: Context<ConsoleEnv>, lang: Lang) => {
    await auditDenial(c, 403, { reason: 'console_password_of_key_session' });
    return c.html(render(c, lang, t(lang, 'change_password'), noPasswordBody(lang), { active: 'password' }), 403);
  };

  app.get('/password', session, async (c) => {
    const lang = langOf(c);
    if (sessionOf(c).principal !== 'user') return keyOnly(c, lang);
    const changed = Number(c.req.query('changed'));
    return passwordPage(c, lang, Number.isInteger(changed) && changed >= 0 ? { changed } : {});
  });

  app.post('/password', session, async (c) => {
    const lang = langOf(c);
    const s = sessionOf(c);
    if (s.principal !== 'user') return keyOnly(c, lang);
    const { wh } = c.get('deps');
    const { addresses } = c.get('caches');
    const address = c.get('clientAddress');
    // a wrong current password counts against the same per-address limit as a failed sign-in
    const wait = addresses.blockedFor(address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return passwordPage(c, lang, { error: t(lang, 'password_attempts', { seconds: wait }) }, 429);
    }
    const f = c.get('form') ?? {};
    const current = f.current ?? '';
    const next = f.next ?? '';
    if (next !== (f.again ?? '')) return passwordPage(c, lang, { error: t(lang, 'passwords_differ') }, 400);
    const name = s.key.key_id.replace(/^user:/u, '');
    // a policy problem (the rules of `users create`) is a 400 and no failed password
    const r = await changePassword(wh, name, { current, next, by: s.key.key_id }).catch((e: unknown) => {
      if (e instanceof ConsoleUserError) return e;
      throw e;
    });
    if (r instanceof ConsoleUserError)
      return passwordPage(c, lang, { error: describeUserProblem(r.problem, lang) }, 400);
    if (!r.ok) {
      addresses.charge(address);
      await auditDenial(c, 401, { reason: `console_password_change_${r.reason}`, key_id: s.key.key_id });
      return passwordPage(c, lang, { error: t(lang, 'wrong_current_password') }, 401);
    }
    // whoever knew the old password is signed out everywhere; this session stays
    const ended = await store.endSessionsOf(wh, s.key.key_id, { except: s.id, reason: 'password_changed' });
    await audit(c, 'console.password_change', s.key.key_id, { ended_sessions: ended });
    return c.redirect(`/console/password?changed=${ended}`, 303);
  });

  const usersPage = async (c: Context<ConsoleEnv>, p: Partial<UsersPage>, status: 200 | 400 = 200) => {
    const lang = langOf(c);
    const { wh } = c.get('deps');
    const [users, scopes] = await Promise.all([listUsers(wh), knownScopes(wh)]);
    const body = usersBody(
      { users, regions: scopes.regions, teams: scopes.teams, form: blankUserForm, csrf: sessionOf(c).csrf, ...p },
      lang,
    );
    return c.html(render(c, lang, t(lang, 'users'), body, { active: 'users' }), status);
  };

  app.get('/users', session, async (c) => {
    requirePermission(c, 'keys:manage');
    const disabled = c.req.query('disabled')?.slice(0, 40);
    return usersPage(c, disabled ? { disabled } : {});
  });

  app.post('/users', session, async (c) => {
    requirePermission(c, 'keys:manage');
    const lang = langOf(c);
    const f = c.get('form') ?? {};
    const form: NewUserForm = {
      name: (f.name ?? '').trim().slice(0, 80),
      role: (f.role ?? '').slice(0, 40),
      region: (f.region ?? '').slice(0, 60),
      team: (f.team ?? '').slice(0, 60),
    };
    const by = c.get('key').key_id;
    const password = generatedPassword();
    try {
      // createUser checks the role, the name and the scope against the warehouse, as for the CLI
      const u = await createUser(c.get('deps').wh, {
        name: form.name,
        role: form.role as Role,
        region: form.region,
        team: form.team,
        password,
        by,
      });
      await audit(c, 'users.create', userKeyId(u.name), {
        source: 'console',
        role: u.role,
        region: u.region,
        team: u.team,
      });
      return await usersPage(c, { created: { name: u.name, password } });
    } catch (e) {
      if (e instanceof ConsoleUserError)
        return usersPage(
          c,
          {
            form: { ...form, role: (roles as readonly string[]).includes(form.role) ? form.role : '' },
            error: describeUserProblem(e.problem, lang),
          },
          400,
        );
      throw e;
    }
  });

  app.post('/users/:name/disable', session, async (c) => {
    requirePermission(c, 'keys:manage');
    const lang = langOf(c);
    const name = c.req.param('name').slice(0, 40);
    const reason = (c.get('form')?.reason ?? '').trim();
    const by = c.get('key').key_id;
    if (userKeyId(name) === by) return usersPage(c, { error: t(lang, 'not_yourself') }, 400);
    const { wh } = c.get('deps');
    try {
      const u = await disableUser(wh, name, { by, reason });
      // at once: this process forgets them and every process reads their sessions as ended
      const ended = await store.endSessionsOf(wh, userKeyId(name), { reason: 'user_disabled' });
      await audit(c, 'users.disable', userKeyId(name), {
        source: 'console',
        reason,
        ended_sessions: ended,
        already_disabled: u.already_disabled,
      });
    } catch (e) {
      if (e instanceof ConsoleUserError) return usersPage(c, { error: describeUserProblem(e.problem, lang) }, 400);
      throw e;
    }
    return c.redirect(`/console/users?disabled=${encodeURIComponent(name)}`, 303);
  });
}
