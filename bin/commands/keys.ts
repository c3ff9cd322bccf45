import { z } from 'zod';
import { outputFormat } from '../flags.ts';
import { defineCommand, flag } from '../cli/command.ts';
import { printTable } from '../cli/output.ts';
import { auditCli, byFlag, cliActor } from './cli-audit.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/auth/keys.ts';
import { roles } from '../../api/auth/permissions.ts';
import { log } from '../progress.ts';

export const keysCreateCommand = defineCommand({
  name: 'keys create',
  summary: 'a new API key for a role (printed once; only its hash is stored)',
  description:
    "A collector key is scoped: it needs --region (and may name a --team); it sees only that region's cases, warnings and scores. Other roles see the whole book.",
  flags: {
    role: flag(z.enum(roles, { error: `expected one of ${roles.join(', ')}` }), "the key's role", roles.join('|')),
    region: flag(z.string().min(1).max(60).optional(), 'collector: the region it may see', 'R'),
    team: flag(z.string().min(1).max(60).optional(), 'collector: the team it may see', 'T'),
    label: flag(z.string().min(1).max(100).optional(), 'a note on whose key it is', 'L'),
    agent: flag(
      z.string().min(1).max(64).optional(),
      "collector: the agent id it is (sees that agent's incentive award)",
      'A',
    ),
    by: byFlag('who creates the key'),
  },
  examples: [
    'loanwatch keys create --role executive --label cfo',
    'loanwatch keys create --role collector --region east --team east-early --label zhang',
  ],
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const k = await createApiKey(wh, {
      role: f.role,
      region: f.region,
      team: f.team,
      label: f.label,
      agent_id: f.agent,
    });
    await auditCli(wh, f.by, 'keys.create', k.key_id, {
      role: f.role,
      region: f.region ?? null,
      team: f.team ?? null,
      label: f.label ?? '',
      ...(f.agent ? { agent_id: f.agent } : {}),
    });
    out.line(
      JSON.stringify({
        key: k.key,
        key_id: k.key_id,
        role: f.role,
        region: f.region ?? null,
        team: f.team ?? null,
        agent_id: f.agent ?? null,
      }),
    );
    log('store this key now: loanwatch keeps only its hash');
    return k;
  },
});

export const keysListCommand = defineCommand({
  name: 'keys list',
  summary: 'the API keys (id, role, scope, agent, label, created, revoked) — never the keys themselves',
  flags: {
    all: flag(z.boolean().default(false), 'include revoked keys'),
    format: flag(outputFormat(['table', 'json'], 'table'), 'output', 'table|json'),
  },
  examples: ['loanwatch keys list --all'],
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const keys = await listApiKeys(wh, { includeRevoked: f.all });
    await auditCli(wh, undefined, 'keys.list', '', { returned: keys.length });
    if (f.format === 'json') out.line(JSON.stringify(keys, null, 2));
    else {
      printTable(
        out,
        keys,
        [
          { header: 'key id', value: (k) => k.key_id },
          { header: 'role', value: (k) => k.role },
          { header: 'region', value: (k) => k.region },
          { header: 'team', value: (k) => k.team },
          { header: 'agent', value: (k) => k.agent_id },
          { header: 'label', value: (k) => k.label },
          { header: 'created', value: (k) => k.created_at },
          { header: 'revoked', value: (k) => (k.revoked_at ? `${k.revoked_at} by ${k.revoked_by ?? ''}` : '') },
        ],
        { limit: 1000 },
      );
    }
    return keys;
  },
});

export const keysRevokeCommand = defineCommand({
  name: 'keys revoke',
  summary: 'revoke an API key: its next request gets 401',
  args: [
    {
      name: 'id',
      schema: z.string(),
      help: 'the key id (keys list)',
      missing: 'name the key id to revoke (see loanwatch keys list)',
    },
  ],
  flags: {
    reason: flag(z.string().min(1).max(500).optional(), 'why (kept with the key)', 'TEXT'),
    by: byFlag('who revokes'),
  },
  examples: ['loanwatch keys revoke 3f9a0c1d2e4b --reason "left the team"'],
  warehouse: true,
  run: async ({ wh, out }, f) => {
    const r = await revokeApiKey(wh, f.id, { by: cliActor(f.by), reason: f.reason });
    await auditCli(wh, f.by, 'keys.revoke', f.id, { reason: f.reason ?? '', already_revoked: r.already_revoked });
    out.line(
      r.already_revoked
        ? `key ${r.key_id} was already revoked (${r.revoked_at ?? ''})`
        : `key ${r.key_id} (${r.role}${r.label ? `, ${r.label}` : ''}) revoked`,
    );
    return r;
  },
});
