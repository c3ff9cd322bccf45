import { html } from 'hono/html';
import type { ModelVersion } from '../../models/registry/registry.ts';
import type { GatedMetrics } from '../../models/model-card.ts';
import { plattMinimum, type ProbabilityCalibration } from '../../models/calibration/calibrate.ts';
import { gateDecisionWords } from './gate-labels.ts';
import { gateReasonWords } from './gate-reason-words.ts';
import { t, type Lang, type TextId } from './i18n.ts';
import type { ReviewFlag } from '../../models/data/review-flags.ts';
import type { Html } from './layout.ts';
import { heldBackWords } from './model-card-words.ts';
import { tableScroll } from './table-scroll.ts';

/** the words of each review flag the gate raises */
const reviewWords: Record<ReviewFlag['flag'], TextId> = {
  protected: 'review_protected',
  'coded-integer': 'review_coded',
  'near-unique-integer': 'review_near_unique',
};

/** a gate reason in the page's language; one the words do not know stays English and is marked so */
function reasonCell(reason: string, lang: Lang): Html {
  const said = gateReasonWords(reason, lang);
  return html`<td lang="${said === reason ? 'en' : lang}">${said}</td>`;
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4));

/**
 * The card's warning on a calibration that worsened the test ECE, in the page's language: what the
 * held-back part showed, as it was (a held-back ECE that got worse too, shown bare beside the rule,
 * read as the reason the calibration was kept), and that the fit's checks keep it.
 */
function calibrationWorse(c: ProbabilityCalibration, lang: Lang): string {
  const { before, after } = c.held_back_ece;
  const how =
    after > before ? 'held_back_ece_worse' : after < before ? 'held_back_ece_improved' : 'held_back_ece_unchanged';
  return t(lang, 'calibration_worse', {
    before: f4(c.test.ece_before),
    after: f4(c.test.ece_after),
    held_how: t(lang, how),
    held_before: f4(before),
    held_after: f4(after),
    events: plattMinimum.events,
    slope: plattMinimum.slope,
  });
}

/**
 * What the file card has and the console's card lacked (docs/console.md): the held-back part and the
 * probability calibration fitted on it, the classic-or-joint choice of a table's scorecard, and the
 * data-quality gate with its review flags. The decisions and rules in the page's language; the gate's
 * reasons (with the counts and flags that led to them) are the trainer's English text.
 */
export function cardSections(m: ModelVersion, lang: Lang): Html {
  const c = m.metrics.probability_calibration;
  const gate = (m.metrics as GatedMetrics).data_quality;
  const fc = m.artifact.kind === 'scorecard' ? m.artifact.foldChoice : undefined;
  const changed = gate?.decisions.filter((d) => d.action !== 'keep' || d.reason !== '') ?? [];
  return html`${
    c
      ? html`<section aria-labelledby="probability-calibration">
          <h2 id="probability-calibration">${t(lang, 'prob_calibration')}</h2>
          <p class="note" id="held-back">
            ${t(lang, 'held_back_part', { part: heldBackWords(c.held_back, lang), rows: c.rows, bads: c.bads })}
          </p>
          <p class="note" id="calibration-method">
            ${
              c.method === 'none'
                ? t(lang, 'calibration_none')
                : c.skipped
                  ? t(lang, 'calibration_skipped', { why: c.skipped })
                  : t(lang, 'calibration_platt', { a: c.a.toFixed(4), b: c.b.toFixed(4) })
            }
            ${t(lang, 'calibration_ece', {
              before: f4(c.test.ece_before),
              after: f4(c.test.ece_after),
              held_before: f4(c.held_back_ece.before),
              held_after: f4(c.held_back_ece.after),
            })}
            ${c.method === 'platt' && !c.skipped ? t(lang, 'calibration_rule') : ''}
          </p>
          ${
            c.method === 'platt' && !c.skipped && c.test.ece_after > c.test.ece_before
              ? html`<p class="note" id="calibration-worse">⚠ ${calibrationWorse(c, lang)}</p>`
              : ''
          }
        </section>`
      : ''
  }
  ${
    fc?.tried.length
      ? html`<section aria-labelledby="fold-choice">
          <h2 id="fold-choice">${t(lang, 'fold_choice')}</h2>
          <p class="note">
            ${t(lang, fc.chosen === 'classic' ? 'fold_choice_classic' : 'fold_choice_joint', {
              chosen: fc.chosen,
              best: fc.best_joint?.candidate ?? '—',
              lead: f4(fc.best_joint?.lead),
              se: f4(fc.best_joint?.se),
              folds: fc.folds,
            })}
          </p>
          ${tableScroll(
            t(lang, 'fold_choice'),
            html`<table id="fold-choice-table">
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'candidate')}</th>
                  ${fc.tried[0]!.fold_auc.map((_, f) => html`<th scope="col">${t(lang, 'fold_auc', { fold: f + 1 })}</th>`)}
                  <th scope="col">${t(lang, 'mean')}</th>
                </tr>
              </thead>
              <tbody>
                ${fc.tried.map(
                  (r) =>
                    html`<tr data-chosen="${r.candidate === fc.chosen ? 'yes' : 'no'}">
                      <th scope="row">${r.candidate}</th>
                      ${r.fold_auc.map((x) => html`<td class="num">${f4(x)}</td>`)}
                      <td class="num">${f4(r.mean_auc)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )}
        </section>`
      : ''
  }
  ${
    gate
      ? html`<section aria-labelledby="data-quality">
          <h2 id="data-quality">${t(lang, 'data_quality')}</h2>
          <p class="note">
            ${t(lang, 'gate_summary', { rows: gate.rows, columns: gate.decisions.length, changed: changed.length })}
          </p>
          ${
            changed.length || gate.review?.length
              ? tableScroll(
                  t(lang, 'data_quality'),
                  html`<table id="data-quality-table">
                    <thead>
                      <tr>
                        <th scope="col">${t(lang, 'column')}</th>
                        <th scope="col">${t(lang, 'gate_decision')}</th>
                        <th scope="col">${t(lang, 'reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${changed.map(
                        (d) =>
                          html`<tr data-rule="${d.rule}">
                            <th scope="row">${d.column}</th>
                            <td>${gateDecisionWords(d.action, d.rule, lang)}</td>
                            ${reasonCell(d.reason, lang)}
                          </tr>`,
                      )}
                      ${(gate.review ?? []).map(
                        (r) =>
                          html`<tr data-review="${r.flag}">
                            <th scope="row">${r.column}</th>
                            <td>
                              ${
                                // every flag of ReviewFlag['flag'] has its words (a new one fails to compile here)
                                t(lang, reviewWords[r.flag])
                              }
                            </td>
                            ${reasonCell(r.reason, lang)}
                          </tr>`,
                      )}
                    </tbody>
                  </table>`,
                )
              : ''
          }
        </section>`
      : ''
  }`;
}
