import { addDays, dateInMonth, daysBetween, monthEnd } from './dates.ts';
import type { Rng } from '../../lib/random.ts';
import type { ActionRow, LoanHistory } from './simulate-loan.ts';

/**
 * Collection actions in a delinquent month. Outcomes depend on the hidden
 * regime (distressed borrowers are harder to reach and promise less), so
 * contacts and broken promises carry signal a model can learn.
 */
/** An attempt reaches the borrower; a reached borrower promises (on channels that can take a promise): by regime z. */
const contactChance = (z: number) => (z ? 0.45 : 0.75);
const promiseChance = (z: number) => (z ? 0.3 : 0.6);
const wrongParty = 0.03;
const canPromise = (channel: string) => channel !== 'sms' && channel !== 'letter';

/** Probability of an action's recorded outcome under regime z (how many actions, and which channels, do not depend on z). */
export function actionLikelihood(z: number, channel: string, outcome: string): number {
  if (outcome === 'wrong_party') return wrongParty;
  if (outcome === 'no_contact') return (1 - wrongParty) * (1 - contactChance(z));
  const reached = (1 - wrongParty) * contactChance(z);
  if (outcome === 'promise_to_pay') return canPromise(channel) ? reached * promiseChance(z) : 0;
  return reached * (canPromise(channel) ? 1 - promiseChance(z) : 1) * (outcome === 'refused' ? 0.25 : 0.75);
}

export function simulateCollections(
  rng: Rng,
  s: { a: number; z: number; region: string; from: string; to: string; owedCents: number; nextDue: string },
): ActionRow[] {
  const stage = s.a === 1 ? 'early' : s.a <= 3 ? 'mid' : 'late';
  const team = `${s.region}-${stage}`;
  const plan: string[] = [];
  if (stage === 'early') {
    if (rng.chance(0.9)) plan.push('sms');
    if (rng.chance(0.35)) plan.push('phone');
  } else if (stage === 'mid') {
    for (let i = rng.int(1, 3); i > 0; i--) plan.push('phone');
    if (rng.chance(0.15)) plan.push('visit');
    if (rng.chance(0.2)) plan.push('letter');
  } else {
    for (let i = rng.int(0, 2); i > 0; i--) plan.push('phone');
    if (rng.chance(0.4)) plan.push('visit');
    if (rng.chance(0.4)) plan.push('letter');
    if (s.a >= 5 && rng.chance(0.1)) plan.push('legal');
    if (s.a >= 5 && rng.chance(0.3)) plan.push('agency');
  }
  const span = Math.max(0, daysBetween(s.from, s.to));
  return plan.map((channel) => {
    const date = addDays(s.from, rng.int(0, span));
    const agentId = `${team}-${String(rng.int(1, 6)).padStart(2, '0')}`;
    if (rng.chance(wrongParty))
      return { date, channel, outcome: 'wrong_party', agentId, team, promisedCents: null, promisedDate: null };
    if (!rng.chance(contactChance(s.z)))
      return { date, channel, outcome: 'no_contact', agentId, team, promisedCents: null, promisedDate: null };
    if (canPromise(channel) && rng.chance(promiseChance(s.z))) {
      // (never due before the day it is made: the ingest quarantines such a promise)
      const promised = addDays(s.nextDue, rng.int(1, 7) - 4);
      // a promise to bring the account up to date by the next due date: kept when that month's payment clears the arrears
      return {
        date,
        channel,
        outcome: 'promise_to_pay',
        agentId,
        team,
        promisedCents: s.owedCents,
        promisedDate: promised < date ? date : promised,
      };
    }
    return {
      date,
      channel,
      outcome: rng.chance(0.25) ? 'refused' : 'contacted',
      agentId,
      team,
      promisedCents: null,
      promisedDate: null,
    };
  });
}

/**
 * Cash after charge-off: collateral sale for secured loans (which can exceed
 * EAD — the recovery metric must flag it, not hide it), otherwise monthly
 * recoveries ending in a settlement or a debt sale. A few recoveries arrive as
 * ordinary payments, which the snapshot must treat as recovery, not as cure.
 */
export function simulateWorkout(
  rng: Rng,
  w: { ead: number; chargeOffMonth: number; asOfMonth: number; collateralValueCents: number | null; out: LoanHistory },
) {
  const { out, ead } = w;
  let recovered = 0;
  const saleMonth = w.chargeOffMonth + rng.int(6, 18);
  // filed the month after the charge-off, when that month is in the data
  if (w.collateralValueCents !== null && w.chargeOffMonth < w.asOfMonth)
    out.events.push({
      date: dateInMonth(w.chargeOffMonth + 1, rng.int(1, 28)),
      type: 'legal_filed',
      amountCents: 0,
      note: 'foreclosure filed',
    });
  for (let m = w.chargeOffMonth + 1; m <= w.asOfMonth; m++) {
    const date = dateInMonth(m, rng.int(1, 28));
    const left = ead - recovered;
    if (w.collateralValueCents !== null) {
      if (m === saleMonth) {
        // sale proceeds above EAD happen (about one sale in ten) and must show up as recovery > 100%
        const cap = rng.chance(0.1) ? rng.uniform(1.0, 1.05) : rng.uniform(0.6, 0.98);
        const amount = Math.min(Math.floor(ead * cap), Math.floor(w.collateralValueCents * rng.uniform(0.55, 0.85)));
        out.events.push({ date, type: 'collateral_sale', amountCents: amount, note: 'auction' });
        return;
      }
      continue;
    }
    if (rng.chance(0.04) && left > 0) {
      out.events.push({
        date,
        type: 'settlement',
        amountCents: Math.floor(left * rng.uniform(0.3, 0.5)),
        note: 'one-off settlement',
      });
      return;
    }
    if (m === w.chargeOffMonth + 12 && rng.chance(0.5) && left > 0) {
      out.events.push({
        date: monthEnd(m),
        type: 'debt_sale',
        amountCents: Math.floor(left * rng.uniform(0.08, 0.15)),
        note: 'portfolio sale',
      });
      return;
    }
    if (rng.chance(0.15) && left > 0) {
      const amount = Math.max(1, Math.floor(ead * rng.uniform(0.02, 0.08)));
      recovered += amount;
      if (rng.chance(0.1)) out.payments.push({ date, amountCents: amount, penaltyCents: 0, channel: 'bank_transfer' });
      else out.events.push({ date, type: 'recovery', amountCents: amount, note: 'collections' });
    }
  }
}
