import { describe, expect, it } from 'vitest';
import {
  attribute,
  contactsByLoan,
  daysBetween,
  placementsByLoan,
  type IncentiveContact,
} from '../../../../../pipelines/collections/incentives/attribution.ts';

const contact = (
  o: Partial<IncentiveContact> & Pick<IncentiveContact, 'action_id' | 'action_date'>,
): IncentiveContact => ({
  loan_id: 'L1',
  channel: 'phone',
  agent_id: 'a1',
  team: 't1',
  action_time: '',
  ...o,
});
const addDays = (d: string, k: number) => new Date(Date.parse(d) + k * 864e5).toISOString().slice(0, 10);

describe('attribution: the last contact within N days before the payment', () => {
  it('day N is in, day N + 1 is out, for every N from 0 to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const pay = '2024-06-20';
      const inside = contactsByLoan([contact({ action_id: 'A', action_date: addDays(pay, -n) })]);
      expect(attribute(inside, 'L1', pay, n)).toMatchObject({ to: 'agent', contact: { action_id: 'A' } });
      const outside = contactsByLoan([contact({ action_id: 'A', action_date: addDays(pay, -(n + 1)) })]);
      expect(attribute(outside, 'L1', pay, n)).toEqual({ to: 'none', reason: 'no_contact' });
    }
  });

  it('a contact on the payment day counts; one after the payment does not', () => {
    const byLoan = contactsByLoan([
      contact({ action_id: 'before', action_date: '2024-06-10', agent_id: 'a1' }),
      contact({ action_id: 'after', action_date: '2024-06-21', agent_id: 'a2' }),
    ]);
    expect(attribute(byLoan, 'L1', '2024-06-20', 30)).toMatchObject({ contact: { action_id: 'before' } });
    expect(attribute(byLoan, 'L1', '2024-06-10', 30)).toMatchObject({ contact: { action_id: 'before' } });
  });

  it('two agents on one loan: the later contact takes the whole payment; same day and time: the larger action id', () => {
    const byLoan = contactsByLoan([
      contact({ action_id: 'A1', action_date: '2024-06-01', agent_id: 'early' }),
      contact({ action_id: 'A2', action_date: '2024-06-12', agent_id: 'later' }),
      contact({ action_id: 'A9', action_date: '2024-06-15', agent_id: 'x' }),
      contact({ action_id: 'A10', action_date: '2024-06-15', agent_id: 'y' }),
    ]);
    expect(attribute(byLoan, 'L1', '2024-06-13', 30)).toMatchObject({ contact: { agent_id: 'later' } });
    expect(attribute(byLoan, 'L1', '2024-06-11', 30)).toMatchObject({ contact: { agent_id: 'early' } });
    // 'A9' > 'A10' as text: ids compare as the strings they are, the same order on every run
    expect(attribute(byLoan, 'L1', '2024-06-16', 30)).toMatchObject({ contact: { action_id: 'A9' } });
  });

  it('same day: the later recorded time takes it, whatever the ids; an unknown time counts as earliest', () => {
    const byLoan = contactsByLoan([
      contact({ action_id: 'A13', action_date: '2024-06-28', action_time: '19:04', agent_id: 'first' }),
      contact({ action_id: 'A12', action_date: '2024-06-28', action_time: '20:22', agent_id: 'last' }),
      contact({ action_id: 'A99', action_date: '2024-06-28', action_time: '', agent_id: 'unknown' }),
    ]);
    expect(attribute(byLoan, 'L1', '2024-06-30', 30)).toMatchObject({ contact: { agent_id: 'last' } });
    expect(byLoan.get('L1')!.map((c) => c.action_id)).toEqual(['A12', 'A13', 'A99']);
  });

  it("an agency's contact makes the payment the agency's, not an earlier agent's", () => {
    const byLoan = contactsByLoan([
      contact({ action_id: 'A1', action_date: '2024-06-01', agent_id: 'a1' }),
      contact({ action_id: 'G1', action_date: '2024-06-05', channel: 'agency', agent_id: 'AG01', team: 'agency' }),
    ]);
    expect(attribute(byLoan, 'L1', '2024-06-10', 30)).toMatchObject({ to: 'agency', contact: { agent_id: 'AG01' } });
    // before the agency's contact the agent's stands
    expect(attribute(byLoan, 'L1', '2024-06-03', 30)).toMatchObject({ to: 'agent', contact: { agent_id: 'a1' } });
  });

  it('no contact on the loan, or one on another loan: unattributed; a contact without agent: no_agent', () => {
    const byLoan = contactsByLoan([
      contact({ action_id: 'A1', action_date: '2024-06-01', loan_id: 'L2' }),
      contact({ action_id: 'S1', action_date: '2024-06-02', loan_id: 'L3', agent_id: '', channel: 'sms' }),
    ]);
    expect(attribute(byLoan, 'L1', '2024-06-10', 30)).toEqual({ to: 'none', reason: 'no_contact' });
    expect(attribute(byLoan, 'L3', '2024-06-10', 30)).toMatchObject({ to: 'none', reason: 'no_agent' });
  });

  it('days between dates across month and year ends', () => {
    expect(daysBetween('2024-01-31', '2024-03-01')).toBe(30);
    expect(daysBetween('2023-12-31', '2024-01-01')).toBe(1);
    expect(daysBetween('2024-06-20', '2024-06-20')).toBe(0);
  });

  it("a day of an agency placement's window is the agency's, whoever contacted last; the days around it are not", () => {
    const byLoan = contactsByLoan([contact({ action_id: 'A', action_date: '2024-05-10', agent_id: 'a1' })]);
    const placed = placementsByLoan([{ loan_id: 'L1', agency: 'AG03', from: '2024-05-12', to: '2024-05-20' }]);
    for (const [day, to] of [
      ['2024-05-11', 'agent'],
      ['2024-05-12', 'agency'],
      ['2024-05-18', 'agency'],
      ['2024-05-20', 'agency'],
      ['2024-05-21', 'agent'],
    ] as const)
      expect(attribute(byLoan, 'L1', day, 30, placed), day).toMatchObject(
        to === 'agency' ? { to, agency: 'AG03' } : { to, contact: { action_id: 'A' } },
      );
    // another loan's placement is not this one's
    expect(
      attribute(
        byLoan,
        'L1',
        '2024-05-15',
        30,
        placementsByLoan([{ loan_id: 'L2', agency: 'AG01', from: '2024-05-01', to: '2024-05-31' }]),
      ),
    ).toMatchObject({ to: 'agent' });
  });
});
