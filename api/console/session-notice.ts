import type { Lang } from './i18n.ts';
import { sessionTexts } from './session-texts.ts';

/**
 * Why the sign-in page is shown, carried in its address (`reason=`) from a fixed catalogue: only
 * these words are ever shown, whatever a link says, so no text of a crafted link is reflected.
 */
export const signInReasons = ['unsaved', 'ended', 'signed_out'] as const;
export type SignInReason = (typeof signInReasons)[number];

export const signInReasonOf = (v: string | undefined): SignInReason | undefined =>
  (signInReasons as readonly string[]).includes(v ?? '') ? (v as SignInReason) : undefined;

/** the sign-in page's address, with where to go after and why it is asked */
export function loginHref(next: string | undefined, reason?: SignInReason): string {
  const q = new URLSearchParams();
  if (next) q.set('next', next);
  if (reason) q.set('reason', reason);
  const s = q.toString();
  return s ? `/console/login?${s}` : '/console/login';
}

/** the parameter that puts the "not saved" notice on the page signed in to */
export const unsavedParam = 'unsaved';

/**
 * Where a sign-in lands: after a form that was lost, the page it was on says so (`unsaved=1`), so
 * nobody takes the page's unchanged state for the saved one.
 */
export function afterSignIn(target: string, reason: SignInReason | undefined): string {
  if (reason !== 'unsaved') return target;
  const u = new URL(target, 'http://console.invalid');
  u.searchParams.set(unsavedParam, '1');
  return `${u.pathname}${u.search}`;
}

/** the notice of the sign-in page */
export const signInNotice = (reason: SignInReason, lang: Lang) => sessionTexts[reason][lang];

/** the notice of a page reached by signing in after a lost form (undefined on any other page) */
export const unsavedNotice = (url: string, lang: Lang) =>
  new URL(url).searchParams.get(unsavedParam) === '1' ? sessionTexts.unsaved_after[lang] : undefined;
