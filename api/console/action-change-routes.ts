import type { Context, Hono, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import { withdrawnRow } from '../routes/action-history.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { requirePermission } from '../middleware.ts';
import { correctCollectionAction, correctionInput, withdrawCollectionAction } from '../routes/action-corrections.ts';
import { selectActions, utcToday, type StoredAction } from '../routes/collection-actions.ts';
import { param, sql } from '../../warehouse/sql.ts';
import { savedBannerId, storedValues, withdrawnWords, type ActionWords } from './action-change-form.ts';
import { describeError, problemLine, zodProblems } from './error-text.ts';
import { normaliseAmount } from './form-amount.ts';
import { langOf } from './i18n.ts';
import type { LoanPage } from './index.ts';
import { postedOutcome, type ChangeForm } from './loan-page.ts';
import type { ConsoleEnv } from './session-auth.ts';
import { workDate } from './workbench-data.ts';

/** The correction or withdrawal form the loan page was opened with (?correct= / ?withdraw=), for an action the key may change. */
export function askedChange(
  c: Context<ConsoleEnv>,
  actions: StoredAction[],
  mayChange: (a: StoredAction) => boolean,
): ChangeForm | undefined {
  const correct = c.req.query('correct');
  const id = correct ?? c.req.query('withdraw');
  const a = id === undefined ? undefined : actions.find((x) => x.action_id === id && mayChange(x));
  if (!a) return undefined;
  return {
    kind: correct ? 'correct' : 'withdraw',
    action_id: a.action_id,
    values: storedValues(a),
    reason: '',
    version: a.version,
  };
}

/** the action as stored now, when `e` refused a change for being made on an older version */
function changedSince(e: ApiError): StoredAction | undefined {
  const d = e.details as { reason?: unknown; current?: StoredAction } | undefined;
  return e.status === 409 && d?.reason === 'changed' ? d.current : undefined;
}

/** the action `actionId` (a redirect's ?withdrawn=) as it was withdrawn, when it is an action of loan `loanId` that was withdrawn */
export async function withdrawnFrom(
  wh: Warehouse,
  actionId: string | undefined,
  loanId: string,
): Promise<ActionWords | null> {
  if (!actionId) return null;
  const w = await withdrawnRow(wh, actionId);
  return w?.loan_id === loanId ? withdrawnWords(actionId, w.row) : null;
}

/**
 * The loan page's correction and withdrawal forms (api/console/action-change-form.ts) post here: the
 * API's own functions (api/routes/action-corrections.ts) with the console as the source, the session's
 * key and its CSRF token (requireSession); a refusal is shown on the loan page above the form, in the
 * page's language with the API's text folded beneath, as the record form's.
 */
export function actionChangePages(
  app: Hono<ConsoleEnv>,
  o: { session: MiddlewareHandler<ConsoleEnv>; loanPage: LoanPage },
) {
  const { session, loanPage } = o;
  const asOfOf = async (c: Context<ConsoleEnv>) => {
    const asked = c.req.query('as_of');
    return asked && /^\d{4}-\d{2}-\d{2}$/u.test(asked) ? asked : await workDate(c.get('deps').wh, utcToday());
  };
  const refused = (c: Context<ConsoleEnv>, e: unknown, change: ChangeForm) => {
    if (e instanceof ApiError && [400, 403, 404, 409].includes(e.status)) {
      const d = describeError(e, langOf(c));
      // changed since the form was opened: the form shows what is stored now, and saves against it
      const current = changedSince(e);
      return loanPage(c, {}, e.status as 400 | 403 | 404 | 409, {
        ...change,
        ...(current ? { values: storedValues(current), version: current.version, unsaved: change.values } : {}),
        error: d.lines.join('; '),
        technical: d.technical || e.message,
      });
    }
    throw e;
  };

  // a redirect names its banner: without a fragment the browser keeps the form's (#change-section)
  app.post('/loans/:id/actions/:action/correct', session, async (c) => {
    requirePermission(c, 'actions:record');
    const f = c.get('form') ?? {};
    const id = c.req.param('id');
    const actionId = c.req.param('action');
    const lang = langOf(c);
    const posted = postedOutcome(f, actionId);
    // the form came prefilled with a promise's amount and date: a promise corrected to another
    // outcome drops them, where the user had to notice and clear both (the API, sent them
    // explicitly with another outcome, still refuses them, as the record form does)
    const values =
      posted.outcome.trim() === 'promise_to_pay' ? posted : { ...posted, promised_amount: '', promised_date: '' };
    const change: ChangeForm = {
      kind: 'correct',
      action_id: actionId,
      values,
      reason: f.reason ?? '',
      version: f.version ?? '',
    };
    // the amount as the page shows amounts (1,500.00) is the contract's 1500.00, as in the record form
    const amount = values.promised_amount.trim() ? normaliseAmount(values.promised_amount) : undefined;
    if (amount && 'problem' in amount) {
      const p = { field: 'promised_amount', message: amount.problem };
      return loanPage(c, {}, 400, { ...change, error: problemLine(p, lang), technical: `${p.field}: ${p.message}` });
    }
    const input = correctionInput.safeParse({
      loan_id: id,
      action_date: values.action_date,
      channel: values.channel,
      outcome: values.outcome,
      // a blank field is an absent value, as in a file; the note is shown filled, so a blank one clears it
      ...(amount ? { promised_amount: amount.value } : {}),
      ...(values.promised_date ? { promised_date: values.promised_date } : {}),
      ...(values.action_time.trim() ? { action_time: values.action_time.trim() } : {}),
      note: values.note,
      ...(change.reason.trim() ? { reason: change.reason } : {}),
      ...(change.version ? { version: change.version } : {}),
    });
    if (!input.success) {
      const fields = zodProblems(input.error.issues);
      return loanPage(c, {}, 400, {
        ...change,
        error: fields.map((p) => problemLine(p, lang)).join('; '),
        technical: fields.map((p) => `${p.field}: ${p.message}`).join('; '),
      });
    }
    try {
      await correctCollectionAction(c, actionId, input.data, { source: 'console' });
    } catch (e) {
      return refused(c, e, change);
    }
    return c.redirect(
      `/console/loans/${encodeURIComponent(id)}?as_of=${await asOfOf(c)}&corrected=${encodeURIComponent(actionId)}#${savedBannerId}`,
      303,
    );
  });

  app.post('/loans/:id/actions/:action/withdraw', session, async (c) => {
    requirePermission(c, 'actions:record');
    const f = c.get('form') ?? {};
    const id = c.req.param('id');
    const actionId = c.req.param('action');
    // a withdrawal sends no outcome fields: the form's values are blank
    const change: ChangeForm = {
      kind: 'withdraw',
      action_id: actionId,
      values: postedOutcome({}, actionId),
      reason: f.reason ?? '',
      version: f.version ?? '',
    };
    try {
      // an action of another loan is not this page's: as if there were none
      const [stored] = await selectActions(c.get('deps').wh, sql`action_id = ${param(actionId, 'String')}`);
      if (stored && stored.loan_id !== id) throw new ApiError('not_found', `no such action ${actionId} on loan ${id}`);
      if (change.reason.length > 500)
        throw new ApiError('bad_request', 'reason: longer than 500 characters', {
          fields: [{ field: 'reason', message: 'longer than 500 characters' }],
        });
      await withdrawCollectionAction(c, actionId, change.reason, {
        source: 'console',
        ...(change.version ? { version: change.version } : {}),
      });
    } catch (e) {
      return refused(c, e, change);
    }
    return c.redirect(
      `/console/loans/${encodeURIComponent(id)}?as_of=${await asOfOf(c)}&withdrawn=${encodeURIComponent(actionId)}#${savedBannerId}`,
      303,
    );
  });
}
