import { z } from 'zod';

/**
 * Distributes a ranked case list over a team's agents: cases in order (highest expected loss
 * first) each go to the agent with the least load so far — by count or by balance — among those
 * under their cap; ties by agent id, so the result is deterministic. Cases beyond every cap stay
 * unassigned and are returned as such, never dropped. A case placed with an agency on the day is the
 * agency's to work (docs/collections.md): it takes no agent's capacity and is returned as left to
 * the agencies.
 */
export interface Agent {
  agent_id: string;
  cap: number;
}

/** A team's agents as a file: a JSON array of { agent_id, cap } (cap: most cases one agent takes). */
export const agentsSchema = z
  .array(z.object({ agent_id: z.string().min(1).max(64), cap: z.number().int().min(0).max(1_000_000) }).strict())
  .min(1)
  .refine((a) => new Set(a.map((x) => x.agent_id)).size === a.length, 'agent ids must be unique');

export function parseAgents(raw: unknown): Agent[] {
  const r = agentsSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `invalid agents: ${r.error.issues.map((i) => `${i.path.join('.') || 'agents'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
export interface Assignable {
  case_id: string;
  balance: number;
  /** the agency the case is placed with on the day, '' (or absent) when in-house */
  placed_with?: string;
}

export function assignCases<C extends Assignable>(
  cases: C[],
  agents: Agent[],
  by: 'count' | 'balance',
): { assigned: (C & { agent_id: string })[]; unassigned: C[]; leftToAgencies: C[] } {
  const load = new Map(agents.map((a) => [a.agent_id, { n: 0, balance: 0 }]));
  const sorted = [...agents].sort((a, b) => (a.agent_id < b.agent_id ? -1 : 1));
  const assigned: (C & { agent_id: string })[] = [];
  const unassigned: C[] = [];
  const leftToAgencies: C[] = [];
  for (const c of cases) {
    if (c.placed_with) {
      leftToAgencies.push(c);
      continue;
    }
    let best: Agent | null = null;
    for (const a of sorted) {
      const l = load.get(a.agent_id)!;
      if (l.n >= a.cap) continue;
      if (!best) {
        best = a;
        continue;
      }
      const lb = load.get(best.agent_id)!;
      const [x, y] = by === 'count' ? [l.n, lb.n] : [l.balance, lb.balance];
      if (x < y) best = a;
    }
    if (!best) {
      unassigned.push(c);
      continue;
    }
    const l = load.get(best.agent_id)!;
    l.n++;
    l.balance += c.balance;
    assigned.push({ ...c, agent_id: best.agent_id });
  }
  return { assigned, unassigned, leftToAgencies };
}
