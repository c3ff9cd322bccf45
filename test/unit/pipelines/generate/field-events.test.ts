import { describe, expect, it } from 'vitest';
import { addFieldEvents, agencies, principalBalanceAt } from '../../../../pipelines/generate/field-events.ts';
import { simulateLoan, type Environment } from '../../../../pipelines/generate/simulate-loan.ts';
import { buildSchedule } from '../../../../warehouse/schedule/build-schedule.ts';
import { monthIndex } from '../../../../pipelines/generate/dates.ts';
import { Rng } from '../../../../lib/random.ts';

const asOf = '2024-06-30';
const env: Environment = { asOfMonth: monthIndex(asOf), macro: () => 0.6, season: () => 1 };
const terms = (i: number) => ({
  loanId: `L${i}`,
  region: 'east',
  originationDate: '2022-01-15',
  principalCents: 5_000_000,
  annualRate: 0.18,
  termMonths: 24,
  method: 'annuity' as const,
  collateralValueCents: i % 3 === 0 ? 8_000_000 : null,
  risk: { r0: 1.5, prepayMonthly: 0.002 },
  observedR0: 1.5,
});

/** Risky loans with their field events, as the generator writes them. */
const loans = Array.from({ length: 400 }, (_, i) => {
  const t = terms(i);
  const h = simulateLoan(t, env, new Rng(1000 + i));
  const schedule = h.amendedSchedule ?? buildSchedule(t);
  const before = {
    payments: h.payments.length,
    truth: h.truth.length,
    chargeOff: h.events.find((e) => e.type === 'charge_off'),
  };
  addFieldEvents(new Rng(5000 + i), h, { asOf, balanceAt: (d) => principalBalanceAt(schedule, h.payments, d) });
  return { h, before, schedule, t };
});

describe('field events of the generated book', () => {
  it('leave payments, charge-offs and the model truth as simulated', () => {
    for (const { h, before } of loans) {
      expect(h.payments).toHaveLength(before.payments);
      expect(h.truth).toHaveLength(before.truth);
      expect(h.events.find((e) => e.type === 'charge_off')).toEqual(before.chargeOff);
    }
  });

  it('give every contact a time of day, mostly inside the usual hours', () => {
    const times = loans.flatMap(({ h }) => h.actions.map((a) => a.time));
    expect(times.every((t) => t !== undefined && /^([01]\d|2[0-3]):[0-5]\d$/.test(t))).toBe(true);
    const outside = times.filter((t) => t! < '08:00' || t! > '21:00').length;
    expect(outside).toBeGreaterThan(0);
    expect(outside / times.length).toBeLessThan(0.05);
  });

  it('date every event on or before the as-of date, with the contract notes', () => {
    const events = loans.flatMap(({ h }) => h.events);
    expect(events.filter((e) => !(e.date <= asOf && e.amountCents >= 0))).toEqual([]);
    const notes = new Set(events.filter((e) => e.type === 'do_not_contact').map((e) => e.note));
    expect([...notes].every((n) => ['legal_hold', 'bankruptcy', 'deceased', 'dispute'].includes(n))).toBe(true);
    for (const type of ['complaint', 'waiver', 'agency_placement', 'agency_recall'])
      expect(events.some((e) => e.type === type)).toBe(true);
  });

  it('place a loan with an agency before its agency contacts, recall it after, one agency at a time', () => {
    for (const { h } of loans) {
      const spans: { agency: string; from: string; to: string }[] = [];
      const marks = h.events
        .filter((e) => e.type === 'agency_placement' || e.type === 'agency_recall')
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.type === 'agency_recall' ? -1 : 1));
      for (const e of marks) {
        expect(agencies).toContain(e.note);
        if (e.type === 'agency_placement') {
          expect(spans.at(-1)?.to ?? '').not.toBe('open');
          expect(e.amountCents).toBeGreaterThan(0);
          spans.push({ agency: e.note, from: e.date, to: 'open' });
        } else {
          expect(spans.at(-1)).toMatchObject({ agency: e.note, to: 'open' });
          spans.at(-1)!.to = e.date;
        }
      }
      for (const a of h.actions.filter((x) => x.channel === 'agency')) {
        const span = spans.find(
          (s) => s.agency === a.agentId && s.from <= a.date && (s.to === 'open' || a.date <= s.to),
        );
        expect(span, `${a.date} ${a.agentId}`).toBeDefined();
      }
    }
  });

  it('owe less principal as payments come in, never below zero', () => {
    for (const { h, schedule, t } of loans.slice(0, 50)) {
      let last = Infinity;
      for (const p of h.payments) {
        const b = principalBalanceAt(schedule, h.payments, p.date);
        expect(b).toBeLessThanOrEqual(last);
        expect(b).toBeGreaterThanOrEqual(0);
        last = b;
      }
      expect(principalBalanceAt(schedule, h.payments, '2021-12-31')).toBe(
        h.amendedSchedule ? schedule.reduce((s, i) => s + i.principalCents, 0) : t.principalCents,
      );
    }
  });
});
