import { html, raw } from 'hono/html';
import { featureLabel } from '../../warehouse/feature-labels.ts';
import { actionChannels, actionOutcomes } from '../../pipelines/ingest/entity-specs.ts';
import {
  bucketLabels,
  channelLabels,
  fiveClassLabels,
  formatPct,
  ruleLabels,
  severityLabels,
  teamLabel,
} from '../../reports/i18n.ts';
import { evidenceFields } from './warning-evidence.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import { actionLabels, amount, label, outcomeLabels, t, type Lang } from './i18n.ts';
import { jsonData, type Html } from './layout.ts';
import { tableScroll } from './table-scroll.ts';
import { technicalDetail } from './technical-detail.ts';
import { contactBlock } from './contact-block.ts';
import { placementBlock } from './placement-block.ts';
import type { LoanView } from './workbench-data.ts';
import type { StoredAction } from '../routes/collection-actions.ts';
import {
  actionInWords,
  changeLinks,
  changeSection,
  changedBanner,
  savedBannerId,
  type ActionWords,
} from './action-change-form.ts';
import { typedAscii } from './form-amount.ts';
import { errorFocus, faultedFields, fieldAria, type FormFaults } from './field-faults.ts';
import { caseProbabilityLine, targetProbabilityLabel } from './probability-words.ts';
import { actionSourceNames, paymentChannelNames, stageNames } from './code-labels.ts';

/** What the outcome form shows again after a refusal (the values typed) or fresh (a new action id). */
export interface OutcomeForm {
  action_id: string;
  action_date: string;
  /** local HH:MM of the contact (collection_actions.action_time; blank: not recorded) */
  action_time: string;
  channel: string;
  outcome: string;
  promised_amount: string;
  promised_date: string;
  note: string;
  /** the refusal in the page's language */
  error?: string;
  /** the API's own text of the refusal, shown folded beneath it */
  technical?: string;
  /** the action just recorded (the redirect's ?recorded=, found among the loan's stored actions) */
  recorded?: StoredAction;
}

/** The outcome form's fields as posted (blank where not sent): the record form's and a correction's. */
export const postedOutcome = (f: Record<string, string>, actionId: string): OutcomeForm => ({
  action_id: actionId,
  // dates and time as a full-width input method types them (２０２４－０７－１０) are the ASCII ones
  action_date: typedAscii(f.action_date ?? ''),
  action_time: typedAscii(f.action_time ?? ''),
  channel: f.channel ?? '',
  outcome: f.outcome ?? '',
  promised_amount: f.promised_amount ?? '',
  promised_date: typedAscii(f.promised_date ?? ''),
  note: f.note ?? '',
});

/**
 * The record form's section, and the fragment its form posts to: a refused save answers that URL, so
 * the page opens at the form and its error, not at its top with the error a screen or two below.
 */
export const recordSectionId = 'record-section';

/** The correction or withdrawal form of one recorded action (the page's ?correct= / ?withdraw=, or a refused post). */
export interface ChangeForm {
  kind: 'correct' | 'withdraw';
  action_id: string;
  /** the correction's values: the stored ones, or those typed when refused */
  values: OutcomeForm;
  reason: string;
  /** the stored action's version the form was opened on (api/routes/action-version.ts): a change made since is refused */
  version: string;
  error?: string;
  technical?: string;
  /** refused as changed since: the values the user typed, shown beside the form refilled with the stored ones */
  unsaved?: OutcomeForm;
}

function dpdSpec(v: LoanView, lang: Lang) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 160,
    title: t(lang, 'dpd_history'),
    data: {
      values: v.months.map((m) => ({
        ...m,
        month: m.month_end.slice(0, 7),
        bucket_label: label(bucketLabels, m.bucket, lang),
        balance_text: amount(m.balance),
      })),
    },
    mark: { type: 'bar', tooltip: true, color: '#e45756' },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: t(lang, 'month_end'), axis: { labelAngle: -45 } },
      y: { field: 'dpd', type: 'quantitative', title: t(lang, 'dpd') },
      tooltip: [
        { field: 'month_end', type: 'nominal', title: t(lang, 'month_end') },
        { field: 'dpd', type: 'quantitative', title: t(lang, 'dpd') },
        { field: 'bucket_label', type: 'nominal', title: t(lang, 'bucket') },
        { field: 'balance_text', type: 'nominal', title: t(lang, 'balance') },
      ],
    },
  };
}

