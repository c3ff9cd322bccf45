/** Anything that answers requests as a Hono app does (app.request). */
interface Requestable {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/**
 * One browser of the console against an app: a cookie jar, form posts, sign-in by key or by name
 * and password, and the form token of a page. `on` is asked for the app at each request, so a test
 * can restart it behind the same browser.
 */
export function consoleBrowser(on: () => Requestable, base = 'http://localhost') {
  const jar = new Map<string, string>();
  const request = async (
    path: string,
    o: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) => {
    const r = await on().request(`${base}${path}`, {
      method: o.method ?? 'GET',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...o.headers,
      },
      body: o.form ? new URLSearchParams(o.form).toString() : undefined,
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const [k = '', v = ''] = pair.split('=');
      if (/max-age=0/iu.test(c) || v === '') jar.delete(k);
      else jar.set(k, v);
    }
    return r;
  };
  const csrf = async (path: string) =>
    /name="_csrf" value="([^"]+)"/u.exec(await (await request(path)).text())?.[1] ?? '';
  const signInWith = async (fields: Record<string, string>) =>
    request('/console/login', { method: 'POST', form: { _csrf: await csrf('/console/login'), ...fields, next: '' } });
  const signIn = (key: string) => signInWith({ key });
  const signInUser = (name: string, password: string) => signInWith({ name, password });
  return { jar, request, signIn, signInUser, csrf };
}
