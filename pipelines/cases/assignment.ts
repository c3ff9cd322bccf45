/**
 * Distributes a ranked case list over a team's agents: cases in order (highest expected loss
 * first) each go to the agent with the least load so far — by count or by balance — among those
 * under their cap; ties by agent id, so the result is deterministic. Cases beyond every cap stay
 * unassigned and are returned as such, never dropped.
 */
export interface Agent { agent_id: string; cap: number }
export interface Assignable { case_id: string; balance: number }

export function assignCases<C extends Assignable>(cases: C[], agents: Agent[], by: 'count' | 'balance'): { assigned: (C & { agent_id: string })[]; unassigned: C[] } {
  const load = new Map(agents.map((a) => [a.agent_id, { n: 0, balance: 0 }]));
  const sorted = [...agents].sort((a, b) => (a.agent_id < b.agent_id ? -1 : 1));
  const assigned: (C & { agent_id: string })[] = [];
  const unassigned: C[] = [];
  for (const c of cases) {
    let best: Agent | null = null;
    for (const a of sorted) {
      const l = load.get(a.agent_id)!;
      if (l.n >= a.cap) continue;
      if (!best) { best = a; continue; }
      const lb = load.get(best.agent_id)!;
      const [x, y] = by === 'count' ? [l.n, lb.n] : [l.balance, lb.balance];
      if (x < y) best = a;
    }
    if (!best) { unassigned.push(c); continue; }
    const l = load.get(best.agent_id)!;
    l.n++;
    l.balance += c.balance;
    assigned.push({ ...c, agent_id: best.agent_id });
  }
  return { assigned, unassigned };
}
