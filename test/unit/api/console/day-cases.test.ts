import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import type { Case, CaseFilters } from '../../../../pipelines/cases/case-list.ts';
import { stages } from '../../../../pipelines/cases/strategy.ts';
import { scopeCases } from '../../../../api/console/day-cases.ts';

const regions = ['east', 'south', 'north'];
const products = ['consumer', 'mortgage', 'auto'];
const teams = ['', 'east-early', 'south-late'];

/** a whole book's list: ranks 1…n in the list's order, scopes drawn from a seeded generator */
function book(rng: Rng, n: number): Case[] {
  return Array.from({ length: n }, (_, i): Case => ({
    rank: i + 1,
    loan_id: `L${String(i).padStart(6, '0')}`,
    region: rng.pick(regions),
    product: rng.pick(products),
    team: rng.pick(teams),
    placed_with: '',
    stage: rng.pick(stages),
    dpd: rng.int(0, 120),
    bucket: 'M1',
    balance: 1000,
    probability: 0.1,
    probability_source: 'model',
    model: null,
    expected_loss: 100,
    grade: 'C',
    reasons: [],
    action: 'sms_reminder',
    last_contacts: [],
    amount_to_cure: null,
    charges_owed: null,
    open_promises: [],
  }));
}

const some = <T>(rng: Rng, xs: readonly T[]): T[] | undefined =>
  rng.chance(0.4) ? undefined : xs.filter(() => rng.chance(0.5));

describe("a scope's queue cut from the whole book's list", () => {
  it('holds exactly the matching cases, in the book order, ranked 1…n, for random books and filters', () => {
    const rng = new Rng(13);
    for (let round = 0; round < 200; round++) {
      const all = book(rng, rng.int(0, 80));
      const f: CaseFilters = {
        region: some(rng, regions),
        team: some(rng, teams),
        product: some(rng, products),
        stage: some(rng, stages),
      };
      const cut = scopeCases(all, f);
      const matches = (c: Case) =>
        (!f.region || f.region.includes(c.region)) &&
        (!f.team || f.team.includes(c.team)) &&
        (!f.product || f.product.includes(c.product)) &&
        (!f.stage || f.stage.includes(c.stage));
      expect(cut.map((c) => c.loan_id)).toEqual(all.filter(matches).map((c) => c.loan_id));
      expect(cut.map((c) => c.rank)).toEqual(cut.map((_, i) => i + 1));
      // the book's own cases are not renumbered
      expect(all.map((c) => c.rank)).toEqual(all.map((_, i) => i + 1));
      for (const c of cut) {
        const { rank: _r, ...rest } = c;
        const { rank: _o, ...orig } = all.find((x) => x.loan_id === c.loan_id)!;
        expect(rest).toEqual(orig);
      }
    }
  });
});
