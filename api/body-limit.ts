import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * hono's body limit, not run on a GET or HEAD (refused only when it declares a length over the
 * limit). hono's limit reads `c.req.raw.body`, which makes @hono/node-server build the full fetch
 * `Request` behind its lightweight one, and every full `Request` registers a finalizer (undici)
 * that removes its abort listener once collected: the first major collection under load then ran
 * tens of thousands of them in one go, stalling the event loop for 100–300 ms (bench/api, the
 * score lookup's first run). No route reads a GET's body (nor would the fetch Request node-server
 * builds for a GET carry one), so the declared length is all there is to limit.
 */
export function requestBodyLimit(
  maxSize: number,
  onError: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const limit = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') {
      const declared = Number(c.req.header('content-length') ?? 0);
      return declared > maxSize ? onError(c) : next();
    }
    return limit(c, next);
  };
}
