import { html, raw } from 'hono/html';
import { psiStatus, withCutOffs } from '../../models/evaluate/metrics.ts';
import type { BinningTable } from '../../models/scorecard/binning-table.ts';
import { t, type Lang } from './i18n.ts';
import { jsonData, type Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import { monthAxis, titled } from './chart-parts.ts';
import { pointsTables } from './points-table.ts';
import { cardSections } from './model-card-sections.ts';
import { kindWords, selectionReasonWords, splitWords } from './model-card-words.ts';
import { splitKind, type ModelsOverview, type SplitKind, type VersionView } from './models-data.ts';

/** The PSI/CSI thresholds drawn on the monitoring chart: below 0.1 stable, up to 0.25 watch, above act (models/evaluate/metrics.ts psiStatus). */
export const psiThresholds = { watch: 0.1, act: 0.25 } as const;

/** how the test part was chosen, in the page's words ('' when the version does not say) */
const splitLabel = (s: SplitKind, lang: Lang) =>
  s.kind === 'out_of_time'
    ? t(lang, 'split_out_of_time')
    : s.kind === 'random'
      ? t(lang, 'split_random', { pct: s.testPct })
      : '';
const f4 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4));
const pct = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)}%`;
export const versionHref = (name: string, version: number) => `/console/models/${encodeURIComponent(name)}/${version}`;
const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 220 };
const statusLabel = (psi: number, lang: Lang) => t(lang, `psi_${psiStatus(psi)}` as 'psi_stable');

/** Score PSI and each variable's CSI by month-end, with the 0.1 and 0.25 thresholds as rules. */
export function monitoringSpecs(o: ModelsOverview, lang: Lang) {
  const psiTitle = t(lang, 'score_psi');
  const lines = [
    ...o.monitoring
      .filter((m) => m.score_psi !== null)
      .map((m) => ({ month: m.month_end.slice(0, 7), series: psiTitle, value: m.score_psi })),
    ...o.csi.map((c) => ({ month: c.month_end.slice(0, 7), series: `CSI · ${c.variable}`, value: c.csi })),
  ];
  const rules = [
    { y: psiThresholds.watch, label: `${t(lang, 'psi_watch')} ≥ ${psiThresholds.watch}`, color: '#e0a800' },
    { y: psiThresholds.act, label: `${t(lang, 'psi_act')} > ${psiThresholds.act}`, color: '#c62828' },
  ];
  // months as ordinal YYYY-MM: a few months on a time axis get repeated or half-month ticks
  const x = { field: 'month', type: 'ordinal', title: t(lang, 'month_end'), axis: monthAxis };
  const stability = {
    ...base,
    ...titled(t(lang, 'stability'), 'PSI / CSI'),
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'PSI / CSI' },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3 } },
          strokeDash: {
            condition: { test: `datum.series === ${JSON.stringify(psiTitle)}`, value: [1, 0] },
            value: [4, 3],
          },
          tooltip: [
            { field: 'month', type: 'ordinal', title: t(lang, 'month_end') },
            { field: 'series', type: 'nominal', title: t(lang, 'figure') },
            { field: 'value', type: 'quantitative', title: t(lang, 'value'), format: '.4f' },
          ],
        },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, fontSize: 11 },
        encoding: {
          y: { field: 'y', type: 'quantitative' },
          x: { value: 0 },
          text: { field: 'label' },
          color: { field: 'color', type: 'nominal', scale: null },
        },
      },
    ],
  };
  const aucRows = o.monitoring.filter((m) => m.auc !== null).map((m) => ({ ...m, month: m.month_end.slice(0, 7) }));
  const auc = {
    ...base,
    ...titled(
      t(lang, 'realised_auc'),
      o.monitored ? `${t(lang, 'test_auc')} ${o.monitored.test_auc.toFixed(4)}` : undefined,
    ),
    layer: [
      {
        data: { values: aucRows },
        mark: { type: 'line', point: true, tooltip: true, color: '#4c78a8' },
        encoding: {
          x,
          y: { field: 'auc', type: 'quantitative', title: 'AUC', scale: { zero: false } },
          tooltip: [
            { field: 'month', type: 'ordinal', title: t(lang, 'month_end') },
            { field: 'auc', type: 'quantitative', title: 'AUC', format: '.4f' },
            { field: 'loans', type: 'quantitative', title: t(lang, 'loans_scored'), format: ',' },
          ],
        },
      },
      ...(o.monitored
        ? [
            {
              data: { values: [{ y: o.monitored.test_auc }] },
              mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
              encoding: { y: { field: 'y', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  };
  return { stability, auc: aucRows.length > 0 ? auc : null };
}

/** The modeler's overview: versions, champions, champion history, monitoring. */
export function modelsBody(o: ModelsOverview, lang: Lang, promoted?: string): Html {
  const specs = monitoringSpecs(o, lang);
  const latest = o.monitoring.at(-1);
  return html`<h1>${t(lang, 'models')}</h1>
    ${promoted ? html`<p class="ok" role="status">${t(lang, 'promoted')}: ${promoted}</p>` : ''}
    <section aria-labelledby="versions">
      <h2 id="versions">${t(lang, 'versions')}</h2>
      ${tableScroll(
        t(lang, 'versions'),
        html`<table id="model-table">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'model')}</th>
              <th scope="col">${t(lang, 'version')}</th>
              <th scope="col">${t(lang, 'target')}</th>
              <th scope="col">${t(lang, 'kind')}</th>
              <th scope="col">${t(lang, 'created')}</th>
              <th scope="col">${t(lang, 'test_auc')}</th>
              <th scope="col">${t(lang, 'champion')}</th>
            </tr>
          </thead>
          <tbody>
            ${o.models.map(
              (m) =>
                html`<tr data-href="${versionHref(m.model_name, m.version)}" data-model="${m.model_name}@${m.version}">
                  <th scope="row"><a href="${versionHref(m.model_name, m.version)}">${m.model_name}</a></th>
                  <td class="num">${m.version}</td>
                  <td>${m.target}</td>
                  <td>${m.kind}</td>
                  <td>${m.created_at} · ${m.created_by}</td>
                  <td class="num" data-split="${m.split.kind}">
                    ${f4(m.oot_auc)} <small>${splitLabel(m.split, lang)}</small>
                  </td>
                  <td>${m.champion ? html`<strong class="badge">${t(lang, 'champion')}</strong>` : ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
      ${o.models.length === 0 ? html`<p class="note">${t(lang, 'no_models')}</p>` : ''}
    </section>
    <section aria-labelledby="monitoring">
      <h2 id="monitoring">${t(lang, 'monitoring')}${o.monitored ? ` · ${o.monitored.model}` : ''}</h2>
      ${
        o.monitoring.length === 0
          ? html`<p class="note">${t(lang, 'no_monitoring')}</p>`
          : html`<p class="note">
                ${t(lang, 'psi_rule', { watch: psiThresholds.watch, act: psiThresholds.act })}
                ${
                  latest?.score_psi === null || latest?.score_psi === undefined
                    ? ''
                    : html` · ${latest.month_end}: PSI ${f4(latest.score_psi)} (${statusLabel(latest.score_psi, lang)})`
                }
              </p>
              <div class="charts">
                <figure class="chart" data-spec="spec-stability" aria-label="${specs.stability.description}"></figure>
                ${
                  specs.auc
                    ? html`<figure class="chart" data-spec="spec-auc" aria-label="${specs.auc.description}"></figure>`
                    : ''
                }
              </div>
              ${jsonData('spec-stability', specs.stability)} ${specs.auc ? jsonData('spec-auc', specs.auc) : ''}
              ${tableScroll(
                t(lang, 'monitoring'),
                html`<table id="monitoring-table">
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'month_end')}</th>
                      <th scope="col">${t(lang, 'score_psi')}</th>
                      <th scope="col">${t(lang, 'status')}</th>
                      <th scope="col">${t(lang, 'max_csi')}</th>
                      <th scope="col">${t(lang, 'realised_auc')}</th>
                      <th scope="col">${t(lang, 'loans_scored')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${o.monitoring.map((m) => {
                      const worst = o.csi.filter((c) => c.month_end === m.month_end).sort((a, b) => b.csi - a.csi)[0];
                      return html`<tr>
                        <th scope="row">${m.month_end}</th>
                        <td class="num">${f4(m.score_psi)}</td>
                        <td>${m.score_psi === null ? '—' : statusLabel(m.score_psi, lang)}</td>
                        <td>${worst ? `${worst.variable} ${f4(worst.csi)}` : '—'}</td>
                        <td class="num">${f4(m.auc)}</td>
                        <td class="num">${m.loans ?? '—'}</td>
                      </tr>`;
                    })}
                  </tbody>
                </table>`,
              )}`
      }
    </section>
    <section aria-labelledby="history">
      <h2 id="history">${t(lang, 'champion_history')}</h2>
      ${historyTable(o.history, lang)}
    </section>`;
}

function historyTable(history: ModelsOverview['history'], lang: Lang): Html {
  if (history.length === 0) return html`<p class="note">${t(lang, 'no_history')}</p>`;
  return tableScroll(
    t(lang, 'champion_history'),
    html`<table id="history-table">
      <thead>
        <tr>
          <th scope="col">${t(lang, 'decided_at')}</th>
          <th scope="col">${t(lang, 'target')}</th>
          <th scope="col">${t(lang, 'model')}</th>
          <th scope="col">${t(lang, 'promoted_by')}</th>
          <th scope="col">${t(lang, 'reason')}</th>
          <th scope="col">${t(lang, 'test_auc')}</th>
          <th scope="col">${t(lang, 'previous_auc')}</th>
          <th scope="col">${t(lang, 'score_psi')}</th>
        </tr>
      </thead>
      <tbody>
        ${history.map(
          (h) =>
            html`<tr data-model="${h.model_name}@${h.version}">
              <th scope="row">${h.decided_at}</th>
              <td>${h.target}</td>
              <td><a href="${versionHref(h.model_name, h.version)}">${h.model_name} v${h.version}</a></td>
              <td>${h.actor}</td>
              <td class="reason free-text">${h.reason}</td>
              <td class="num">${f4(h.challenger_auc)}</td>
              <td class="num">${f4(h.champion_auc)}</td>
              <td class="num">${f4(h.score_psi)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

/** Mean predicted against observed bad rate per band, with the diagonal. */
export function calibrationSpec(v: VersionView, lang: Lang) {
  const rows = v.model.metrics.calibration.map((c) => ({ ...c, band: String(c.band) }));
  const top = Math.max(0.01, ...rows.flatMap((r) => [r.mean_predicted, r.observed_rate]));
  return {
    ...base,
    title: `${t(lang, 'calibration')} (${t(lang, 'test_sample')})`,
    layer: [
      {
        data: {
          values: [
            { a: 0, b: 0 },
            { a: top, b: top },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 3], color: '#888' },
        encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', point: { size: 60 }, tooltip: true, color: '#e45756' },
        encoding: {
          x: {
            field: 'mean_predicted',
            type: 'quantitative',
            title: t(lang, 'mean_predicted'),
            axis: { format: '.0%' },
          },
          y: { field: 'observed_rate', type: 'quantitative', title: t(lang, 'observed'), axis: { format: '.0%' } },
          tooltip: [
            { field: 'band', type: 'nominal', title: t(lang, 'band') },
            { field: 'n', type: 'quantitative', title: 'n', format: ',' },
            { field: 'mean_predicted', type: 'quantitative', title: t(lang, 'mean_predicted'), format: '.2%' },
            { field: 'observed_rate', type: 'quantitative', title: t(lang, 'observed'), format: '.2%' },
          ],
        },
      },
    ],
  };
}

function binningTables(tables: BinningTable[], kept: Set<string>, lang: Lang): Html | string {
  const shown = tables.filter((b) => kept.has(b.feature));
  if (shown.length === 0) return '';
  return html`<section aria-labelledby="binning">
    <h2 id="binning">${t(lang, 'binning')}</h2>
    ${shown.map(
      (b) =>
        html`<details class="binning" data-feature="${b.feature}">
          <summary>
            ${b.feature} · IV ${f4(b.iv)}${b.trend ? ` · ${b.trend.chosen}` : ''} · ${b.rows.length} ${t(lang, 'bins')}
          </summary>
          ${tableScroll(
            `${t(lang, 'binning')} ${b.feature}`,
            html`<table>
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'bin')}</th>
                  <th scope="col">${t(lang, 'count')}</th>
                  <th scope="col">${t(lang, 'share')}</th>
                  <th scope="col">${t(lang, 'bads')}</th>
                  <th scope="col">${t(lang, 'event_rate')}</th>
                  <th scope="col">WoE</th>
                  <th scope="col">IV</th>
                </tr>
              </thead>
              <tbody>
                ${b.rows.map(
                  (r) =>
                    html`<tr>
                      <th scope="row">${r.bin}</th>
                      <td class="num">${r.count}</td>
                      <td class="num">${pct(r.share)}</td>
                      <td class="num">${r.bads}</td>
                      <td class="num">${pct(r.event_rate)}</td>
                      <td class="num">${r.woe.toFixed(4)}</td>
                      <td class="num">${f4(r.iv)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )}
        </details>`,
    )}
  </section>`;
}

export interface PromoteForm {
  reason: string;
  error?: string;
}

/** A version's card: quality, gains, calibration (chart and table), selection and binning, its history, the promote form. */
export function versionBody(
  v: VersionView,
  o: { lang: Lang; csrf: string; canPromote: boolean; form: PromoteForm },
): Html {
  const { lang } = o;
  const m = v.model;
  const q = m.metrics;
  const spec = calibrationSpec(v, lang);
  const a = m.artifact;
  const kept = new Set(a.kind === 'scorecard' ? a.variables.map((x) => x.feature) : []);
  const selection = a.kind === 'scorecard' ? a.selection : [];
  const action = `${versionHref(m.model_name, m.version)}/promote`;
  return html`<p><a href="/console/models">← ${t(lang, 'models')}</a></p>
    <h1>
      ${m.model_name} v${m.version} ${v.champion ? html`<strong class="badge">${t(lang, 'champion')}</strong>` : ''}
    </h1>
    <p class="note">
      ${t(lang, 'kind')}: ${kindWords(m.kind, lang)} · ${t(lang, 'target')}: ${m.target} · ${t(lang, 'created')}:
      ${m.created_at} · ${m.created_by} · <span id="split">${splitWords(q.split, lang)}</span>
    </p>
    <section aria-labelledby="quality">
      <h2 id="quality">${t(lang, 'quality')}</h2>
      ${tableScroll(
        t(lang, 'quality'),
        html`<table id="quality-table">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'sample')}</th>
              <th scope="col">n</th>
              <th scope="col">${t(lang, 'bads')}</th>
              <th scope="col">AUC</th>
              <th scope="col">KS</th>
              <th scope="col">Gini</th>
              <th scope="col">Brier</th>
            </tr>
          </thead>
          <tbody>
            ${(
              [
                ['train_sample', q.train],
                ['test_sample', q.test],
              ] as const
            ).map(
              ([k, s]) =>
                html`<tr data-sample="${k}">
                  <th scope="row">
                    ${t(lang, k)}${k === 'test_sample' ? html` <small>(${splitLabel(splitKind(q.split), lang)})</small>` : ''}
                  </th>
                  <td class="num">${s.n}</td>
                  <td class="num">${s.bads}</td>
                  <td class="num" data-auc="${s.auc}">${f4(s.auc)}</td>
                  <td class="num">${f4(s.ks)}</td>
                  <td class="num">${f4(s.gini)}</td>
                  <td class="num">${f4(s.brier)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
      <p class="note">${t(lang, 'score_psi')}: ${f4(q.score_psi)} (${statusLabel(q.score_psi, lang)})</p>
    </section>
    <section aria-labelledby="promote">
      <h2 id="promote">${t(lang, 'promote')}</h2>
      ${
        v.champion
          ? html`<p class="note">${t(lang, 'is_champion')}</p>`
          : html`<p class="note">
              ${
                v.current
                  ? t(lang, 'current_champion', {
                      model: `${v.current.model_name} v${v.current.version}`,
                      auc: v.current.test_auc.toFixed(4),
                    })
                  : t(lang, 'no_champion')
              }
              ${t(lang, 'gate_rule')}
            </p>`
      }
      ${o.form.error ? html`<p class="error" role="alert" id="promote-error">${o.form.error}</p>` : ''}
      ${
        o.canPromote && !v.champion
          ? html`<form method="post" action="${action}" class="promote">
              <input type="hidden" name="_csrf" value="${o.csrf}" />
              <label for="reason">${t(lang, 'reason')}</label>
              <textarea id="reason" name="reason" rows="2" minlength="3" maxlength="1000" required>
${o.form.reason}</textarea>
              <button type="submit">${t(lang, 'promote_button')}</button>
            </form>`
          : ''
      }
      ${v.history.length ? historyTable(v.history, lang) : ''}
    </section>
    <section aria-labelledby="gains">
      <h2 id="gains">${t(lang, 'gains')} (${t(lang, 'test_sample')})</h2>
      <p class="note">${t(lang, 'gains_note')}</p>
      ${tableScroll(
        t(lang, 'gains'),
        html`<table id="gains-table">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'band')}</th>
              <th scope="col">n</th>
              <th scope="col">${t(lang, 'bad_rate')}</th>
              <th scope="col">${t(lang, 'lift')}</th>
              <th scope="col">${t(lang, 'rejection_rate')}</th>
              <th scope="col">${t(lang, 'bad_capture')}</th>
              <th scope="col">${t(lang, 'cum_bad_rate')}</th>
              <th scope="col">${t(lang, 'approval_rate')}</th>
              <th scope="col">${t(lang, 'approved_bad_rate')}</th>
            </tr>
          </thead>
          <tbody>
            ${withCutOffs(q.gains).map(
              (g) =>
                html`<tr>
                  <th scope="row">${g.band}</th>
                  <td class="num">${g.n}</td>
                  <td class="num">${pct(g.bad_rate)}</td>
                  <td class="num">${g.lift.toFixed(2)}</td>
                  <td class="num">${pct(g.rejection_rate)}</td>
                  <td class="num">${pct(g.cumulative_bad_capture)}</td>
                  <td class="num">${pct(g.cumulative_bad_rate)}</td>
                  <td class="num">${pct(g.approval_rate)}</td>
                  <td class="num">${g.approved_bad_rate === null ? '—' : pct(g.approved_bad_rate)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
    </section>
    <section aria-labelledby="calibration">
      <h2 id="calibration">${t(lang, 'calibration')}</h2>
      <figure class="chart" data-spec="spec-calibration" aria-label="${spec.title}"></figure>
      ${jsonData('spec-calibration', spec)}
      ${tableScroll(
        t(lang, 'calibration'),
        html`<table id="calibration-table">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'band')}</th>
              <th scope="col">n</th>
              <th scope="col">${t(lang, 'mean_predicted')}</th>
              <th scope="col">${t(lang, 'observed')}</th>
            </tr>
          </thead>
          <tbody>
            ${q.calibration.map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.band}</th>
                  <td class="num">${c.n}</td>
                  <td class="num">${pct(c.mean_predicted)}</td>
                  <td class="num">${pct(c.observed_rate)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
    </section>
    ${cardSections(m, lang)}
    ${
      selection.length
        ? html`<section aria-labelledby="selection">
            <h2 id="selection">${t(lang, 'selection')}</h2>
            ${tableScroll(
              t(lang, 'selection'),
              html`<table id="selection-table">
                <thead>
                  <tr>
                    <th scope="col">${t(lang, 'variable')}</th>
                    <th scope="col">IV</th>
                    <th scope="col">PSI</th>
                    <th scope="col">${t(lang, 'kept')}</th>
                    <th scope="col">${t(lang, 'reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${selection.map(
                    (s) =>
                      html`<tr>
                        <th scope="row">${s.feature}</th>
                        <td class="num">${f4(s.iv)}</td>
                        <td class="num">${f4(s.psi)}</td>
                        <td>${s.kept ? raw('✓') : ''}</td>
                        <td>${selectionReasonWords(s.reason, lang)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`,
            )}
          </section>`
        : ''
    }
    ${binningTables(v.card.binning ?? [], kept, lang)} ${a.kind === 'scorecard' ? pointsTables(a, lang) : ''}`;
}
