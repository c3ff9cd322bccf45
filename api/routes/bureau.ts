import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { isoMonth } from '../../lib/date-schemas.ts';
import { csvTable } from '../../warehouse/csv-cell.ts';
import { defaultCodeTable } from '../../pipelines/bureau/codes.ts';
import { bureauSubmission, submissionColumns, type SubmissionRow } from '../../pipelines/bureau/submission.ts';
import type { AppEnv } from '../context.ts';
import { permitted } from '../middleware.ts';
import { errorResponses } from '../schemas.ts';
import { userErrorsAsBadRequest } from './request-checks.ts';
import { wantsCsv } from '../wants-csv.ts';

const accountSchema = z
  .object(
    Object.fromEntries(submissionColumns.map((c) => [c, z.string()])) as Record<
      (typeof submissionColumns)[number],
      z.ZodString
    >,
  )
  .openapi('BureauAccount', {
    description:
      "One account of the month's credit-bureau submission: status code (default table: N current, 1–7 by 30-day overdue bands, C paid off, G closed otherwise, B written off, * nothing due, # unknown) and the 24-month history, oldest first; amounts as decimal strings, empty when unknown (docs/delinquency.md)",
  });

/**
 * The month's credit-bureau submission (issue 23, item 4), as `loanwatch bureau --month` writes it,
 * with the default code table: JSON, or the documented fixed-column CSV with Accept: text/csv. For
 * the admin and the auditor: it carries every account of the book with its customer hash.
 */
export const bureauRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    middleware: [permitted('bureau:read')] as const,
    method: 'get',
    path: '/v1/bureau',
    summary:
      "The month's credit-bureau submission: one row per account open at the month-end with its status code, balance, overdue amount and periods, max overdue, last payment and 24-month history (JSON, or CSV with Accept: text/csv)",
    // the shared month schema as it is: it may be built before zod-openapi extends zod, so no .openapi() on it
    request: { query: z.object({ month: isoMonth }).strict() },
    responses: {
      200: {
        description:
          'accounts in account order; refused (400) for a month after the latest snapshot month-end or whose codes contradict the snapshot',
        content: {
          'application/json': { schema: z.object({ month: z.string(), accounts: z.array(accountSchema) }) },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 401, 403, 429),
    },
  }),
  async (c) => {
    const { month } = c.req.valid('query');
    const { wh, snapshotSettings } = c.get('deps');
    const accounts = await userErrorsAsBadRequest(() =>
      bureauSubmission(wh, month, defaultCodeTable, snapshotSettings),
    );
    if (wantsCsv(c))
      return c.body(csvTable<SubmissionRow>(submissionColumns, accounts), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
      });
    return c.json({ month, accounts }, 200);
  },
);
