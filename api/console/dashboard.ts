import { z } from 'zod';
import { html, raw } from 'hono/html';
import type { Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { param, sql, trusted } from '../../warehouse/sql.ts';
import { querySql } from '../../warehouse/connection.ts';
import { requireSnapshotMonthEnd } from '../../warehouse/data-horizon.ts';
import { knownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { runMetric } from '../../warehouse/metrics/run.ts';
import { assertSegmentHasLoans, reportPeriod, ReportRequestError } from '../../reports/pack.ts';
import type { Summary } from '../../reports/summary/index.ts';
import { segmentName, segmentText } from '../../reports/summary/segments.ts';
import { amountsIn } from '../../reports/summary/currency.ts';
import { formatMoney, formatPct, moneyAxisLabelExpr, moneyLabelExpr, stageLabels } from '../../reports/i18n.ts';
import { fixedColours } from '../../reports/theme.ts';
import { monthAxis, titled } from './chart-parts.ts';
import type { ReportPeriod, ReportSegment } from '../../reports/template.ts';
import { TtlCache } from '../cache.ts';
import { checkKnownFilters, userErrorsAsBadRequest } from '../routes/request-checks.ts';
import { label, t, type Lang } from './i18n.ts';
import { dashboardKeyFigures } from './key-figures.ts';
import { jsonData, type Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';

const drillDims = ['product', 'region', 'branch'] as const;
type DrillDim = (typeof drillDims)[number];

const name = z
  .string()
  .max(64)
  .regex(/^[^,\p{Cc}]*$/u, 'a name without commas or control characters')
  .optional()
  .transform((s) => (s === '' ? undefined : s));
/** The dashboard's query: a period and one value per filter (blank = all). */
export const dashboardQuery = z.object({
  period: z
    .string()
    .regex(/^(\d{4}-(0[1-9]|1[0-2]))?$/u, 'a month YYYY-MM')
    .optional()
    .transform((s) => (s === '' ? undefined : s)),
  product: name,
  region: name,
  branch: name,
  channel: name,
  lang: z.string().optional(),
});
export type DashboardQuery = z.output<typeof dashboardQuery>;

interface DrillRow {
  code: string;
  label: string;
  href: string;
  outstanding: number;
  m1plus_ratio: number | null;
  npl: number;
  npl_ratio: number | null;
}
interface LoanRow {
  loan_id: string;
  stage: number;
  ead: number;
  ecl: number;
  phone: string;
}

export interface Dashboard {
  period: string;
  monthEnd: string;
  q: DashboardQuery;
  summary: Summary;
  trend: {
    month_end: string;
    outstanding: number;
    overdue_ratio: number | null;
    npl_ratio: number | null;
    par90: number | null;
  }[];
  dim: DrillDim | null;
  drill: DrillRow[];
  loans: { rows: LoanRow[]; total: number; ead: number } | null;
  options: Record<'product' | 'region' | 'branch' | 'channel', string[]>;
  periods: string[];
  /**
   * No loan at the month-end: 'segment' when the segment itself has none (a branch of another
   * region: the pack is refused too, reports/pack.ts), 'channel' when only the channel leaves none.
   */
  empty: 'segment' | 'channel' | null;
}

/**
 * A view's data is kept a minute per warehouse, query and language, as the API keeps metric results
 * (api/cache.ts), and after that answered from memory while one reload runs beside it (stale while
 * revalidate): once computed, a view never makes a reader wait for its recomputation. The key
 * figures are the costliest part (five metrics over the four compared month-ends), then a branch's
 * loans.
 */
const views = new WeakMap<Warehouse, TtlCache<string, Dashboard>>();
function viewCache(wh: Warehouse) {
  let c = views.get(wh);
  if (!c) views.set(wh, (c = new TtlCache<string, Dashboard>(60_000, 200, true)));
  return c;
}

/**
 * The period's key figures (the management pack's, computed without the rest of its summary:
 * key-figures.ts) per warehouse, period, segment and language, kept ten minutes (then
 * revalidated beside readers, as above): views that differ only by channel, or a language switch
 * and back, share one summary. The month-end snapshot changes when the book is refreshed, not
 * between two clicks; a refresh shows on the dashboard within ten minutes (or at a restart).
 */
const summaries = new WeakMap<Warehouse, TtlCache<string, Summary>>();
function summaryOf(wh: Warehouse, rp: ReportPeriod, lang: Lang) {
  let c = summaries.get(wh);
  if (!c) summaries.set(wh, (c = new TtlCache<string, Summary>(600_000, 500, true)));
  return c.get(JSON.stringify([rp.monthEnd, rp.from, rp.segment, lang]), () => dashboardKeyFigures(wh, rp, lang));
}

/** The dashboard's data for a query, cached (see viewCache). */
export const cachedDashboardData = (wh: Warehouse, q: DashboardQuery, lang: Lang) =>
  viewCache(wh).get(JSON.stringify([q.period, q.product, q.region, q.branch, q.channel, lang]), () =>
    dashboardData(wh, q, lang),
  );

/**
 * Starts computing the landing view — this month, the whole book — in the background, through the
 * same cache: the sign-in page calls it, so while a person types a key or a password the work is
 * done and the dashboard after sign-in answers from memory. Once a minute per language at most
 * (the cache dedupes and then revalidates); a failure (no snapshot yet) is dropped here and
 * shown by the dashboard itself.
 */
export function warmDashboard(wh: Warehouse, lang: Lang): Promise<void> {
  return cachedDashboardData(wh, dashboardQuery.parse({}), lang).then(
    () => undefined,
    () => undefined,
  );
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const maxLoans = 200;

/** The dashboard URL for a query (the drill links and the breadcrumb). */
export function dashboardHref(q: Partial<DashboardQuery>): string {
  const u = new URLSearchParams();
  for (const k of ['period', 'product', 'region', 'branch', 'channel'] as const) {
    const v = q[k];
    if (v) u.set(k, v);
  }
  const s = u.toString();
  return `/console/dashboard${s ? `?${s}` : ''}`;
}

/**
 * Everything the dashboard shows, from the metrics layer: the key figures of the management pack's
 * summary (reports/summary: value, change on the month and since the year start, status against
 * the limits) for the segment; the 12-month trend of `overdue`; the breakdown of `overdue` by the
 * next drill level (product → region → branch), and below a branch the loans of `ecl` by loan
 * (their exposures add up to the segment's balance) with the customer's phone as stored (masked).
 */
export async function dashboardData(wh: Warehouse, q: DashboardQuery, lang: Lang): Promise<Dashboard> {
  const last = await requireSnapshotMonthEnd(wh);
  const period = q.period ?? last.slice(0, 7);
  const segment: ReportSegment = Object.fromEntries(drillDims.filter((d) => q[d]).map((d) => [d, [q[d]!]]));
  const rp = await userErrorsAsBadRequest(() => reportPeriod(wh, period, segment));
  if (q.channel) await checkKnownFilters(wh, { channel: q.channel });
  const filters = { ...segment, ...(q.channel ? { channel: [q.channel] } : {}) };
  const summary = await summaryOf(wh, rp, lang);
  const trend = (
    await runMetric(wh, 'overdue', { from: rp.from, to: rp.monthEnd, group_by: ['month_end'], ...filters })
  ).rows.map((r) => ({
    month_end: String(r.month_end),
    outstanding: Number(r.outstanding),
    overdue_ratio: num(r.overdue_ratio),
    npl_ratio: num(r.npl_ratio),
    par90: num(r.par90),
  }));
  // the overdue metric has a row for a month-end with a loan in the filters, none without (as the pack's check)
  const empty = trend.some((r) => r.month_end === rp.monthEnd)
    ? null
    : !q.channel || (await segmentIsEmpty(wh, rp))
      ? 'segment'
      : 'channel';
  const dim = drillDims.find((d) => !q[d]) ?? null;
  let drill: DrillRow[] = [];
  let loans: Dashboard['loans'] = null;
  if (dim) {
    const rows = (await runMetric(wh, 'overdue', { from: rp.monthEnd, to: rp.monthEnd, group_by: [dim], ...filters }))
      .rows;
    drill = rows
      .map((r) => {
        const code = String(r[dim]);
        return {
          code,
          label: segmentName(dim, code, lang),
          href: dashboardHref({ ...q, [dim]: code }),
          outstanding: Number(r.outstanding),
          m1plus_ratio: num(r.overdue_ratio),
          npl: Number(r.npl),
          npl_ratio: num(r.npl_ratio),
        };
      })
      .filter((r) => r.outstanding > 0)
      .sort((a, b) => b.outstanding - a.outstanding || a.code.localeCompare(b.code));
  } else {
    const rows = (await runMetric(wh, 'ecl', { as_of: rp.monthEnd, group_by: ['stage', 'loan_id'], ...filters })).rows
      .map((r) => ({ loan_id: String(r.loan_id), stage: Number(r.stage), ead: Number(r.ead), ecl: Number(r.ecl) }))
      .sort((a, b) => b.stage - a.stage || b.ead - a.ead || a.loan_id.localeCompare(b.loan_id));
    const shown = rows.slice(0, maxLoans);
    const phones = new Map(
      (
        await querySql<{ loan_id: string; phone: string }>(
          wh,
          sql`SELECT l.loan_id AS loan_id, c.phone_masked AS phone FROM ${trusted(tableRef(wh, 'loans'))} AS l
          LEFT JOIN ${trusted(tableRef(wh, 'customers'))} AS c ON c.customer_id = l.customer_id
          WHERE l.loan_id IN ${param(
            shown.map((r) => r.loan_id),
            'Array(String)',
          )}`,
          { join_use_nulls: 0 },
        )
      ).map((r) => [r.loan_id, r.phone]),
    );
    loans = {
      rows: shown.map((r) => ({ ...r, phone: phones.get(r.loan_id) ?? '' })),
      total: rows.length,
      ead: rows.reduce((s, r) => s + r.ead, 0),
    };
  }
  const known = await knownFilterValues(wh);
  const periods: string[] = [];
  for (let i = 0; i < 24; i++) {
    const d = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)) - 1 - i, 1));
    periods.push(d.toISOString().slice(0, 7));
  }
  return {
    period,
    monthEnd: rp.monthEnd,
    q,
    summary,
    trend,
    dim,
    drill,
    loans,
    options: {
      product: known.product.filter(Boolean),
      region: known.region.filter(Boolean),
      branch: known.branch.filter((b) => b !== '' && (!q.region || b.startsWith(`${q.region}-`))),
      channel: known.channel.filter(Boolean),
    },
    periods,
    empty,
  };
}

