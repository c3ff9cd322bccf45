import { writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateVersion } from '../../helpers/gate-version.ts';
import { registerModel } from '../../../models/registry/registry.ts';
import { cliHarness } from '../../helpers/cli.ts';
import { lastAuditEntry, withCliWarehouse } from '../../helpers/cli-audit-entry.ts';

const who = `cli:${userInfo().username}@${hostname()}`;

const version = (name: string, auc: number) => gateVersion(name, auc, 'table:audit:bad');

/**
 * The CLI's key, user and promotion commands write the audit rows their API and console counterparts write, with
 * `source: cli` and the OS user and host as the actor (--by beside it), a refused promotion included.
 */
describe('loanwatch keys / users / promote: audited as the API audits them', () => {
  const { dir, err, run, stdout } = cliHarness('cli_audit');

  it('keys create and keys revoke: keys.create / keys.revoke, by the OS user and host, --by beside them', async () => {
    expect(await run('keys', 'create', '--role', 'admin', '--label', 'audit-admin'), err.join('\n')).toBe(0);
    const { key_id } = JSON.parse(stdout()) as { key_id: string };
    const made = await lastAuditEntry('keys.create');
    expect(made).toMatchObject({ key_id: who, role: 'cli', target: key_id, outcome: 'ok' });
    expect(made.details).toEqual({ source: 'cli', role: 'admin', region: null, team: null, label: 'audit-admin' });

    expect(await run('keys', 'revoke', key_id, '--reason', 'test', '--by', 'zhou.ia'), err.join('\n')).toBe(0);
    const revoked = await lastAuditEntry('keys.revoke');
    expect(revoked).toMatchObject({ key_id: `${who} (zhou.ia)`, target: key_id, outcome: 'ok' });
    expect(revoked.details).toEqual({ source: 'cli', reason: 'test', already_revoked: false });
    // the key's own record names the same actor, not a self-declared "cli"
    expect(await run('keys', 'list', '--all', '--format', 'json')).toBe(0);
    expect(JSON.parse(stdout())).toEqual([expect.objectContaining({ key_id, revoked_by: `${who} (zhou.ia)` })]);
    expect(await lastAuditEntry('keys.list')).toMatchObject({
      key_id: who,
      target: '',
      details: { source: 'cli', returned: 1 },
    });
  });

  it('users create and users disable: users.create / users.disable, target user:<name>', async () => {
    const pw = join(dir, 'pw.txt');
    writeFileSync(pw, 'a-long-test-passphrase\n');
    expect(
      await run('users', 'create', '--name', 'zhou.ia', '--role', 'auditor', '--password-file', pw),
      err.join('\n'),
    ).toBe(0);
    const created = await lastAuditEntry('users.create');
    expect(created).toMatchObject({ key_id: who, target: 'user:zhou.ia', outcome: 'ok' });
    expect(created.details).toMatchObject({ source: 'cli', role: 'auditor' });
    expect(await run('users', 'list', '--format', 'json')).toBe(0);
    expect(JSON.parse(stdout())).toEqual([expect.objectContaining({ name: 'zhou.ia', created_by: who })]);

    expect(await run('users', 'disable', 'zhou.ia', '--reason', 'left'), err.join('\n')).toBe(0);
    const disabled = await lastAuditEntry('users.disable');
    expect(disabled).toMatchObject({ key_id: who, target: 'user:zhou.ia', outcome: 'ok' });
    expect(disabled.details).toEqual({ source: 'cli', reason: 'left', already_disabled: false });
  });

  it('promote: a refusal by the gate is audited as refused (exit 2), a promotion as promoted', async () => {
    await withCliWarehouse(async (wh) => {
      await registerModel(wh, version('audit_weak', 0.45));
      await registerModel(wh, version('audit_good', 0.71));
    });
    expect(await run('promote', 'audit_weak', '1', '--reason', 'auditor probe')).toBe(2);
    expect(err.join('\n')).toMatch(/promotion refused/u);
    const refused = await lastAuditEntry('model.promote');
    expect(refused).toMatchObject({ key_id: who, target: 'audit_weak@1', outcome: 'refused' });
    expect(refused.details).toMatchObject({ source: 'cli', reason: 'auditor probe', outcome: 'gate_refused' });
    expect(refused.details.message).toMatch(/not above the AUC floor/u);

    expect(await run('promote', 'audit_good', '1', '--reason', 'validated', '--by', 'li.m'), err.join('\n')).toBe(0);
    const promoted = await lastAuditEntry('model.promote');
    expect(promoted).toMatchObject({ key_id: `${who} (li.m)`, target: 'audit_good@1', outcome: 'ok' });
    expect(promoted.details).toEqual({ source: 'cli', reason: 'validated', outcome: 'promoted' });
    expect(stdout()).toContain(`by ${who} (li.m): validated`);
  });
});
