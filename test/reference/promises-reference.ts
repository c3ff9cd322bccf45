import type { Action, Cash } from './metrics-reference.ts';

/**
 * The promise lifecycle computed independently of the SQL (warehouse/metrics/promise-sources.ts),
 * one payment date at a time: a loan's promises in deadline order (then made, then id), each
 * payment going to those whose window [made, deadline] holds its date, each taking what it still
 * lacks. Cents throughout.
 */
export interface PromiseRef {
  status: 'open' | 'kept' | 'partial' | 'broken';
  paid: number;
  completeDate: string;
}

const cents = (x: number) => Math.round(x * 100);
const plusDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function promiseStatesRef(
  actions: Action[],
  payments: Cash[],
  asOf: string,
  grace = 3,
): Map<string, PromiseRef> {
  const out = new Map<string, PromiseRef>();
  const loans = new Set(actions.filter((a) => a.outcome === 'promise_to_pay').map((a) => a.loan_id));
  for (const loan of loans) {
    const ps = actions
      .filter((a) => a.loan_id === loan && a.outcome === 'promise_to_pay' && a.action_date <= asOf)
      .map((a) => {
        const promised = a.promised_date ?? a.action_date;
        return {
          a,
          promised,
          deadline: plusDays(promised, grace),
          lacks: a.promised_amount === null ? 0 : cents(a.promised_amount),
          complete: '',
        };
      })
      .sort(
        (x, y) =>
          x.deadline.localeCompare(y.deadline) ||
          x.a.action_date.localeCompare(y.a.action_date) ||
          x.a.action_id.localeCompare(y.a.action_id),
      );
    const pays = payments
      .filter((p) => p.loan_id === loan && p.date <= asOf)
      .sort((x, y) => x.date.localeCompare(y.date));
    for (const p of pays) {
      let left = cents(p.amount);
      for (const q of ps) {
        if (left === 0) break;
        if (q.a.action_date > p.date || p.date > q.deadline || q.lacks === 0) continue;
        const take = Math.min(left, q.lacks);
        q.lacks -= take;
        left -= take;
        if (q.lacks === 0) q.complete = p.date;
      }
    }
    for (const q of ps) {
      const inWindow = pays.filter((p) => p.date >= q.a.action_date && p.date <= q.deadline);
      const amount = q.a.promised_amount === null ? null : cents(q.a.promised_amount);
      const paid = amount === null ? inWindow.reduce((s, p) => s + cents(p.amount), 0) : amount - q.lacks;
      const status =
        q.deadline > asOf
          ? 'open'
          : amount === null
            ? paid > 0
              ? 'kept'
              : 'broken'
            : paid >= amount
              ? 'kept'
              : paid > 0
                ? 'partial'
                : 'broken';
      out.set(q.a.action_id, { status, paid, completeDate: amount === null ? (inWindow[0]?.date ?? '') : q.complete });
    }
  }
  return out;
}