/** a warning's evidence as a small list of labelled values (text that is not a JSON object as it is) */
function evidenceList(evidence: string, lang: Lang): Html {
  const fields = evidenceFields(evidence, lang);
  if (typeof fields === 'string') return html`<small>${fields}</small>`;
  return html`<dl class="evidence">
    ${fields.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

const options = (values: readonly string[], current: string, text: (v: string) => string) =>
  values.map((v) => html`<option value="${v}" ${v === current ? raw('selected') : ''}>${text(v)}</option>`);

/** The outcome's fields (the record form's and the correction form's), filled with `f`. */
export function outcomeFields(
  f: OutcomeForm,
  /** hint: the id of the note the date and time fields refer to; dateHint: whether it is the record form's (else the caller's) */
  o: {
    lang: Lang;
    today: string;
    origination: string;
    queue: string;
    hint: string;
    dateHint: boolean;
    /** a refusal's error and the fields it names (marked invalid, described by it) */
    faults?: FormFaults | undefined;
  },
): Html {
  const { lang, faults } = o;
  return html`
    ${
      o.dateHint
        ? html`<p class="note wide" id="${o.hint}">
            ${t(lang, 'contact_date_hint', { today: o.today, queue: o.queue })}
          </p>`
        : ''
    }
    <label
      >${t(lang, 'contact_date')}
      <input
        type="date"
        name="action_date"
        value="${f.action_date}"
        min="${o.origination}"
        max="${o.today}"
        ${fieldAria('action_date', faults, o.hint)}
        required
    /></label>
    <label
      >${t(lang, 'contact_time')}
      <input type="time" name="action_time" value="${f.action_time}" ${fieldAria('action_time', faults, o.hint)}
    /></label>
    <label
      >${t(lang, 'channel')}
      <select name="channel" ${fieldAria('channel', faults)}>
        ${options(actionChannels, f.channel, (x) => label(channelLabels, x, lang))}
      </select></label
    >
    <label
      >${t(lang, 'outcome')}
      <select name="outcome" ${fieldAria('outcome', faults)}>
        ${options(actionOutcomes, f.outcome, (x) => label(outcomeLabels, x, lang))}
      </select></label
    >
    <label
      >${t(lang, 'promised_amount')}
      <input
        name="promised_amount"
        inputmode="decimal"
        value="${f.promised_amount}"
        autocomplete="off"
        ${fieldAria('promised_amount', faults)}
    /></label>
    <label
      >${t(lang, 'promised_date')}
      <input type="date" name="promised_date" value="${f.promised_date}" ${fieldAria('promised_date', faults)}
    /></label>
    <label class="wide"
      >${t(lang, 'note')}
      <textarea name="note" rows="2" maxlength="1000" ${fieldAria('note', faults)}>${f.note}</textarea>
    </label>
  `;
}

/** The loan page: facts, the case, score with reasons and counterfactual, warnings, DPD chart, contacts, schedule, payments, the outcome form. */
export function loanBody(
  v: LoanView,
  o: {
    asOf: string;
    lang: Lang;
    csrf: string;
    form: OutcomeForm;
    canRecord: boolean;
    today: string;
    /** whether the signed-in key may correct or withdraw the action (api/routes/action-corrections.ts) */
    mayChange?: (a: StoredAction) => boolean;
    /** the correction or withdrawal form asked for */
    change?: ChangeForm;
    /** an action just corrected or withdrawn */
    changed?: { corrected?: ActionWords | undefined; withdrawn?: ActionWords | undefined };
  },
): Html {
  const { lang } = o;
  const l = v.loan;
  const s = v.score;
  const c = v.case;
  const f = o.form;
  const mayChange = o.mayChange ?? (() => false);
  const changeable = v.actions.some(mayChange);
  return html`
    <p><a href="/console/queue?as_of=${o.asOf}">← ${t(lang, 'queue')}</a></p>
    <h1>${t(lang, 'loan')} ${l.loan_id}</h1>
    ${
      f.recorded
        ? html`<p class="ok" role="status" id="${savedBannerId}">
            ${t(lang, 'recorded')}: ${actionInWords(f.recorded, lang)}
          </p>`
        : ''
    }
    ${changedBanner(lang, o.changed ?? {})}
    <div class="cols">
      <section aria-labelledby="facts">
        <h2 id="facts">${t(lang, 'loan_facts')}</h2>
        <dl>
          <dt>${t(lang, 'product')}</dt>
          <dd>${segmentName('product', l.product, lang)}</dd>
          <dt>${t(lang, 'region')} / ${t(lang, 'branch')}</dt>
          <dd>${segmentName('region', l.region, lang)} / ${segmentName('branch', l.branch, lang)}</dd>
          <dt>${t(lang, 'principal')}</dt>
          <dd>${amount(l.principal)}</dd>
          <dt>${t(lang, 'annual_rate')}</dt>
          <dd>${formatPct(l.annual_rate, 2)}</dd>
          <dt>${t(lang, 'term')}</dt>
          <dd>${l.term_months}</dd>
          <dt>${t(lang, 'originated')}</dt>
          <dd>${l.origination_date}</dd>
          <dt>${t(lang, 'customer_phone')}</dt>
          <dd>${l.phone}</dd>
        </dl>
        <h3>${c ? t(lang, 'in_queue') : t(lang, 'not_in_queue')} · ${o.asOf}</h3>
        ${
          c
            ? html`<dl id="case">
                <dt>${t(lang, 'rank')}</dt>
                <dd>${c.rank}</dd>
                <dt>${t(lang, 'stage')}</dt>
                <dd>${label(stageNames, c.stage, lang)} · ${t(lang, 'dpd')} ${c.dpd} · ${c.bucket}</dd>
                <dt>${t(lang, 'balance')}</dt>
                <dd>${amount(c.balance)}</dd>
                <dt>${t(lang, 'amount_to_cure')}</dt>
                <dd id="case-cure">
                  ${c.amount_to_cure === null ? '—' : amount(c.amount_to_cure)}
                  ${
                    c.charges_owed
                      ? html`<small class="charges">${t(lang, 'charges_owed')} ${amount(c.charges_owed)}</small>`
                      : ''
                  }
                </dd>
                <dt>${t(lang, 'expected_loss')}</dt>
                <dd>
                  ${amount(c.expected_loss)}
                  <small id="case-probability">${caseProbabilityLine(c, lang)}</small>
                </dd>
                <dt>${t(lang, 'action')}</dt>
                <dd id="case-action">
                  ${placementBlock(c, lang)}${label(actionLabels, c.action, lang)} ${contactBlock(c, lang)}
                </dd>
                <dt>${t(lang, 'open_promises')}</dt>
                <dd>
                  ${c.open_promises.length ? c.open_promises.map((p) => `${amount(p.amount)} @ ${p.date}`).join('; ') : '—'}
                </dd>
              </dl>`
            : ''
        }
      </section>
      <section aria-labelledby="score">
        <h2 id="score">${t(lang, 'score')}</h2>
        ${
          s
            ? html`<dl>
                  <dt>${t(lang, 'grade')}</dt>
                  <dd><strong>${s.grade}</strong> · ${s.model_name}@${s.model_version} · ${s.month_end}</dd>
                  <dt>${targetProbabilityLabel(s.target, lang)}</dt>
                  <dd id="score-probability">${formatPct(s.probability, 2)}</dd>
                  <dt>${t(lang, 'points')}</dt>
                  <dd>${Math.round(s.points)}</dd>
                </dl>
                <h3>${t(lang, 'reasons')}</h3>
                <ol>
                  ${s.reasons.map((r) => html`<li>${featureLabel(r, lang)} <code>${r}</code></li>`)}
                </ol>
                ${
                  s.counterfactual
                    ? html`<h3>${t(lang, 'counterfactual')}</h3>
                        <p id="counterfactual">
                          ${lang === 'zh-CN' ? s.counterfactual.text.zh : s.counterfactual.text.en}
                        </p>`
                    : s.counterfactual_unavailable
                      ? html`<p id="score-population" class="note">
                          ${lang === 'zh-CN' ? s.counterfactual_unavailable.text.zh : s.counterfactual_unavailable.text.en}
                        </p>`
                      : ''
                }`
            : html`<p>${t(lang, 'no_score')}</p>`
        }
        <h3>${t(lang, 'warnings')}</h3>
        ${
          v.warnings.length
            ? tableScroll(
                t(lang, 'warnings'),
                html`<table>
                  <thead>
                    <tr>
                      <th scope="col">${t(lang, 'date')}</th>
                      <th scope="col">${t(lang, 'rule')}</th>
                      <th scope="col">${t(lang, 'severity')}</th>
                      <th scope="col">${t(lang, 'evidence')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${v.warnings.map(
                      (w) =>
                        html`<tr>
                          <td class="day">${w.as_of}</td>
                          <td title="${w.rule_id}">${label(ruleLabels, w.rule_id, lang)}</td>
                          <td>${label(severityLabels, w.severity, lang)}</td>
                          <td class="free-text">${evidenceList(w.evidence, lang)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`,
              )
            : html`<p>${t(lang, 'none')}</p>`
        }
        <p class="note" id="warnings-through">
          ${
            v.warnings_through === null
              ? t(lang, 'warnings_never_run', { date: o.asOf })
              : v.warnings_through === o.asOf
                ? t(lang, 'warnings_ran_on', { day: o.asOf })
                : t(lang, 'warnings_through', { day: v.warnings_through, date: o.asOf })
          }
        </p>
      </section>
    </div>
    <figure class="chart" data-spec="spec-dpd" aria-label="${t(lang, 'dpd_history')}"></figure>
    ${jsonData('spec-dpd', dpdSpec(v, lang))}
    ${
      o.canRecord
        ? html`<section aria-labelledby="record" id="${recordSectionId}">
            <h2 id="record">${t(lang, 'record_outcome')}</h2>
            ${
              f.error
                ? html`<p class="error" role="alert" id="form-error" ${errorFocus}>${t(lang, 'refused')}${f.error}</p>
                    ${technicalDetail(lang, f.technical)}`
                : ''
            }
            <form
              method="post"
              action="/console/loans/${encodeURIComponent(l.loan_id)}/actions?as_of=${o.asOf}#${recordSectionId}"
              class="record"
            >
              <input type="hidden" name="_csrf" value="${o.csrf}" />
              <input type="hidden" name="action_id" value="${f.action_id}" />
              ${outcomeFields(f, { lang, today: o.today, origination: l.origination_date, queue: o.asOf, hint: 'contact-date-hint', dateHint: true, faults: f.error ? { errorId: 'form-error', fields: faultedFields(f.technical) } : undefined })}
              <button type="submit">${t(lang, 'save')}</button>
            </form>
          </section>`
        : ''
    }
    ${
      o.change
        ? changeSection(o.change, {
            loanId: l.loan_id,
            asOf: o.asOf,
            lang,
            csrf: o.csrf,
            today: o.today,
            origination: l.origination_date,
            about: v.actions.find((a) => a.action_id === o.change?.action_id),
          })
        : ''
    }
    <section aria-labelledby="contacts">
      <h2 id="contacts">${t(lang, 'contacts')}</h2>
      ${tableScroll(
        t(lang, 'contacts'),
        html`<table id="actions">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'date')}</th>
              <th scope="col">${t(lang, 'channel')}</th>
              <th scope="col">${t(lang, 'outcome')}</th>
              <th scope="col">${t(lang, 'promised_amount')}</th>
              <th scope="col">${t(lang, 'promised_date')}</th>
              <th scope="col">${t(lang, 'source')}</th>
              <th scope="col">${t(lang, 'note')}</th>
              ${changeable ? html`<th scope="col">${t(lang, 'correct')} / ${t(lang, 'withdraw')}</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${v.actions.map(
              (a) =>
                html`<tr data-action="${a.action_id}">
                  <td class="day">${a.action_date}${a.action_time ? ` ${a.action_time}` : ''}</td>
                  <td class="day">${label(channelLabels, a.channel, lang)}</td>
                  <td class="day">${label(outcomeLabels, a.outcome, lang)}</td>
                  <td class="num">${a.promised_amount === null ? '—' : amount(a.promised_amount)}</td>
                  <td class="day">${a.promised_date ?? '—'}</td>
                  <td>
                    ${label(actionSourceNames, a.source, lang)}${
                      a.recorded_by
                        ? html` ·
                            <span title="${a.recorded_by}">${v.recorders.get(a.recorded_by) ?? a.recorded_by}</span>`
                        : ''
                    }${a.team ? ` · ${teamLabel(a.team, lang)}` : ''}
                  </td>
                  <td class="free-text">${a.note}</td>
                  ${
                    changeable
                      ? html`<td>
                          ${mayChange(a) ? changeLinks(l.loan_id, a.action_id, { asOf: o.asOf, lang }) : ''}
                        </td>`
                      : ''
                  }
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
    </section>
    <div class="cols">
      <section aria-labelledby="schedule">
        <h2 id="schedule">${t(lang, 'schedule')}</h2>
        ${tableScroll(
          t(lang, 'schedule'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'installment')}</th>
                <th scope="col">${t(lang, 'due_date')}</th>
                <th scope="col">${t(lang, 'principal_due')}</th>
                <th scope="col">${t(lang, 'interest_due')}</th>
              </tr>
            </thead>
            <tbody>
              ${v.schedule.map(
                (r) =>
                  html`<tr>
                    <td class="num">${r.installment_no}</td>
                    <td>${r.due_date}</td>
                    <td class="num">${amount(r.principal_due)}</td>
                    <td class="num">${amount(r.interest_due)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )}
      </section>
      <section aria-labelledby="payments">
        <h2 id="payments">${t(lang, 'payments')}</h2>
        ${tableScroll(
          t(lang, 'payments'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t(lang, 'paid_date')}</th>
                <th scope="col">${t(lang, 'amount')}</th>
                <th scope="col">${t(lang, 'channel')}</th>
              </tr>
            </thead>
            <tbody>
              ${v.payments.map(
                (r) =>
                  html`<tr>
                    <td>${r.paid_date}</td>
                    <td class="num">${amount(r.amount)}</td>
                    <td>${label(paymentChannelNames, r.channel, lang)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )}
      </section>
    </div>
    <p class="note">
      ${t(lang, 'five_class')}: ${v.months.length ? label(fiveClassLabels, v.months.at(-1)!.five_class, lang) : '—'}
    </p>
  `;
}
