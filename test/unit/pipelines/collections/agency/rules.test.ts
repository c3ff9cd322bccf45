import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../../lib/random.ts';
import { parseAgencyTerms, defaultAgencyTerms } from '../../../../../warehouse/workout/agency-terms.ts';
import {
  placeable,
  placementHistory,
  proposalsInRegions,
  proposePlacements,
  recallReason,
  unknownRuleProducts,
  type LoanPlacementState,
  type PlacementRecord,
} from '../../../../../pipelines/collections/agency/rules.ts';
import { doNotContactOn } from '../../../../../pipelines/collections/contact-rules.ts';
import { defaultContactRules } from '../../../../../pipelines/collections/contact-rules-config.ts';

const t = parseAgencyTerms({
  dpd_min: 91,
  dpd_max: 360,
  balance_min: 1000,
  balance_max: 50_000,
  products: ['consumer', 'credit_card'],
  max_previous_placements: 1,
  placement_days: 90,
  agencies: [
    { id: 'A', commission_rate: 0.2 },
    { id: 'B', commission_rate: 0.25 },
    { id: 'C', commission_rate: 0.3 },
  ],
});
const asOf = '2024-06-30';
const loan = (o: Partial<LoanPlacementState> = {}): LoanPlacementState => ({
  loan_id: 'L1',
  product: 'consumer',
  region: 'east',
  status: 'active',
  dpd: 120,
  balance: 10_000,
  placements: [],
  hold: null,
  open_promise: null,
  ...o,
});
const placed = (agency: string, placed_date: string, recalled_date: string | null = null): PlacementRecord => ({
  placement_id: `${agency}-${placed_date}`,
  agency,
  placed_date,
  placed_amount: 10_000,
  recalled_date,
});

