import { audit } from '../audit.ts';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { packTemplates, templates } from '../../reports/catalogue.ts';
import { languages, type Lang } from '../../reports/i18n.ts';
import {
  assemblePack,
  assertSegmentHasLoans,
  buildChart,
  packDocument,
  packMeta,
  rendered,
  reportPeriod,
  ReportRequestError,
  rowsCsv,
} from '../../reports/pack.ts';
import { cjkFontFile, ReportFontError } from '../../reports/render/fonts.ts';
import { packHtml } from '../../reports/render/html.ts';
import { packPdf } from '../../reports/render/pdf.ts';
import { svgToPng } from '../../reports/render/png.ts';
import { packs, type Pack, type ReportSegment } from '../../reports/template.ts';
import { metricTextFields } from '../../warehouse/metrics/request.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { firstSnapshotMonthEnd } from '../../warehouse/data-horizon.ts';
import { MetricRequestError } from '../../warehouse/metrics/compile.ts';
import { UnknownFilterValueError } from '../../warehouse/metrics/known-values.ts';
import { archiveIdPattern } from '../../reports/archive/pack-id.ts';
import { archivedFile, ArchiveIntegrityError, listArchive } from '../../reports/archive/store.ts';
import { ApiError } from '../errors.ts';
import type { AppEnv } from '../context.ts';
import { permitted } from '../middleware.ts';
import { errorResponses, noQueryParameters } from '../schemas.ts';

const names = [...packs, ...templates.map((t) => t.id)] as [string, ...string[]];
const formats = ['html', 'pdf', 'png', 'svg', 'json', 'csv'] as const;
type Format = (typeof formats)[number];
const contentType: Record<Format, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
};

/**
 * A month before the data's first month-end rendered a pack of "—" and a header-less one-byte CSV,
 * each read as that month's; metrics and bureau refuse such a date, and so does this route.
 */
async function refusePeriodBeforeData(wh: Warehouse, period: string): Promise<void> {
  const first = await firstSnapshotMonthEnd(wh);
  if (first === null || period >= first.slice(0, 7)) return;
  const message = `period ${period} is before the data's first month-end ${first}: there is nothing to report (use ${first.slice(0, 7)} or later)`;
  throw new ApiError('bad_request', message, { fields: [{ field: 'period', message }] });
}

/** One chart, or a whole pack (html or pdf), rendered for a month and a language. */
async function renderReport(
  wh: Warehouse,
  fontFile: string,
  name: string,
  period: string,
  segment: ReportSegment,
  lang: Lang,
  format: Format,
): Promise<string | Buffer> {
  const p = await reportPeriod(wh, period, segment);
  // as the CLI: a segment that selects no loan is refused, not rendered as pages of "—"
  await assertSegmentHasLoans(wh, p);
  const isPack = (packs as readonly string[]).includes(name);
  if (isPack && !['html', 'pdf'].includes(format))
    throw new ApiError(
      'bad_request',
      `a whole pack renders as html or pdf; ask for one chart (e.g. ${packTemplates(name as Pack)[0]!.id}) as ${format}`,
    );
  if (isPack)
    return packDocument(
      await assemblePack(wh, { pack: name as Pack, period: p, lang, fontFile, pdf: format === 'pdf' }),
      format as 'html' | 'pdf',
      fontFile,
    );
  const one = await buildChart(
    wh,
    templates.find((t) => t.id === name)!,
    p,
    lang,
    fontFile,
  );
  const meta = { ...packMeta(one.template.pack, p, lang), title: `${one.template.title[lang]} · ${p.period}` };
  switch (format) {
    case 'html':
      return packHtml(meta, rendered([one], lang), undefined, fontFile || undefined);
    case 'pdf':
      return packPdf(meta, rendered([one], lang), fontFile);
    case 'png':
      return svgToPng(one.svg, fontFile);
    case 'svg':
      return one.svg;
    case 'json':
      return `${JSON.stringify(one.spec)}\n`;
    case 'csv':
      return rowsCsv(one.rows);
  }
}

const fileSchema = z.object({
  name: z.string(),
  sha256: z.string().openapi({ description: 'SHA-256 of the file as archived (hex)' }),
  bytes: z.number().int(),
});
const archiveEntrySchema = z
  .object({
    id: z.string(),
    pack: z.enum(packs),
    period: z.string(),
    month_end: z.string(),
    segment: z.object({
      product: z.array(z.string()).optional(),
      region: z.array(z.string()).optional(),
      branch: z.array(z.string()).optional(),
    }),
    lang: z.enum(languages),
    generated_at: z.string().openapi({ description: 'UTC, ISO 8601' }),
    snapshot_run: z.string().openapi({ description: 'the latest snapshot run when the pack was built (started_at)' }),
    champion: z.string().openapi({ description: 'the champion model of the scores shown, name@version' }),
    inputs: z
      .record(z.string(), z.string())
      .openapi({ description: 'per input table: rows:checksum of what a pack for the month-end reads' }),
    inputs_sha256: z.string(),
    files: z.array(fileSchema),
  })
  .openapi('ArchivedPack');

