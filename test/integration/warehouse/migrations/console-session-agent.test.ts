import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseSessions } from '../../../../api/auth/sessions.ts';
import { exec } from '../../../../warehouse/connection.ts';
import { migrate } from '../../../../warehouse/migrations/index.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * Migration 46: a console session's key's agent beside its key record. A session started before it
 * reads back without an agent (its actions then record the key id, as before); one started after
 * reads back with it.
 */
describe('migration 46: console_sessions.agent_id', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('migration_46');
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  it("adds the column on a warehouse at 45; a session started before it reads back with its key's agent, or none", async () => {
    await exec(wh, `ALTER TABLE ${wh.database}.console_sessions DROP COLUMN agent_id`);
    await exec(wh, `DELETE FROM ${wh.database}.schema_migrations WHERE version = 46`);
    await exec(
      wh,
      `INSERT INTO ${wh.database}.console_sessions (session_hash, event, at, principal, key_id, role, region, team, label, end_reason)
       VALUES ('h-before', 'start', now64(3), 'key', 'k1', 'collector', 'east', '', 'old', ''),
              ('h-agent', 'start', now64(3), 'key', 'k2', 'collector', 'east', '', 'agent', '')`,
    );
    await exec(
      wh,
      `INSERT INTO ${wh.database}.api_keys (key_id, key_hash, role, region, team, label, created_at, revoked, agent_id)
       VALUES ('k2', 'h', 'collector', 'east', '', 'agent', now(), 0, 'east-early-01')`,
    );
    expect(await migrate(wh)).toEqual([46]);
    expect((await warehouseSessions.read(wh, 'h-before'))?.key).toEqual({
      key_id: 'k1',
      role: 'collector',
      region: 'east',
      team: '',
      label: 'old',
    });
    // a key with an agent: the session started before the column reads the agent from the key record
    expect((await warehouseSessions.read(wh, 'h-agent'))?.key.agent_id).toBe('east-early-01');
    expect(await migrate(wh)).toEqual([]);
  });
});
