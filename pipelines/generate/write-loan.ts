import { injectBadRow } from './bad-rows.ts';
import { corruptions, type BookSinks, type DataEntity } from './book-files.ts';
import type { BookFrame, LoanDraw } from './loan-draws.ts';
import { Rng } from '../../lib/random.ts';
import { cents, type Cell } from '../files/table-sink.ts';
import { simulateLoan } from './simulate-loan.ts';
import { addFieldEvents, principalBalanceAt } from './field-events.ts';
import { buildSchedule } from '../../warehouse/schedule/build-schedule.ts';

/** the field events' own random stream (field-events.ts), apart from the loan's */
const fieldEventsStream = 0x0f1e1d;
/** the injected bad rows' own random stream */
const badRowsStream = 0x5bad5eed;

/** The seed of a random stream of a loan's own, from the book's seed and the loan's position. */
export const loanSeed = (seed: number, loanSeq: number) =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(loanSeq + 1, 0xc2b2ae35)) >>> 0;

/**
 * Simulates one drawn loan and writes all its rows. Everything random here comes from the loan's
 * own streams (its history, its field events, its bad rows), so a loan's rows do not depend on
 * which process writes it or on the loans before it. Returns how many bad rows it injected.
 */
export function writeLoan(d: LoanDraw, frame: BookFrame, o: { seed: number; badRows: number }, sinks: BookSinks) {
  const { loanId, originationDate, principalCents, annualRate, termMonths, method } = d.terms;
  const bad = new Rng(loanSeed(o.seed ^ badRowsStream, d.loanSeq));
  let injected = 0;
  const emit = (entity: DataEntity, cells: Cell[]) => {
    const sink = sinks.entity[entity];
    sink.write(cells);
    if (o.badRows > 0 && bad.chance(o.badRows)) {
      const id = { key: `${String(d.loanSeq)}-${String(++injected)}`, n: d.loanSeq + injected };
      sinks.badRows.raw(JSON.stringify(injectBadRow(bad, sink, entity, cells, corruptions[entity], id)));
    }
  };
  if (d.customerRow) emit('customers', d.customerRow);
  emit('loans', d.loanRow);
  const h = simulateLoan(d.terms, frame.env, new Rng(loanSeed(o.seed, d.loanSeq)));
  const schedule =
    h.amendedSchedule ?? buildSchedule({ originationDate, principalCents, annualRate, termMonths, method });
  addFieldEvents(new Rng(loanSeed(o.seed ^ fieldEventsStream, d.loanSeq)), h, {
    asOf: frame.asOf,
    balanceAt: (date) => principalBalanceAt(schedule, h.payments, date),
  });
  h.amendedSchedule?.forEach((i) => {
    emit('schedule', [loanId, i.installmentNo, i.dueDate, cents(i.principalCents), cents(i.interestCents)]);
  });
  h.payments.forEach((x, n) => {
    emit('payments', [
      `${loanId}-P${n + 1}`,
      loanId,
      x.date,
      cents(x.amountCents),
      null,
      null,
      x.penaltyCents ? cents(x.penaltyCents) : null,
      x.channel,
    ]);
  });
  h.actions.forEach((x, n) => {
    emit('collection_actions', [
      `${loanId}-A${n + 1}`,
      loanId,
      x.date,
      x.channel,
      x.outcome,
      x.agentId,
      x.team,
      x.promisedCents === null ? null : cents(x.promisedCents),
      x.promisedDate,
      x.time ?? null,
    ]);
  });
  h.events.forEach((x, n) => {
    emit('loan_events', [`${loanId}-E${n + 1}`, loanId, x.date, x.type, cents(x.amountCents), x.note]);
  });
  h.truth.forEach((x) =>
    sinks.entity.truth.write([loanId, x.monthEnd, x.prob.toFixed(6), x.observableProb.toFixed(6)]),
  );
  return injected;
}
