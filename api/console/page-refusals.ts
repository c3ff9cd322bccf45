import { permissions, type Permission } from '../auth/permissions.ts';
import type { ApiKey } from '../auth/keys.ts';
import type { Lang } from './i18n.ts';
import { sessionTexts } from './session-texts.ts';

/** roles by their labels, in the page's language (given by error-text.ts, which owns the labels) */
type RoleLabel = (role: string) => string;

/** a key pinned to a region or team (a collector's): the only one a page can be hidden from by scope */
export const scopedKey = (key: ApiKey | undefined) => Boolean(key && (key.region || key.team));

/** The 404's words: "or outside your region or team" only where it can be true. */
export const notFoundLine = (lang: Lang, scoped: boolean) =>
  (scoped ? sessionTexts.not_found_scoped : sessionTexts.not_found)[lang];

/** "a, b and c" / "a、b和c" */
function joined(items: string[], lang: Lang): string {
  const last = items.at(-1) ?? '';
  if (items.length < 2) return last;
  const rest = items.slice(0, -1).join(lang === 'zh-CN' ? '、' : ', ');
  return lang === 'zh-CN' ? `${rest}和${last}` : `${rest} and ${last}`;
}

/** the permission a refusal names (requirePermission's reason `missing_permission:<p>`), if one of the table's */
function permissionOf(reason: unknown): Permission | undefined {
  const m = typeof reason === 'string' ? /^missing_permission:(.+)$/u.exec(reason) : null;
  const p = m?.[1];
  return p && Object.hasOwn(permissions, p) ? (p as Permission) : undefined;
}

/**
 * Who may open a refused page, from the one permission table: "It is open to admin and executive
 * only." / "此页面或操作仅对管理员和管理层开放。" — so the person knows whom to ask. Undefined for a
 * refusal that names no permission (a CSRF token, a scope).
 */
export function openToLine(reason: unknown, lang: Lang, label: RoleLabel): string | undefined {
  const p = permissionOf(reason);
  if (!p) return undefined;
  return sessionTexts.open_to[lang].replace('{roles}', joined(permissions[p].map(label), lang));
}
