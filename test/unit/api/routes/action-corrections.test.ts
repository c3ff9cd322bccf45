import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../../../../api/auth/keys.ts';
import { roles } from '../../../../api/auth/permissions.ts';
import { mayChangeAction } from '../../../../api/routes/action-corrections.ts';

/** Who may correct or withdraw a stored action: every role × source × recorder × agent. */
const key = (role: ApiKey['role'], o: Partial<ApiKey> = {}): ApiKey => ({
  key_id: 'k-mine',
  role,
  region: 'east',
  team: '',
  label: '',
  ...o,
});

describe('mayChangeAction', () => {
  const sources = ['file', 'console', 'api'];
  const recorders = ['k-mine', 'k-other', ''];
  const agents = ['ag-mine', 'ag-other', ''];

  it('a file action: no one; an admin: any recorded one; a collector: his key or his agent id; other roles: none', () => {
    for (const role of roles)
      for (const source of sources)
        for (const recorded_by of recorders)
          for (const agent_id of agents)
            for (const keyAgent of ['ag-mine', undefined]) {
              const k = key(role, keyAgent ? { agent_id: keyAgent } : {});
              const want =
                source !== 'file' &&
                (role === 'admin' ||
                  (role === 'collector' &&
                    (recorded_by === 'k-mine' || (keyAgent !== undefined && agent_id === keyAgent))));
              expect(
                mayChangeAction(k, { source, recorded_by, agent_id }),
                `${role} ${source} ${recorded_by} ${agent_id} ${keyAgent}`,
              ).toBe(want);
            }
  });

  it("a key without an agent id does not match an action's empty agent id", () => {
    expect(
      mayChangeAction(key('collector', { agent_id: '' }), { source: 'api', recorded_by: 'k-other', agent_id: '' }),
    ).toBe(false);
  });
});
