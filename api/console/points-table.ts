import { html } from 'hono/html';
import { scoredAs } from '../../models/scorecard/scored-as.ts';
import { ruleLabel } from '../../models/scorecard/binning-table.ts';
import { binTerm, type ScorecardArtifact } from '../../models/scorecard/scorecard.ts';
import { isJointScorecard, pointsDirection, type PointsDirection } from '../../models/scorecard/points-direction.ts';
import { t, type Lang } from './i18n.ts';
import type { Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';

/** Range bounds to six significant digits (the exact bounds in the cell's title and the model card). */
const sixDigits = (x: number) => String(Number(x.toPrecision(6)));

/** A variable's direction of points, and in plain words when it runs against its own bad rate. */
function directionText(
  d: PointsDirection,
  lang: Lang,
  label: (bin: number) => string,
): { dir: string; against: string } {
  const dir = d.points ? t(lang, `points_dir_${d.points}`) : '';
  const r = d.riskiest_range;
  const against = r
    ? t(lang, 'points_riskiest_low', {
        feature: d.feature,
        bin: label(r.bin),
        rate: r.bad_rate.toFixed(4),
        average: r.average.toFixed(4),
      })
    : !d.opposite
      ? ''
      : t(lang, d.points === 'ascending' ? 'points_against_rise' : 'points_against_fall', { feature: d.feature });
  return { dir, against };
}

/**
 * A scorecard's points as it scores: per kept variable its bins with WoE, log-odds term and points
 * (the binning tables above are the univariate binning; a refined scorecard's bins and terms are its
 * own), and what the joint refinement kept.
 */
export function pointsTables(a: ScorecardArtifact, lang: Lang): Html | string {
  if (a.variables.length === 0) return '';
  const r = a.refinement;
  const refinement = !r
    ? ''
    : r.not_tried
      ? t(lang, 'refinement_not_tried', { why: r.not_tried })
      : r.chosen === null
        ? t(lang, 'refinement_classic')
        : t(lang, 'refinement_kept', { lambda: r.chosen, added: r.added.length ? r.added.join(', ') : '–' });
  return html`<section aria-labelledby="points">
    <h2 id="points">${t(lang, 'points_table')}</h2>
    ${refinement ? html`<p class="note" id="refinement">${refinement}</p>` : ''}
    <p class="note" id="reason-codes">
      ${t(lang, 'reason_codes_rule')} ${isJointScorecard(a) ? t(lang, 'reason_codes_joint') : ''}
    </p>
    ${a.variables.map((v) => {
      const { dir, against } = directionText(pointsDirection(v), lang, (k) => ruleLabel(v.bins[k]!.rule, sixDigits));
      // the warning stands before the folded table, seen without opening it
      return html`${against ? html`<p class="note points-against" data-feature="${v.feature}">⚠ ${against}</p>` : ''}
        <details class="points" data-feature="${v.feature}">
          <summary>${v.feature} · ${v.bins.length} ${t(lang, 'bins')}${dir ? ` · ${dir}` : ''}</summary>
          ${tableScroll(
            `${t(lang, 'points_table')} ${v.feature}`,
            html`<table>
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'bin')}</th>
                  <th scope="col">${t(lang, 'count')}</th>
                  <th scope="col">WoE</th>
                  <th scope="col">${t(lang, 'log_odds_term')}</th>
                  <th scope="col">${t(lang, 'points')}</th>
                </tr>
              </thead>
              <tbody>
                ${v.bins.map((b) => {
                  // a bin no training row fell in: named as the bin it scores as, with that bin's WoE
                  const as = scoredAs(v.bins, b);
                  return html`<tr>
                    <th scope="row" title="${ruleLabel(b.rule)}">
                      ${ruleLabel(b.rule, sixDigits)}${as ? ` (${t(lang, 'scored_as')} ${ruleLabel(as.rule, sixDigits)})` : ''}
                    </th>
                    <td class="num">${b.count}</td>
                    <td class="num">${(as ?? b).woe.toFixed(4)}</td>
                    <td class="num">${binTerm(v, b).toFixed(4)}</td>
                    <td class="num">${b.points.toFixed(1)}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`,
          )}
        </details>`;
    })}
  </section>`;
}
