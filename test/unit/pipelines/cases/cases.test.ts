import { describe, expect, it } from 'vitest';
import {
  actions,
  defaultStrategyTable,
  grades,
  parseStrategyTable,
  recommendAction,
  stageOf,
  stages,
  type Action,
  type Grade,
  type Stage,
} from '../../../../pipelines/cases/strategy.ts';
import { assignCases } from '../../../../pipelines/cases/assignment.ts';
import { assignArm, assignExperiment, parseExperiment } from '../../../../pipelines/cases/experiment.ts';
import type { Case } from '../../../../pipelines/cases/case-list.ts';
import { Rng } from '../../../../lib/random.ts';

describe('strategy table', () => {
  it('maps stage × grade as SPEC §7 describes and covers every cell once', () => {
    expect(parseStrategyTable(defaultStrategyTable)).toEqual(defaultStrategyTable);
    // every cell, grades A..E left to right: early + low risk → SMS, early + high risk → the account manager, ...
    const table = Object.fromEntries(
      stages.map((s) => [s, grades.map((g) => recommendAction(defaultStrategyTable, s, g))]),
    );
    expect(table).toEqual({
      watch: ['sms_reminder', 'sms_reminder', 'sms_reminder', 'call_account_manager', 'call_account_manager'],
      early: ['sms_reminder', 'sms_reminder', 'sms_reminder', 'call_account_manager', 'call_account_manager'],
      mid: ['call_collection_team', 'call_collection_team', 'call_collection_team', 'call_collection_team', 'visit'],
      late: ['restructuring_offer', 'restructuring_offer', 'visit', 'legal_action', 'legal_action'],
    });
  });
  it('sells no debt by default: a sale is the disposal analysis’s call, loan by loan; a table may still give one', () => {
    // late × E was a debt sale for every case, while the disposal analysis (which weighs the loan's
    // balance, months since default, collateral and the book's prices) recommends a sale for few loans if any
    const cells = stages.flatMap((s) => grades.map((g) => recommendAction(defaultStrategyTable, s, g)));
    expect(cells).not.toContain('debt_sale');
    expect(recommendAction(defaultStrategyTable, 'late', 'E')).toBe('legal_action');
    const selling = parseStrategyTable({
      rules: [
        ...defaultStrategyTable.rules.filter((r) => r.stage !== 'late'),
        { stage: 'late', grades: ['A', 'B', 'C', 'D'], action: 'legal_action' },
        { stage: 'late', grades: ['E'], action: 'debt_sale' },
      ],
    });
    expect(recommendAction(selling, 'late', 'E')).toBe('debt_sale');
  });
  it('never answers more risk with a milder action: not a riskier grade in a stage, not a later stage for a grade', () => {
    // the actions from mildest to hardest (a restructuring offer is the mild end of the late stage)
    const ladder: Action[] = [
      'sms_reminder',
      'call_account_manager',
      'call_collection_team',
      'restructuring_offer',
      'visit',
      'legal_action',
      'debt_sale',
    ];
    expect([...ladder].sort()).toEqual([...actions].sort());
    const rank = (s: Stage, g: Grade) => ladder.indexOf(recommendAction(defaultStrategyTable, s, g));
    for (const s of stages)
      for (let i = 1; i < grades.length; i++)
        expect(rank(s, grades[i]!), `${s} × ${grades[i]} vs ${grades[i - 1]}`).toBeGreaterThanOrEqual(
          rank(s, grades[i - 1]!),
        );
    for (const g of grades)
      for (let i = 1; i < stages.length; i++)
        expect(rank(stages[i]!, g), `${stages[i]} vs ${stages[i - 1]} × ${g}`).toBeGreaterThanOrEqual(
          rank(stages[i - 1]!, g),
        );
    // the riskiest grade always gets more than the safest, once a loan is past due
    for (const s of ['early', 'mid', 'late'] as const) expect(rank(s, 'E')).toBeGreaterThan(rank(s, 'A'));
  });
  it('rejects a table with a gap or an overlap, naming the cell', () => {
    const gap = { rules: defaultStrategyTable.rules.filter((r) => !(r.stage === 'mid' && r.grades.includes('E'))) };
    expect(() => parseStrategyTable(gap)).toThrow(/mid × E has 0 actions/);
    const overlap = { rules: [...defaultStrategyTable.rules, { stage: 'late', grades: ['A'], action: 'visit' }] };
    expect(() => parseStrategyTable(overlap)).toThrow(/late × A has 2 actions/);
    expect(() => parseStrategyTable({ rules: [{ stage: 'late', grades: ['A'], action: 'shout' }] })).toThrow(
      /invalid strategy table/,
    );
  });
  it('stages by DPD; a current loan is a case only with a watch grade', () => {
    expect([stageOf(1, 'A'), stageOf(30, 'A'), stageOf(31, 'A'), stageOf(90, 'A'), stageOf(91, 'A')]).toEqual([
      'early',
      'early',
      'mid',
      'mid',
      'late',
    ]);
    expect([stageOf(0, 'E'), stageOf(0, 'C')]).toEqual(['watch', null]);
  });
});

