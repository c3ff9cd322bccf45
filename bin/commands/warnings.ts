import { z } from 'zod';
import { list, isoDate } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { fireWarnings } from '../../pipelines/warnings/fire-warnings.ts';
import { listWarnings, warningsCsv } from '../../pipelines/warnings/list-warnings.ts';
import { defaultWarningRules, parseWarningRules } from '../../pipelines/warnings/rules.ts';
import { defaultTarget, targetName } from '../../models/features/feature-catalogue.ts';
import { currentChampion } from '../../models/registry/registry.ts';

export const warningsFlags = z.object({
  'as-of': isoDate,
  rules: z.string().optional(),
  list: z.boolean().default(false),
  rule: list.optional(), kind: list.optional(), severity: list.optional(), region: list.optional(), team: list.optional(),
  limit: z.coerce.number().int().min(1).max(10_000_000).default(50),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

/**
 * `loanwatch warnings --as-of D`: evaluates the warning rules (a JSON file, or the defaults) for the
 * date and stores what fires, then prints the warnings; `--list` only prints what is stored.
 */
export async function warningsCommand(wh: Warehouse, config: Config, f: z.infer<typeof warningsFlags>) {
  if (!f.list) {
    const rules = f.rules ? readConfigFile(f.rules, 'warning rules', parseWarningRules) : defaultWarningRules;
    const champion = await currentChampion(wh, targetName(defaultTarget));
    const outcome = await fireWarnings(wh, { asOf: f['as-of'], rules, settings: defaultSnapshotSettings(delinquencySettings(config)), champion });
    console.error(`warnings ${f['as-of']}${champion ? ` (champion ${champion.model_name}@${champion.version})` : ' (no champion model)'}:`);
    for (const o of outcome) console.error(`  ${o.rule_id.padEnd(24)} ${o.kind.padEnd(20)} ${o.severity.padEnd(8)} ${o.skipped ? `skipped: ${o.skipped}` : `${o.fired} fired`}`);
  }
  const ws = await listWarnings(wh, { asOf: f['as-of'], limit: f.limit, filters: { rule: f.rule, kind: f.kind, severity: f.severity, region: f.region, team: f.team } });
  if (f.format === 'json') console.log(JSON.stringify(ws, null, 2));
  else if (f.format === 'csv') console.log(warningsCsv(ws));
  else console.table(ws.map((w) => ({ rule: w.rule_id, severity: w.severity, loan: w.loan_id || w.model, value: Number(w.value.toFixed(4)), threshold: w.threshold, region: w.region, team: w.team, evidence: JSON.stringify(w.evidence).slice(0, 80) })));
  return ws;
}
