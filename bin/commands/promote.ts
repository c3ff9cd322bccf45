import { z } from 'zod';
import { boundedNumber, count } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import type { Output } from '../cli/output.ts';
import { auditCli, byFlag, cliActor } from './cli-audit.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultGate, promote, RegistryError } from '../../models/registry/registry.ts';

const promoteFlags = {
  reason: flag(
    z.string().min(3, 'give a reason of at least 3 characters').max(1000),
    'why (kept in the champion history)',
    'TEXT',
  ),
  by: byFlag('who promotes'),
  // a negative margin is refused: it would let a challenger that ranks worse replace the champion
  margin: flag(
    boundedNumber('a margin', { min: 0, max: 1 }, '0.005').default(defaultGate.aucMargin),
    'AUC the challenger must add over the champion (0 to 1)',
    'X',
  ),
  'min-auc': flag(
    boundedNumber('an AUC', { min: 0, max: 1 }, '0.7').default(defaultGate.minAuc),
    'test AUC (out-of-time for the book) a version must exceed to be champion (0.5: chance)',
    'X',
  ),
  'max-psi': flag(
    boundedNumber('a PSI', { gt: 0 }, '0.1').default(defaultGate.maxPsi),
    'largest score PSI allowed',
    'X',
  ),
};
const promoteArgs = [
  {
    name: 'name',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u, 'letters, digits, _ and - only'),
    help: 'model name',
    missing: 'name the model and its version: loanwatch promote NAME VERSION --reason …',
  },
  {
    name: 'version',
    schema: count(1, 1e9),
    help: 'version number',
    missing: 'give the version to promote: loanwatch promote NAME VERSION --reason …',
  },
] as const;
export type PromoteFlags = FlagValues<typeof promoteFlags> & { name: string; version: number };

export const promoteCommand = defineCommand({
  name: 'promote',
  summary: 'make a model version the champion, through the gate (AUC above chance and the margin, stability)',
  args: promoteArgs,
  flags: promoteFlags,
  examples: ['loanwatch promote dpd30_3m_gbm 1 --reason "first champion"'],
  warehouse: true,
  run: ({ wh, out }, f) => runPromote(wh, out, f),
});

export async function runPromote(wh: Warehouse, out: Output, f: PromoteFlags) {
  const e = await promoteAudited(wh, f.by, {
    name: f.name,
    version: f.version,
    reason: f.reason,
    gate: { aucMargin: f.margin, maxPsi: f['max-psi'], minAuc: f['min-auc'] },
  });
  out.line(
    `${e.model_name} v${e.version} is now the champion for ${e.target} (AUC ${e.challenger_auc.toFixed(4)}${e.champion_auc === null ? '' : ` vs ${e.champion_auc.toFixed(4)}`}, PSI ${e.score_psi.toFixed(4)}), by ${e.actor}: ${e.reason}`,
  );
  return e;
}

/**
 * A promotion through the gate by the CLI actor, audited as the API audits one (`model.promote`): a
 * refusal too, since the attempt is what an auditor looks for. The demo promotes through it as well.
 */
export async function promoteAudited(
  wh: Warehouse,
  by: string | undefined,
  o: Omit<Parameters<typeof promote>[1], 'actor'>,
): Promise<Awaited<ReturnType<typeof promote>>> {
  const target = `${o.name}@${o.version}`;
  let e;
  try {
    e = await promote(wh, { ...o, actor: cliActor(by) });
  } catch (err) {
    if (err instanceof RegistryError)
      await auditCli(wh, by, 'model.promote', target, { reason: o.reason, outcome: err.code, message: err.message });
    throw err;
  }
  await auditCli(wh, by, 'model.promote', target, { reason: o.reason, outcome: 'promoted' });
  return e;
}