describe('assignment', () => {
  const rng = new Rng(5);
  const cases = Array.from({ length: 200 }, (_, i) => ({
    case_id: `c${i}`,
    balance: Math.round(rng.logUniform(100, 100_000)),
  }));
  const agents = [
    { agent_id: 'a1', cap: 80 },
    { agent_id: 'a2', cap: 80 },
    { agent_id: 'a3', cap: 20 },
  ];

  it('respects per-agent caps and returns the overflow unassigned', () => {
    const r = assignCases(cases, agents, 'count');
    const per = (id: string) => r.assigned.filter((c) => c.agent_id === id).length;
    expect([per('a1'), per('a2'), per('a3')]).toEqual([80, 80, 20]);
    expect(r.unassigned.map((c) => c.case_id)).toEqual(cases.slice(180).map((c) => c.case_id));
  });
  it('balances by count or by balance, deterministically', () => {
    const free = agents.map((a) => ({ ...a, cap: 1000 }));
    const byCount = assignCases(cases, free, 'count');
    const counts = free.map((a) => byCount.assigned.filter((c) => c.agent_id === a.agent_id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const byBalance = assignCases(cases, free, 'balance');
    const sums = free.map((a) =>
      byBalance.assigned.filter((c) => c.agent_id === a.agent_id).reduce((s, c) => s + c.balance, 0),
    );
    const biggest = Math.max(...cases.map((c) => c.balance));
    expect(Math.max(...sums) - Math.min(...sums)).toBeLessThanOrEqual(biggest);
    expect(assignCases(cases, free, 'balance')).toEqual(byBalance);
  });
  it('leaves cases placed with an agency to the agency: no agent slot goes to them', () => {
    // ranks 1 and 4 placed, as east late on 2024-06-03: they used to take two of the five slots
    const ranked = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'].map((id) => ({
      case_id: id,
      balance: 100,
      placed_with: id === 'c1' ? 'AG04' : id === 'c4' ? 'AG03' : '',
    }));
    const team = [
      { agent_id: 'a1', cap: 2 },
      { agent_id: 'a2', cap: 3 },
    ];
    const r = assignCases(ranked, team, 'count');
    expect(r.assigned.map((c) => c.case_id)).toEqual(['c2', 'c3', 'c5', 'c6', 'c7']);
    expect(r.leftToAgencies.map((c) => c.case_id)).toEqual(['c1', 'c4']);
    expect(r.unassigned.map((c) => c.case_id)).toEqual(['c8']);
  });
});