/** the pack's own test of a segment without a loan at the month-end (reports/pack.ts) */
async function segmentIsEmpty(wh: Warehouse, rp: ReportPeriod): Promise<boolean> {
  try {
    await assertSegmentHasLoans(wh, rp);
    return false;
  } catch (e) {
    if (e instanceof ReportRequestError) return true;
    throw e;
  }
}

const pctOrNone = (x: number | null) => (x === null ? '—' : formatPct(x, 2));
const dimLabel = (d: DrillDim, lang: Lang) => t(lang, d);

/**
 * The Vega-Lite specs of the dashboard: data inline, tooltips on every mark, `href` on the drill bars.
 * Both trends put the month on an ordinal axis, one label a point: month-end dates on a temporal
 * axis are ticked at each month's 1st, so the label "2024-06" stood beside May's month-end point.
 */
export function chartSpecs(d: Dashboard, lang: Lang) {
  // by code, each with the packs' colour of that measure (reports/theme.ts), whatever the language
  const measures = { npl_ratio: 'npl_ratio', overdue_ratio: 'm1plus_ratio', par90: 'par90' } as const;
  const codes = Object.keys(measures) as (keyof typeof measures)[];
  const measureLabel = (k: keyof typeof measures) => t(lang, measures[k]);
  const long = d.trend.flatMap((r) =>
    codes
      .map((k) => ({
        month_end: r.month_end,
        month: r.month_end.slice(0, 7),
        measure: k,
        measure_label: measureLabel(k),
        value: r[k],
      }))
      .filter((x) => x.value !== null),
  );
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 220 };
  const ratios = {
    ...base,
    ...titled(t(lang, 'trend'), codes.map(measureLabel).join(' / ')),
    data: { values: long },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: t(lang, 'month_end'), axis: monthAxis },
      y: { field: 'value', type: 'quantitative', title: null, axis: { format: '.1%' } },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        sort: codes,
        scale: fixedColours(codes),
        legend: {
          orient: 'bottom',
          labelExpr: codes.reduceRight(
            (acc, k) => `datum.value === ${JSON.stringify(k)} ? ${JSON.stringify(measureLabel(k))} : ${acc}`,
            'datum.value',
          ),
        },
      },
      tooltip: [
        { field: 'month_end', type: 'nominal', title: t(lang, 'month_end') },
        { field: 'measure_label', type: 'nominal', title: t(lang, 'figure') },
        { field: 'value', type: 'quantitative', title: t(lang, 'value'), format: '.2%' },
      ],
    },
  };
  const balance = {
    ...base,
    ...titled(t(lang, 'trend'), t(lang, 'balance')),
    data: { values: d.trend.map((r) => ({ ...r, month: r.month_end.slice(0, 7) })) },
    mark: { type: 'bar', tooltip: true, color: '#4c78a8' },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: t(lang, 'month_end'), axis: monthAxis },
      y: {
        field: 'outstanding',
        type: 'quantitative',
        title: null,
        axis: { labelExpr: moneyAxisLabelExpr(lang) },
      },
      tooltip: [
        { field: 'month_end', type: 'nominal', title: t(lang, 'month_end') },
        { field: 'outstanding_text', type: 'nominal', title: t(lang, 'balance') },
      ],
    },
    transform: [
      { calculate: moneyLabelExpr(lang).replaceAll('datum.value', 'datum.outstanding'), as: 'outstanding_text' },
    ],
  };
  const drill = d.dim
    ? {
        ...base,
        height: { step: 22 },
        ...titled(t(lang, 'npl_ratio'), t(lang, 'breakdown_by', { dim: dimLabel(d.dim, lang) })),
        data: {
          values: d.drill.map((r) => ({
            segment: r.label,
            npl_ratio: r.npl_ratio,
            balance: formatMoney(lang, r.outstanding),
            href: r.href,
          })),
        },
        mark: { type: 'bar', tooltip: true, cursor: 'pointer', color: '#e45756' },
        encoding: {
          // the worst segment on top
          y: { field: 'segment', type: 'nominal', title: null, sort: '-x' },
          x: { field: 'npl_ratio', type: 'quantitative', title: t(lang, 'npl_ratio'), axis: { format: '.1%' } },
          tooltip: [
            { field: 'segment', type: 'nominal', title: dimLabel(d.dim, lang) },
            { field: 'npl_ratio', type: 'quantitative', title: t(lang, 'npl_ratio'), format: '.2%' },
            { field: 'balance', type: 'nominal', title: t(lang, 'balance') },
          ],
        },
      }
    : null;
  return { ratios, balance, drill };
}

