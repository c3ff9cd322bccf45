import { describe, expect, it } from 'vitest';
import {
  actions,
  defaultEscalation,
  escalateAction,
  parseStrategyTable,
  defaultStrategyTable,
} from '../../../../pipelines/cases/strategy.ts';

describe('broken-promise escalation', () => {
  it('one rung up the contact-intensity ladder by default; the top and actions off the ladder stay', () => {
    expect(defaultEscalation).toEqual({
      on: ['broken'],
      lookback_days: 30,
      grace_days: 3,
      steps: 1,
      ladder: ['sms_reminder', 'call_account_manager', 'call_collection_team', 'visit', 'legal_action'],
    });
    expect(actions.map((a) => escalateAction(defaultEscalation, a))).toEqual([
      'call_account_manager',
      'call_collection_team',
      'visit',
      'legal_action',
      'legal_action',
      'restructuring_offer',
      'debt_sale',
    ]);
  });
  it('configurable in the strategy file: steps, states, ladder; 0 steps is off; a bad field is named', () => {
    const t = parseStrategyTable({ ...defaultStrategyTable, escalation: { steps: 2, on: ['broken', 'partial'] } });
    expect(t.escalation).toMatchObject({ steps: 2, on: ['broken', 'partial'], lookback_days: 30 });
    expect(escalateAction(t.escalation!, 'sms_reminder')).toBe('call_collection_team');
    expect(escalateAction({ ...defaultEscalation, steps: 0 }, 'visit')).toBe('visit');
    expect(() => parseStrategyTable({ ...defaultStrategyTable, escalation: { on: ['late'] } })).toThrow(
      /escalation\.on\.0/,
    );
  });
});
