import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

/**
 * Whether the client asked for CSV over JSON: the Accept header's preferences weighed (q-values,
 * `text/csv;q=0` is a refusal), as hono's negotiation reads them; JSON when it names neither.
 */
export const wantsCsv = (c: Context): boolean =>
  accepts(c, { header: 'Accept', supports: ['application/json', 'text/csv'], default: 'application/json' }) ===
  'text/csv';