const fileContentType: Record<string, string> = {
  ...Object.fromEntries(Object.entries(contentType).map(([ext, type]) => [`.${ext}`, type])),
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const contentTypeOf = (name: string) =>
  (name.endsWith('.vl.json') ? contentType.json : fileContentType[/\.[a-z]+$/u.exec(name)?.[0] ?? '']) ??
  'application/octet-stream';

// declared before /v1/reports/{template}, which would otherwise take `archive` for a chart id
export const reportRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('reports:archive')] as const,
      method: 'get',
      path: '/v1/reports/archive',
      summary: 'The archived packs (newest period first): period, segment, language, inputs and file hashes',
      request: {
        query: z
          .object({
            period: z
              .string()
              .regex(/^\d{4}-(0[1-9]|1[0-2])$/u, 'a month YYYY-MM')
              .optional(),
            pack: z.enum(packs).optional(),
            lang: z.enum(languages).optional(),
          })
          .strict(),
      },
      responses: {
        200: {
          description: 'the archive',
          content: { 'application/json': { schema: z.object({ archive: z.array(archiveEntrySchema) }) } },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const archive = await listArchive(c.get('deps').wh, c.req.valid('query'));
      return c.json({ archive }, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('reports:archive')] as const,
      method: 'get',
      path: '/v1/reports/archive/{id}/{file}',
      summary:
        'One file of an archived pack, as it was issued (checked against its archived SHA-256, sent in X-Content-SHA256)',
      request: {
        query: noQueryParameters,
        params: z.object({
          id: z.string().regex(archiveIdPattern, 'an archive id, e.g. 2024-06-management-zh-CN-0123456789ab'),
          file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/u, 'a file name of the pack, e.g. report.pdf'),
        }),
      },
      responses: {
        200: {
          description: 'the file',
          headers: z.object({ 'X-Content-SHA256': z.string() }),
          content: {
            'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { id, file } = c.req.valid('param');
      let found: Awaited<ReturnType<typeof archivedFile>>;
      try {
        found = await archivedFile(c.get('deps').wh, id, file, c.get('deps').archiveRoot);
      } catch (e) {
        if (!(e instanceof ArchiveIntegrityError)) throw e;
        // an issued pack altered or removed since: the auditor must see it in the log, not only this caller
        await audit(c, 'reports.archive_integrity', `${id}/${file}`, { archive_id: id, file, what: e.message });
        throw new ApiError(
          'internal',
          `archived file ${file} of ${id} is missing or no longer matches the SHA-256 recorded when it was issued: the archive was altered since; recorded in the audit log (reports.archive_integrity)`,
          undefined,
          { cause: e },
        );
      }
      if (!found) throw new ApiError('not_found', `no file ${file} in an archived pack ${id}`);
      return c.body(new Uint8Array(found.body), 200, {
        'Content-Type': contentTypeOf(file),
        'X-Content-SHA256': found.sha256,
        ETag: `"${found.sha256}"`,
        'Content-Disposition': `inline; filename="${file}"`,
      });
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('reports:read')] as const,
      method: 'get',
      path: '/v1/reports/{template}',
      summary:
        'A report chart (html, svg, png, pdf, its Vega-Lite JSON, or its data as CSV), or a whole pack (management | regulatory) as html or pdf',
      request: {
        params: z.object({ template: z.enum(names).openapi({ description: 'a chart id, or a pack name' }) }),
        query: z
          .object({
            period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/u, 'a month YYYY-MM'),
            lang: z.enum(languages).default('zh-CN'),
            format: z.enum(formats).default('html'),
            product: metricTextFields.product,
            region: metricTextFields.region,
            branch: metricTextFields.branch,
          })
          .strict(),
      },
      responses: {
        200: {
          description: 'the rendered report',
          content: {
            'text/html': { schema: z.string() },
            'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
            'image/png': { schema: z.string().openapi({ format: 'binary' }) },
            'image/svg+xml': { schema: z.string() },
            'application/json': { schema: z.record(z.string(), z.unknown()) },
            'text/csv': { schema: z.string() },
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { template } = c.req.valid('param');
      const q = c.req.valid('query');
      const { wh, cjkFont } = c.get('deps');
      const segment: ReportSegment = Object.fromEntries(
        (['product', 'region', 'branch'] as const).filter((k) => q[k]).map((k) => [k, [...new Set(q[k])].sort()]),
      );
      await refusePeriodBeforeData(wh, q.period);
      const key = JSON.stringify([template, q.period, segment, q.lang, q.format]);
      const body = await c.get('caches').reports.get(key, async () => {
        try {
          return await renderReport(wh, cjkFontFile(cjkFont ?? ''), template, q.period, segment, q.lang, q.format);
        } catch (e) {
          if (
            e instanceof ReportRequestError ||
            e instanceof MetricRequestError ||
            e instanceof UnknownFilterValueError
          )
            throw new ApiError('bad_request', e.message, undefined, { cause: e });
          if (e instanceof ReportFontError)
            throw new ApiError('internal', 'reports cannot render: no CJK font on the server', undefined, { cause: e });
          throw e;
        }
      });
      return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200, {
        'Content-Type': contentType[q.format],
      });
    },
  );