describe('strategy champion/challenger split', () => {
  it('is deterministic per loan and experiment, and balanced by weight', () => {
    const arms = [
      { name: 'champion', weight: 80 },
      { name: 'challenger', weight: 20 },
    ];
    const ids = Array.from({ length: 20_000 }, (_, i) => `L${String(i).padStart(9, '0')}`);
    const groups = ids.map((id) => assignArm('sms-vs-call-2024-06', id, arms));
    expect(ids.map((id) => assignArm('sms-vs-call-2024-06', id, arms))).toEqual(groups);
    const share = groups.filter((g) => g === 'challenger').length / ids.length;
    expect(Math.abs(share - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / ids.length));
    // another experiment reshuffles independently
    const other = ids.map((id) => assignArm('another', id, arms));
    const both = groups.filter((g, i) => g === 'challenger' && other[i] === 'challenger').length / ids.length;
    expect(Math.abs(both - 0.04)).toBeLessThan(0.01);
    expect(() => assignArm('x', 'L1', [{ name: 'a', weight: 0 }])).toThrow(/weights/);
  });
});

describe('strategy experiment file', () => {
  const challenger = {
    rules: defaultStrategyTable.rules.map((r) =>
      r.stage === 'early' ? { ...r, action: 'call_collection_team' as const } : r,
    ),
  };
  const e = parseExperiment({
    name: 'early-calls',
    arms: [
      { name: 'control', weight: 1 },
      { name: 'calls', weight: 1, strategy: challenger },
    ],
  });

  it("gives each case its arm and that arm's action", () => {
    const base = {
      region: 'r',
      product: 'p',
      team: 't',
      placed_with: '',
      bucket: 'M1',
      balance: 1,
      probability: 0.1,
      probability_source: 'model' as const,
      model: null,
      expected_loss: 0.1,
      reasons: [],
      last_contacts: [],
      amount_to_cure: null,
      charges_owed: null,
      open_promises: [],
    };
    const cases: Case[] = Array.from({ length: 200 }, (_, i) => ({
      ...base,
      rank: i + 1,
      loan_id: `L${i}`,
      stage: 'early',
      dpd: 5,
      grade: 'A',
      action: 'sms_reminder',
    }));
    // the contact rules as the list applies them: one loan of the challenger arm under a do-not-contact hold, every other free
    const held = cases.find((c) => assignArm('early-calls', c.loan_id, e.arms) === 'calls')!.loan_id;
    const hold = { action_blocked_by: 'do_not_contact', next_allowed_at: '', allowed_action: '' };
    const assigned = assignExperiment(e, cases, defaultStrategyTable, (c, action) =>
      c.loan_id === held ? hold : { action_blocked_by: '', next_allowed_at: '', allowed_action: action },
    );
    for (const c of assigned) {
      expect(c.arm).toBe(assignArm('early-calls', c.loan_id, e.arms));
      expect(c.action).toBe(c.arm === 'calls' ? 'call_collection_team' : 'sms_reminder');
      // a challenger arm's action passes through the contact rules too (it was left unchecked)
      if (c.arm === 'calls')
        expect(c).toMatchObject(
          c.loan_id === held ? hold : { action_blocked_by: '', allowed_action: 'call_collection_team' },
        );
    }
    expect(new Set(assigned.map((c) => c.arm))).toEqual(new Set(['control', 'calls']));
  });

  it('rejects malformed experiments with the reason', () => {
    expect(() => parseExperiment({ name: 'x', arms: [{ name: 'a', weight: 1 }] })).toThrow(/at least two arms/);
    expect(() =>
      parseExperiment({
        name: 'x',
        arms: [
          { name: 'a', weight: 1 },
          { name: 'a', weight: 1 },
        ],
      }),
    ).toThrow(/unique/);
    expect(() =>
      parseExperiment({
        name: 'x y',
        arms: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 1 },
        ],
      }),
    ).toThrow(/name/);
    expect(() =>
      parseExperiment({
        name: 'x',
        arms: [
          { name: 'a', weight: -1 },
          { name: 'b', weight: 1 },
        ],
      }),
    ).toThrow(/weight/);
    expect(() =>
      parseExperiment({
        name: 'x',
        arms: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 1, strategy: { rules: [] } },
        ],
      }),
    ).toThrow(/strategy/);
  });
});
