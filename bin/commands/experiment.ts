import { z } from 'zod';
import { isoDate } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { parseExperiment } from '../../pipelines/cases/experiment.ts';
import { experimentResults, experimentSegments, type ExperimentSegment } from '../../pipelines/cases/experiment-results.ts';

export const experimentFlags = z.object({
  experiment: z.string({ error: 'required: the experiment file given to `cases --experiment`' }),
  'as-of': isoDate, until: isoDate,
  segment: z.enum(Object.keys(experimentSegments) as [ExperimentSegment, ...ExperimentSegment[]]).default('stage'),
  format: z.enum(['table', 'json']).default('table'),
}).refine((f) => f.until > f['as-of'], { path: ['until'], message: 'must be after --as-of' });

/** `loanwatch experiment --experiment exp.json --as-of D --until D2`: cure rate and amount collected per arm and segment of the list issued on D. */
export async function experimentCommand(wh: Warehouse, config: Config, f: z.infer<typeof experimentFlags>) {
  const e = readConfigFile(f.experiment, 'experiment', parseExperiment);
  const rows = await experimentResults(wh, { experiment: e.name, control: e.arms[0]!.name, asOf: f['as-of'], until: f.until, segment: f.segment, settings: defaultSnapshotSettings(delinquencySettings(config)) });
  if (f.format === 'json') console.log(JSON.stringify(rows, null, 2));
  else {
    console.error(`experiment ${e.name}: cases issued ${f['as-of']}, outcomes on ${f.until}; control arm ${e.arms[0]!.name}; cure rate over cases delinquent at assignment`);
    console.table(rows.map((r) => ({ segment: r.segment, arm: r.arm, cases: r.cases, balance: r.balance.toFixed(2), delinquent: r.delinquent_cases, cured: r.cured,
      cure_rate: r.cure_rate?.toFixed(4) ?? '', vs_control: r.cure_rate_vs_control?.toFixed(4) ?? '', z: r.z?.toFixed(2) ?? '', collected: r.collected.toFixed(2), collected_share: r.collected_share?.toFixed(4) ?? '' })));
  }
  return rows;
}
