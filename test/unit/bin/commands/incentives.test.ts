import { describe, expect, it } from 'vitest';
import { printAwardTables } from '../../../../bin/commands/incentives.ts';
import { writeCsv, type Output } from '../../../../bin/cli/output.ts';
import { csvRecords } from '../../../../lib/csv-records.ts';
import {
  agentAwardCsvColumns,
  agentAwardMoneyColumns,
  type IssuedAgentAward,
  type IssuedIncentives,
} from '../../../../pipelines/collections/incentives/read.ts';

const capture = () => {
  let text = '';
  const out: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  return { out, text: () => text };
};

const agent = (o: Partial<IssuedAgentAward> & Pick<IssuedAgentAward, 'team' | 'agent'>): IssuedAgentAward => ({
  payments: 1,
  recovered: 1000,
  commission: 0,
  cures: 0,
  cure_bonus: 0,
  promises: 0,
  kept_promises: 0,
  kept_rate: null,
  multiplier: 1,
  multiplier_effect: 0,
  cap_reduction: 0,
  breaches: 0,
  deductions: 0,
  floor: 0,
  award: 0,
  ...o,
});

// an agent whose deductions (150) exceed his award (100): the floor adds 50 back
const agents = [
  agent({ team: 'east', agent: 'e1', commission: 100, breaches: 3, deductions: -150, floor: 50, award: 0 }),
  agent({
    team: 'east',
    agent: 'e2',
    commission: 2800,
    cure_bonus: 400,
    multiplier: 1.1,
    multiplier_effect: 320,
    cap_reduction: -520,
    breaches: 2,
    deductions: -100,
    award: 2900,
  }),
  agent({ team: 'west', agent: 'w1', commission: 40, cure_bonus: 100, breaches: 1, deductions: -50, award: 90 }),
];
const amounts = ['commission', 'cure_bonus', 'multiplier_effect', 'cap_reduction', 'deductions', 'floor'] as const;
const teamOf = (team: string) => {
  const of = agents.filter((a) => a.team === team);
  const sum = (k: keyof IssuedAgentAward) => of.reduce((s, a) => s + Number(a[k]), 0);
  return {
    ...agent({ team, agent: '' }),
    agents: of.length,
    agents_capped: of.filter((a) => a.cap_reduction < 0).length,
    recovered: sum('recovered'),
    ...Object.fromEntries(amounts.map((k) => [k, sum(k)])),
    award: sum('award'),
  };
};
const issued: IssuedIncentives = {
  month: '2024-06',
  month_end: '2024-06-30',
  attribution_days: 30,
  attribution_rule: '',
  scheme_sha256: '',
  issued_at: '',
  agents,
  teams: ['east', 'west'].map(teamOf),
  unattributed: [],
};

/** The boxed tables printed, each as its rows of cells by header. */
const tablesOf = (text: string) =>
  text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l.includes('│')))
    .filter((lines) => lines.length > 0)
    .map(([head, ...body]) => {
      const cells = (l: string) =>
        l
          .split('│')
          .slice(1, -1)
          .map((c) => c.trim());
      const headers = cells(head!);
      return body.map((l) => Object.fromEntries(cells(l).map((c, i) => [headers[i]!, c])));
    });
const amount = (cell: string | undefined) => Number((cell ?? 'NaN').replaceAll(',', ''));

/** the table's header of each CSV amount */
const header: Record<(typeof amounts)[number] | 'award', string> = {
  commission: 'commission',
  cure_bonus: 'cure bonus',
  multiplier_effect: 'mult. effect',
  cap_reduction: 'cap',
  deductions: 'deductions',
  floor: 'floor',
  award: 'award',
};

describe('incentives: the table says what the CSV says', () => {
  it('shows deductions as charged and the floor as its own column; every total agrees with the CSV', async () => {
    const table = capture();
    printAwardTables(table.out, issued, false);
    const [byAgent = [], byTeam = []] = tablesOf(table.text());
    const csv = capture();
    await writeCsv<IssuedAgentAward>(csv.out, agentAwardCsvColumns, agents, { money: agentAwardMoneyColumns });
    const records: string[][] = [];
    for await (const r of csvRecords([csv.text()])) records.push(r.fields);
    const [head = [], ...body] = records;
    expect(byAgent).toHaveLength(body.length);
    for (const k of [...amounts, 'award'] as const) {
      const csvTotal = body.reduce((s, r) => s + Number(r[head.indexOf(k)]), 0);
      const tableTotal = byAgent.reduce((s, r) => s + amount(r[header[k]]), 0);
      const teamTotal = byTeam.reduce((s, r) => s + amount(r[header[k]]), 0);
      expect(tableTotal, k).toBeCloseTo(csvTotal, 2);
      expect(teamTotal, k).toBeCloseTo(csvTotal, 2);
    }
    // each row of either table adds up to its award, as the CSV's does
    for (const r of [...byAgent, ...byTeam])
      expect(amounts.reduce((s, k) => s + amount(r[header[k]]), 0)).toBeCloseTo(amount(r.award), 2);
    expect(byAgent[0]).toMatchObject({ agent: 'e1', deductions: '-150.00', floor: '50.00', award: '0.00' });
  });
});