const statusText = (s: string, lang: Lang) =>
  s === 'red' ? t(lang, 'red') : s === 'amber' ? t(lang, 'amber') : s === 'green' ? t(lang, 'green') : '';

function select(id: 'product' | 'region' | 'branch' | 'channel', d: Dashboard, lang: Lang): Html {
  const current = d.q[id] ?? '';
  return html`<label
    >${t(lang, id)}
    <select name="${id}">
      <option value="">${t(lang, 'all')}</option>
      ${d.options[id].map(
        (v) => html`<option value="${v}" ${v === current ? raw('selected') : ''}>${segmentName(id, v, lang)}</option>`,
      )}
    </select></label
  >`;
}

/** The dashboard's body. */
export function dashboardBody(d: Dashboard, lang: Lang): Html {
  const specs = chartSpecs(d, lang);
  const figures = d.summary.figures.filter((f) => f.key);
  const crumbs = [
    html`<a href="${dashboardHref({ period: d.period, channel: d.q.channel })}">${t(lang, 'whole_book')}</a>`,
    ...drillDims
      .filter((k) => d.q[k])
      .map(
        (k, i) =>
          html`<a
            href="${dashboardHref({
              period: d.period,
              channel: d.q.channel,
              ...Object.fromEntries(drillDims.slice(0, drillDims.indexOf(k) + 1).map((x) => [x, d.q[x]])),
            })}"
            ${i === drillDims.filter((x) => d.q[x]).length - 1 ? raw('aria-current="location"') : ''}
            >${t(lang, k)}: ${segmentName(k, d.q[k]!, lang)}</a
          >`,
      ),
  ];
  const packQuery = (pack: string) => {
    const u = new URLSearchParams({ period: d.period, format: 'pdf', lang });
    for (const k of drillDims) {
      const v = d.q[k];
      if (v) u.set(k, v);
    }
    return `/v1/reports/${pack}?${u.toString()}`;
  };
  return html`
    <h1>${t(lang, 'dashboard')} · ${d.period} <small>${segmentText(d.summary.segment, lang)}</small></h1>
    <form method="get" action="/console/dashboard" class="filters" aria-label="filters">
      <label
        >${t(lang, 'period')}
        <select name="period">
          ${d.periods.map((p) => html`<option value="${p}" ${p === d.period ? raw('selected') : ''}>${p}</option>`)}
        </select></label
      >
      ${select('product', d, lang)} ${select('region', d, lang)} ${select('branch', d, lang)}
      ${select('channel', d, lang)}
      <button type="submit">${t(lang, 'apply')}</button>
      <a href="/console/dashboard">${t(lang, 'reset')}</a>
    </form>
    <nav class="crumbs" aria-label="drill-down">${crumbs.map((c, i) => (i ? html` › ${c}` : c))}</nav>
    ${
      d.empty
        ? html`<p class="note" role="status" id="empty-segment">
            ${t(lang, d.empty === 'segment' ? 'empty_segment' : 'empty_channel', {
              segment: segmentText(d.summary.segment, lang),
              date: d.monthEnd,
              channel: d.q.channel ? segmentName('channel', d.q.channel, lang) : '',
            })}
          </p>`
        : html` <section aria-labelledby="kf">
              <h2 id="kf">${t(lang, 'key_figures')} <small>${d.monthEnd}</small></h2>
              <p class="note" id="money-unit">${d.summary.money_unit ?? amountsIn([], lang)}</p>
              ${d.q.channel ? html`<p class="note">${t(lang, 'channel_not_in_figures')}</p>` : ''}
              ${tableScroll(
                t(lang, 'key_figures'),
                html`<table class="figures" id="key-figures">
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'figure')}</th>
                      <th scope="col">${t(lang, 'value')}</th>
                      <th scope="col">${t(lang, 'on_month')}</th>
                      <th scope="col">${t(lang, 'on_year_start')}</th>
                      <th scope="col">${t(lang, 'limit')}</th>
                      <th scope="col">${t(lang, 'status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${figures.map(
                      (f) =>
                        html`<tr data-figure="${f.id}" data-value="${f.value ?? ''}">
                          <th scope="row">
                            ${f.label}${f.whole_bank ? html` <small>(${t(lang, 'whole_bank')})</small>` : ''}
                          </th>
                          <td class="num">${f.display.value}</td>
                          <td class="num">${f.display.change_on_month}</td>
                          <td class="num">${f.display.change_on_year_start}</td>
                          <td class="num">
                            ${f.limit ? `${f.limit.min !== undefined ? '≥' : '≤'} ${f.display.limit}` : ''}
                          </td>
                          <td>
                            ${f.status ? html`<span class="status ${f.status}">${statusText(f.status, lang)}</span>` : ''}
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`,
              )}
            </section>
            <section class="charts" aria-label="${t(lang, 'trend')}">
              <figure class="chart" data-spec="spec-ratios" aria-label="${specs.ratios.description}"></figure>
              <figure class="chart" data-spec="spec-balance" aria-label="${specs.balance.description}"></figure>
              ${jsonData('spec-ratios', specs.ratios)} ${jsonData('spec-balance', specs.balance)}
            </section>
            ${
              d.dim
                ? html`<section aria-labelledby="drill">
                    <h2 id="drill">${t(lang, 'breakdown_by', { dim: dimLabel(d.dim, lang) })}</h2>
                    <p class="note">${t(lang, 'drill_hint')}</p>
                    <figure
                      class="chart"
                      data-spec="spec-drill"
                      aria-label="${specs.drill?.description ?? ''}"
                    ></figure>
                    ${jsonData('spec-drill', specs.drill)}
                    ${tableScroll(
                      t(lang, 'breakdown_by', { dim: dimLabel(d.dim, lang) }),
                      html`<table id="drill-table">
                        <thead>
                          <tr>
                            <th scope="col">${dimLabel(d.dim, lang)}</th>
                            <th scope="col">${t(lang, 'balance')}</th>
                            <th scope="col">${t(lang, 'm1plus_ratio')}</th>
                            <th scope="col">${t(lang, 'npl_balance')}</th>
                            <th scope="col">${t(lang, 'npl_ratio')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          ${d.drill.map(
                            (r) =>
                              html`<tr data-href="${r.href}" data-segment="${r.code}">
                                <th scope="row"><a href="${r.href}">${r.label}</a></th>
                                <td class="num">${formatMoney(lang, r.outstanding)}</td>
                                <td class="num">${pctOrNone(r.m1plus_ratio)}</td>
                                <td class="num">${formatMoney(lang, r.npl)}</td>
                                <td class="num">${pctOrNone(r.npl_ratio)}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>`,
                    )}
                  </section>`
                : html`<section aria-labelledby="loans">
                    <h2 id="loans">${t(lang, 'loans_behind')}</h2>
                    <p class="note">
                      ${t(lang, 'shown_of', { n: d.loans?.rows.length ?? 0, total: d.loans?.total ?? 0 })} ·
                      ${t(lang, 'ead')} ${formatMoney(lang, d.loans?.ead ?? 0)}
                    </p>
                    ${tableScroll(
                      t(lang, 'loans_behind'),
                      html`<table id="loan-table">
                        <thead>
                          <tr>
                            <th scope="col">${t(lang, 'loan')}</th>
                            <th scope="col">${t(lang, 'ifrs9_stage')}</th>
                            <th scope="col">${t(lang, 'ead')}</th>
                            <th scope="col">${t(lang, 'ecl')}</th>
                            <th scope="col">${t(lang, 'customer_phone')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          ${(d.loans?.rows ?? []).map(
                            (r) =>
                              html`<tr>
                                <th scope="row">${r.loan_id}</th>
                                <td>${label(stageLabels, String(r.stage), lang)}</td>
                                <td class="num">${formatMoney(lang, r.ead)}</td>
                                <td class="num">${formatMoney(lang, r.ecl)}</td>
                                <td>${r.phone}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>`,
                    )}
                  </section>`
            }`
    }
    <section aria-labelledby="packs">
      <h2 id="packs">${t(lang, 'packs')}</h2>
      <ul>
        ${
          // a segment without a loan has no pack (the packs' routes and the CLI refuse it)
          d.empty === 'segment'
            ? ''
            : html`<li><a href="${packQuery('management')}">${t(lang, 'management_pdf')}</a></li>
                <li><a href="${packQuery('regulatory')}">${t(lang, 'regulatory_pdf')}</a></li>`
        }
        <li><a href="/console/archive?period=${d.period}">${t(lang, 'archive')}</a></li>
      </ul>
    </section>
  `;
}
