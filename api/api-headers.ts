import type { MiddlewareHandler } from 'hono';

/**
 * The /v1 answers carry loan-level data, the audit log, keys and report packs, and a report GET may
 * be opened in the browser with the console's session (docs/console.md): none may be kept by a
 * shared cache (an X-API-Key request is not one a cache treats as authorised), sniffed into HTML, or
 * run script on the console's origin. A route's own Cache-Control (metrics: private, with an ETag)
 * and Content-Disposition (the archive's files) are kept.
 */
export const apiHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  // a report pack is one self-contained page: its style inline, its fonts and images data: URLs, no script
  headers.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  const disposition = dispositionOf(headers.get('Content-Type') ?? '', c.req.path);
  if (disposition && !headers.has('Content-Disposition')) headers.set('Content-Disposition', disposition);
};

/**
 * A CSV (loan-level rows) is saved, as the console's exports are; a PDF, PNG or SVG stays inline,
 * so the dashboard's pack links still open in the browser, with a file name for saving it.
 */
function dispositionOf(contentType: string, path: string): string | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const ext = { 'text/csv': 'csv', 'application/pdf': 'pdf', 'image/png': 'png', 'image/svg+xml': 'svg' }[type];
  if (!ext) return null;
  const name = (
    path
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? 'export'
  ).replace(/[^A-Za-z0-9._-]/gu, '_');
  return `${ext === 'csv' ? 'attachment' : 'inline'}; filename="${name}.${ext}"`;
}
