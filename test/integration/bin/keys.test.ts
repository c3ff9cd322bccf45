import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../../helpers/cli.ts';

describe('loanwatch keys: what an admin sees of a key', () => {
  const { dir, err, run, stdout } = cliHarness('keys_cli');

  it("create echoes the key's whole scope, its agent too; list shows the agent in the table and in JSON", async () => {
    const scopes = [
      { role: 'collector', region: 'east', team: 'east-mid', agent: 'east-mid-03' },
      { role: 'collector', region: '华东', team: null, agent: '张三' },
      { role: 'executive', region: null, team: null, agent: null },
    ] as const;
    // a key's region must be one the book has,
    const book = join(dir, 'book');
    mkdirSync(book, { recursive: true });
    writeFileSync(join(book, 'customers.csv'), 'customer_id\nC1\nC2\n');
    writeFileSync(
      join(book, 'loans.csv'),
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region\nL1,C1,cash,2024-01-10,1200.00,0.12,12,east\nL2,C2,cash,2024-01-15,2400.00,0.10,24,华东\n',
    );
    // its team and agent ones the actions name
    writeFileSync(
      join(book, 'collection_actions.csv'),
      'action_id,loan_id,action_date,channel,outcome,team,agent_id\nA1,L1,2024-02-01,phone,no_contact,east-mid,east-mid-03\nA2,L2,2024-02-02,phone,no_contact,,张三\n',
    );
    expect(await run('ingest', book), err.join('\n')).toBe(0);
    for (const s of scopes) {
      const args = [
        '--role',
        s.role,
        ...(['region', 'team', 'agent'] as const).flatMap((k) => (s[k] ? [`--${k}`, s[k]] : [])),
      ];
      expect(await run('keys', 'create', ...args), err.join('\n')).toBe(0);
      const echoed = JSON.parse(stdout()) as Record<string, unknown>;
      expect(echoed).toMatchObject({ role: s.role, region: s.region, team: s.team, agent_id: s.agent });
    }
    expect(await run('keys', 'list')).toBe(0);
    const table = stdout();
    expect(table).toMatch(/\bagent\b/u);
    for (const s of scopes) if (s.agent) expect(table).toContain(s.agent);
    expect(await run('keys', 'list', '--format', 'json')).toBe(0);
    const listed = JSON.parse(stdout()) as { agent_id?: string | null }[];
    expect(listed.map((k) => k.agent_id ?? null).sort()).toEqual(scopes.map((s) => s.agent).sort());
  });
});
