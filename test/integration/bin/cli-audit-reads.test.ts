import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../warehouse/connection.ts';
import { registerModel } from '../../../models/registry/registry.ts';
import { promoteAudited } from '../../../bin/commands/promote.ts';
import { gateVersion } from '../../helpers/gate-version.ts';
import { cliHarness } from '../../helpers/cli.ts';
import { sharedData } from '../../helpers/shared-data.ts';
import { lastAuditEntry, withCliWarehouse } from '../../helpers/cli-audit-entry.ts';

const who = `cli:${userInfo().username}@${hostname()}`;

/**
 * CLI reads of personal or privileged data (users, warnings, experiment results) leave the audit row
 * `keys list` leaves; `train --by` and the demo's promotion name the CLI actor as every other command does.
 */
describe('loanwatch users list / warnings / experiment / train: audited, by the CLI actor', () => {
  const { dir, err, run } = cliHarness('cli_audit_reads');

  beforeAll(async () => {
    const book = join(dir, 'book');
    expect(await run('generate', '--out', book, '--loans', '80', '--months', '12', '--seed', '11')).toBe(0);
    expect(await run('ingest', book)).toBe(0);
    expect(await run('snapshot', '--as-of', '2024-06-30')).toBe(0);
  }, 300_000);

  it('users list: users.list with the count returned', async () => {
    expect(await run('users', 'list', '--all', '--format', 'json'), err.join('\n')).toBe(0);
    expect(await lastAuditEntry('users.list')).toMatchObject({
      key_id: who,
      role: 'cli',
      target: '',
      details: { source: 'cli', include_disabled: true, returned: 0 },
    });
  });

  it('warnings --list: warnings.list with the day, its filters, format and the warnings written', async () => {
    // --list reads a day the rules ran for (a day never computed is refused before anything is read)
    expect(await run('warnings', '--as-of', '2024-06-28'), err.join('\n')).toBe(0);
    expect(await run('warnings', '--as-of', '2024-06-28', '--list', '--region', 'east', '--format', 'csv')).toBe(0);
    const listed = await lastAuditEntry('warnings.list');
    expect(listed).toMatchObject({ key_id: who, target: '2024-06-28' });
    expect(listed.details).toMatchObject({ source: 'cli', fired: false, region: ['east'], rule: null, format: 'csv' });
    expect(typeof listed.details.returned).toBe('number');
  });

  it('experiment: experiment.results naming the experiment, its days and the rows written', async () => {
    const file = join(process.cwd(), 'examples', 'experiment.json');
    expect(await run('cases', '--as-of', '2024-06-03', '--experiment', file), err.join('\n')).toBe(0);
    expect(
      await run('experiment', '--experiment', file, '--as-of', '2024-06-03', '--until', '2024-06-28'),
      err.join('\n'),
    ).toBe(0);
    const read = await lastAuditEntry('experiment.results');
    expect(read).toMatchObject({ key_id: who, target: 'early-calls-2024-06' });
    expect(read.details).toMatchObject({
      source: 'cli',
      as_of: '2024-06-03',
      until: '2024-06-28',
      segment: 'stage',
      format: 'table',
    });
    expect(read.details.returned).toBeGreaterThan(0);
  }, 120_000);

  it('train --by: the version is created by the OS user and host, --by beside them (not a bare --by or $USER)', async () => {
    const german = sharedData('german_credit', 'germancredit.csv');
    const args = [
      'train',
      '--table',
      german,
      '--target',
      'creditability',
      '--bad-value',
      'bad',
      '--model',
      'scorecard',
    ];
    expect(await run(...args, '--by', 'li.m'), err.join('\n')).toBe(0);
    expect(await run(...args, '--seed', '2'), err.join('\n')).toBe(0);
    const made = await withCliWarehouse((wh) =>
      queryRows<{ version: number; created_by: string }>(
        wh,
        `SELECT version, created_by FROM ${wh.database}.model_versions WHERE model_name = 'germancredit_scorecard' ORDER BY version`,
      ),
    );
    expect(made).toEqual([
      { version: 1, created_by: `${who} (li.m)` },
      { version: 2, created_by: who },
    ]);
  }, 120_000);

  it("the demo's promotion (promoteAudited): the champion history and the audit log name the CLI actor, a refusal audited too", async () => {
    await withCliWarehouse(async (wh) => {
      await registerModel(wh, gateVersion('demo_weak', 0.45, 'table:demo:bad'));
      await registerModel(wh, gateVersion('demo_good', 0.71, 'table:demo:bad'));
      await expect(promoteAudited(wh, 'demo', { name: 'demo_weak', version: 1, reason: 'demo run' })).rejects.toThrow(
        /AUC floor/u,
      );
      const e = await promoteAudited(wh, 'demo', { name: 'demo_good', version: 1, reason: 'demo run' });
      expect(e.actor).toBe(`${who} (demo)`);
    });
    const promoted = await lastAuditEntry('model.promote');
    expect(promoted).toMatchObject({ key_id: `${who} (demo)`, target: 'demo_good@1', outcome: 'ok' });
    expect(promoted.details).toEqual({ source: 'cli', reason: 'demo run', outcome: 'promoted' });
  });
});
