import { parseString } from '@fast-csv/parse';
import { describe, expect, it } from 'vitest';
import { casesCsv, flatCase, type Case } from '../../../../pipelines/cases/case-list.ts';
import { Rng } from '../../../../lib/random.ts';

const parseCsv = (text: string) =>
  new Promise<Record<string, string>[]>((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString<Record<string, string>, Record<string, string>>(text, { headers: true })
      .on('error', reject)
      .on('data', (r: Record<string, string>) => rows.push(r))
      .on('end', () => {
        resolve(rows);
      });
  });

/** Text a spreadsheet user could type into a note: commas, quotes, line breaks, brackets, semicolons, Chinese. */
const awkward = ['a, b', 'say "hi"', 'line\nbreak', '[not json', '{x}', '逾期; 承诺', ''];

function randomCase(rng: Rng, i: number): Case & { arm?: string; agent_id?: string } {
  const pick = <T>(xs: readonly T[]) => xs[rng.int(0, xs.length - 1)]!;
  return {
    rank: i + 1,
    loan_id: `L${i}`,
    region: pick(['east', 'west, north']),
    product: 'consumer',
    team: pick(['', 't1']),
    placed_with: pick(['', 'AG01']),
    stage: pick(['watch', 'early', 'mid', 'late'] as const),
    dpd: rng.int(0, 400),
    bucket: 'M1',
    balance: Math.round(rng.uniform(0, 1e6) * 100) / 100,
    probability: rng.next(),
    probability_source: pick(['model', 'model_updated', 'roll_rate_matrix'] as const),
    model: pick([null, 'card@1']),
    expected_loss: 1,
    grade: pick(['A', 'E'] as const),
    reasons: Array.from({ length: rng.int(0, 3) }, () => pick(awkward)),
    action: 'sms_reminder',
    counterfactual: pick(awkward),
    last_contacts: Array.from({ length: rng.int(0, 3) }, (_, k) => ({
      date: `2024-06-0${k + 1}`,
      channel: pick(['sms', 'phone']),
      outcome: pick(['contacted', 'promise_to_pay']),
    })),
    amount_to_cure: rng.chance(0.2) ? null : rng.int(0, 9_999_999) / 100,
    charges_owed: rng.chance(0.2) ? null : rng.int(0, 99_999) / 100,
    open_promises: Array.from({ length: rng.int(0, 2) }, (_, k) => ({
      date: `2024-07-0${3 - k}`,
      amount: 100.5 * (k + 1),
    })),
    ...(rng.chance(0.5) ? { arm: pick(awkward), agent_id: 'a1' } : {}),
  };
}

describe('case-list CSV', () => {
  it('is flat: every cell parses back to its value and none holds JSON (random cases with awkward text)', async () => {
    const rng = new Rng(11);
    for (let run = 0; run < 20; run++) {
      const cases = Array.from({ length: rng.int(1, 30) }, (_, i) => randomCase(rng, i));
      const rows = await parseCsv(casesCsv(cases));
      expect(rows).toHaveLength(cases.length);
      cases.forEach((c, i) => {
        const r = rows[i]!;
        const flat = flatCase(c);
        for (const [k, v] of Object.entries(r)) {
          expect(v.startsWith('[{') || v.startsWith('{"'), `${k}: ${v}`).toBe(false);
          const want = flat[k as keyof typeof flat];
          expect(v).toBe(want === null ? '' : String(want));
        }
        // amounts to the cent and the probability to 6 decimals, as the metrics CSV: no float tails
        for (const k of ['balance', 'expected_loss', 'amount_to_cure', 'charges_owed', 'open_promise_amount'] as const)
          if (r[k] !== '') expect(r[k], k).toMatch(/^-?\d+\.\d{2}$/u);
        expect(r.probability).toMatch(/^[01]\.\d{6}$/u);
        expect(Math.abs(Number(r.probability) - c.probability)).toBeLessThanOrEqual(5e-7);
        expect(Number(r.balance)).toBe(c.balance);
        expect(r.reasons).toBe(c.reasons.join('; '));
        expect(r.last_contact_date).toBe(c.last_contacts[0]?.date ?? '');
        // the promise falling due first
        expect(r.open_promise_date).toBe(c.open_promises.map((p) => p.date).sort()[0] ?? '');
      });
    }
  });
});
