import type { Context } from 'hono';

/**
 * Where an error page's Back goes: the console page the reader came from (the queue with its
 * filters, the loan whose form was sent), else the console's start. Only a path of this console on
 * this host is taken from the Referer, and never the failed page itself — Back must not loop to it.
 */
export function backHref(c: Context): string {
  const fallback = '/console';
  const referer = c.req.header('referer');
  if (!referer) return fallback;
  let from: URL;
  let here: URL;
  try {
    here = new URL(c.req.url);
    from = new URL(referer, here);
  } catch {
    return fallback;
  }
  if (from.host !== here.host || !/^\/console(\/|$)/u.test(from.pathname)) return fallback;
  const target = `${from.pathname}${from.search}`;
  return target === `${here.pathname}${here.search}` ? fallback : target;
}