describe('placement rules, each criterion at its boundary', () => {
  it('DPD range, both ends inclusive', () => {
    expect([90, 91, 360, 361].map((dpd) => placeable(loan({ dpd }), t))).toEqual([false, true, true, false]);
  });
  it('balance band, both ends inclusive', () => {
    expect([999.99, 1000, 50_000, 50_000.01].map((balance) => placeable(loan({ balance }), t))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
  it('products listed, or every product when the list is empty', () => {
    expect(placeable(loan({ product: 'mortgage' }), t)).toBe(false);
    expect(placeable(loan({ product: 'credit_card' }), t)).toBe(true);
    expect(placeable(loan({ product: 'mortgage' }), { ...t, products: [] })).toBe(true);
  });
  it('previous placements up to the maximum, none open, no hold, active only', () => {
    expect(placeable(loan({ placements: [placed('A', '2024-01-01', '2024-03-31')] }), t)).toBe(true);
    expect(
      placeable(
        loan({ placements: [placed('A', '2023-01-01', '2023-03-31'), placed('B', '2024-01-01', '2024-03-31')] }),
        t,
      ),
    ).toBe(false);
    expect(placeable(loan({ placements: [placed('A', '2024-05-01')] }), t)).toBe(false);
    expect(placeable(loan({ hold: 'dispute' }), t)).toBe(false);
    expect(placeable(loan({ status: 'charged_off' }), t)).toBe(false);
  });
  it('an open promise to pay keeps the loan in house, unless the rules say otherwise', () => {
    const promised = loan({ open_promise: { action_id: 'A1', promised_date: '2024-07-05' } });
    expect(placeable(promised, t)).toBe(false);
    expect(placeable(promised, { ...t, skip_open_promise: false })).toBe(true);
  });
});

describe('recall', () => {
  it('on expiry: the day the placement period has run (placed + 90 days), not the day before', () => {
    const l = loan({ placements: [placed('A', '2024-04-01')] });
    expect(recallReason(l, '2024-06-29', t)).toBeNull();
    expect(recallReason(l, '2024-06-30', t)).toBe('expiry');
  });
  it('on a cure (DPD 0 or paid off), and on a do-not-contact hold first', () => {
    const open = [placed('A', '2024-06-01')];
    expect(recallReason(loan({ placements: open, dpd: 0 }), asOf, t)).toBe('cure');
    expect(recallReason(loan({ placements: open, status: 'paid_off', dpd: 0 }), asOf, t)).toBe('cure');
    expect(recallReason(loan({ placements: open, dpd: 1 }), asOf, t)).toBeNull();
    expect(recallReason(loan({ placements: open, dpd: 0, hold: 'bankruptcy' }), asOf, t)).toBe('do_not_contact');
    // a charged-off loan stays with the agency until expiry
    expect(recallReason(loan({ placements: open, status: 'charged_off', dpd: 0 }), asOf, t)).toBeNull();
    // switched off
    expect(recallReason(loan({ placements: open, dpd: 0 }), asOf, { ...t, recall_on_cure: false })).toBeNull();
    expect(
      recallReason(loan({ placements: open, hold: 'x' }), asOf, { ...t, recall_on_do_not_contact: false }),
    ).toBeNull();
    // nothing open: nothing to recall
    expect(recallReason(loan({ dpd: 0 }), asOf, t)).toBeNull();
  });
});

describe('proposals and rotation', () => {
  it('spreads new placements over the agencies by load, largest balance first, skipping agencies the loan had', () => {
    const loans = [
      loan({ loan_id: 'L1', balance: 5000 }),
      loan({ loan_id: 'L2', balance: 9000 }),
      loan({ loan_id: 'L3', balance: 7000, placements: [placed('A', '2024-01-01', '2024-03-31')] }),
      loan({ loan_id: 'L4', balance: 7000 }),
      // an open placement with B counts towards B's load
      loan({ loan_id: 'L5', placements: [placed('B', '2024-06-01')] }),
    ];
    const p = proposePlacements(loans, asOf, t);
    expect(p.map((x) => [x.loan_id, x.action, x.agency])).toEqual([
      ['L2', 'place', 'A'],
      ['L3', 'place', 'C'],
      // all at one: the earlier agency of the list
      ['L4', 'place', 'A'],
      ['L1', 'place', 'B'],
    ]);
    expect(p.find((x) => x.loan_id === 'L3')!.previous_placements).toBe(1);
    expect(p[0]!.expires).toBe('2024-09-27');
  });
  it('recalls before placing, and a recalled loan frees its agency', () => {
    const p = proposePlacements(
      [loan({ loan_id: 'L9', dpd: 0, placements: [placed('A', '2024-06-01')] }), loan({ loan_id: 'L1' })],
      asOf,
      t,
    );
    expect(p.map((x) => [x.loan_id, x.action, x.agency, x.reason])).toEqual([
      ['L9', 'recall', 'A', 'cure'],
      ['L1', 'place', 'A', 'rules'],
    ]);
  });
  it('the same input in any order gives the same proposals', () => {
    const loans = Array.from({ length: 30 }, (_, i) =>
      loan({ loan_id: `L${String(i).padStart(2, '0')}`, balance: 1000 + ((i * 7919) % 13) * 1000, dpd: 91 + i * 10 }),
    );
    const a = proposePlacements(loans, asOf, t);
    expect(proposePlacements([...loans].reverse(), asOf, t)).toEqual(a);
    const counts = ['A', 'B', 'C'].map((id) => a.filter((x) => x.agency === id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});

describe('a region filter', () => {
  const regions = ['east', 'west', 'north', 'south'];
  /** a random book: loans placeable or not, some placed before (open or recalled), in random regions */
  const book = (seed: number): LoanPlacementState[] => {
    const r = new Rng(seed);
    return Array.from({ length: r.int(20, 120) }, (_, i) =>
      loan({
        loan_id: `L${String(i).padStart(3, '0')}`,
        region: r.pick(regions),
        product: r.pick(['consumer', 'credit_card', 'mortgage']),
        dpd: r.int(60, 400),
        balance: r.int(5, 60) * 1000,
        placements: r.chance(0.3)
          ? [placed(r.pick(['A', 'B', 'C']), r.pick(['2024-01-10', '2024-05-20']), r.chance(0.5) ? '2024-03-01' : null)]
          : [],
        hold: r.chance(0.05) ? 'dispute' : null,
      }),
    );
  };

  it("proposes for every region's loans the rows the whole book's list has for that region", () => {
    let aloneDiffers = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const loans = book(seed);
      const whole = proposalsInRegions(loans, asOf, t);
      expect(whole).toEqual(proposePlacements(loans, asOf, t));
      for (const region of regions) {
        const rows = whole.filter((p) => p.region === region);
        expect(proposalsInRegions(loans, asOf, t, [region]), `seed ${seed}, ${region}`).toEqual(rows);
        // the rotation run on the region's loans alone (what the command did) lands elsewhere
        const alone = proposePlacements(
          loans.filter((l) => l.region === region),
          asOf,
          t,
        );
        if (JSON.stringify(alone) !== JSON.stringify(rows)) aloneDiffers += 1;
      }
      const two = regions.slice(0, 2);
      expect(proposalsInRegions(loans, asOf, t, two)).toEqual(whole.filter((p) => two.includes(p.region)));
    }
    expect(aloneDiffers).toBeGreaterThan(0);
  });
});

describe('history from events', () => {
  it('pairs a recall with the open placement of its agency; do_not_contact holds until contact_allowed', () => {
    const ev = (event_id: string, event_date: string, type: string, note = '', amount = 0) => ({
      event_id,
      event_date,
      type,
      note,
      amount,
    });
    const h = placementHistory([
      ev('e3', '2024-04-01', 'agency_recall', 'A'),
      ev('e1', '2024-01-01', 'agency_placement', 'A', 500),
      ev('e4', '2024-05-01', 'agency_placement', 'B', 400),
      ev('e5', '2024-05-02', 'do_not_contact', 'dispute'),
    ]);
    expect(h.placements).toEqual([
      { placement_id: 'e1', agency: 'A', placed_date: '2024-01-01', placed_amount: 500, recalled_date: '2024-04-01' },
      { placement_id: 'e4', agency: 'B', placed_date: '2024-05-01', placed_amount: 400, recalled_date: null },
    ]);
    expect(h.hold).toBe('dispute');
    expect(
      placementHistory([
        ev('a', '2024-01-01', 'do_not_contact', 'legal_hold'),
        ev('b', '2024-02-01', 'contact_allowed'),
      ]).hold,
    ).toBeNull();
  });
});

describe('the hold read as the contact rules read it', () => {
  it('any sequence of do_not_contact / contact_allowed events: placements and the case list agree on the hold', () => {
    const rng = new Rng(49);
    const notes = ['', 'dispute resolved', 'sms', 'Phone', 'bankruptcy', 'agency'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
    for (let trial = 0; trial < 500; trial++) {
      const events = Array.from({ length: 1 + Math.floor(rng.next() * 6) }, (_, k) => ({
        event_id: `E${String(Math.floor(rng.next() * 50)).padStart(2, '0')}-${k}`,
        event_date: `2024-06-${String(1 + Math.floor(rng.next() * 5)).padStart(2, '0')}`,
        type: pick(['do_not_contact', 'contact_allowed', 'consent_withdrawn']),
        note: pick(notes),
        amount: 0,
      }));
      const contacts = {
        loan_id: 'L1',
        actions: [],
        events: events.map((e) => ({ event_id: e.event_id, date: e.event_date, type: e.type, note: e.note })),
      };
      expect(placementHistory(events).hold ?? '', JSON.stringify(events)).toBe(
        doNotContactOn(defaultContactRules, contacts, '2024-06-30'),
      );
    }
  });

  it('a consent restored for one channel does not lift a bankruptcy hold', () => {
    const ev = (event_id: string, event_date: string, type: string, note: string) => ({
      event_id,
      event_date,
      type,
      note,
      amount: 0,
    });
    const h = placementHistory([
      ev('ZE-1', '2024-06-10', 'do_not_contact', 'bankruptcy'),
      ev('ZE-2', '2024-06-15', 'consent_withdrawn', 'sms'),
      ev('ZE-3', '2024-06-20', 'contact_allowed', 'sms'),
    ]);
    expect(h.hold).toBe('bankruptcy');
  });
});

describe('rules file', () => {
  it('has documented defaults and names the bad field', () => {
    expect(defaultAgencyTerms.placement_days).toBe(90);
    // the shipped file is the defaults, written out
    const shipped: unknown = JSON.parse(
      readFileSync(
        new URL('../../../../../pipelines/collections/agency/default-placement-rules.json', import.meta.url),
        'utf8',
      ),
    );
    expect(parseAgencyTerms(shipped)).toEqual(defaultAgencyTerms);
    expect(defaultAgencyTerms.agencies.map((a) => a.id)).toEqual(['AG01', 'AG02', 'AG03', 'AG04']);
    expect(() => parseAgencyTerms({ dpd_min: 200, dpd_max: 100 })).toThrow(/^dpd_min/u);
    expect(() => parseAgencyTerms({ agencies: [{ id: 'A', commission_rate: 1.5 }] })).toThrow(
      /^agencies\.0\.commission_rate/u,
    );
    expect(() =>
      parseAgencyTerms({
        agencies: [
          { id: 'A', commission_rate: 0.1 },
          { id: 'A', commission_rate: 0.2 },
        ],
      }),
    ).toThrow(/^agencies\.1\.id/u);
    expect(() => parseAgencyTerms({ placement_days: 0 })).toThrow(/^placement_days/u);
  });
});

describe("the rules' products against the book", () => {
  const known = ['consumer', 'credit_card', 'mortgage', 'small_business'];
  it('a product the book does not hold (a wrong case too) is named with the nearest, as --product does', () => {
    expect(unknownRuleProducts(parseAgencyTerms({ products: ['Mortgage'] }), known)).toBe(
      'products: unknown product "Mortgage" (did you mean "mortgage"?) — known: consumer, credit_card, mortgage, small_business',
    );
    expect(unknownRuleProducts(parseAgencyTerms({ products: ['consumer', 'auto', 'auto'] }), known)).toMatch(
      /^products: unknown product "auto" — known: /u,
    );
  });
  it('known products, or none (every product), pass', () => {
    expect(unknownRuleProducts(t, known)).toBeUndefined();
    expect(unknownRuleProducts(defaultAgencyTerms, known)).toBeUndefined();
  });
});
