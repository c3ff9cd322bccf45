import { z } from 'zod';
import { isoDate, outputFormat } from '../flags.ts';
import { readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, type Output } from '../cli/output.ts';
import { auditCli } from './cli-audit.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertNotAfterData, assertWithinData, dataLastDate, PastTheDataError } from '../../warehouse/data-horizon.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { parseExperiment } from '../../pipelines/cases/experiment.ts';
import {
  experimentResults,
  experimentSegments,
  type ExperimentSegment,
} from '../../pipelines/cases/experiment-results.ts';

const segments = Object.keys(experimentSegments) as [ExperimentSegment, ...ExperimentSegment[]];
const experimentFlags = {
  experiment: flag(z.string().min(1), 'the experiment file given to `cases --experiment`', 'FILE'),
  'as-of': flag(isoDate, 'the day the list was issued', 'YYYY-MM-DD'),
  until: flag(isoDate, 'the day outcomes are measured', 'YYYY-MM-DD'),
  segment: flag(z.enum(segments).default('stage'), 'split results by', segments.join('|')),
  format: flag(outputFormat(['table', 'json'], 'table'), 'output', 'table|json'),
};
export type ExperimentFlags = FlagValues<typeof experimentFlags>;

export const experimentCommand = defineCommand({
  name: 'experiment',
  summary: 'cure rate and amount collected per arm and segment of a strategy experiment',
  description:
    "The cases an experiment's list assigned on --as-of (loanwatch cases --experiment) and their outcomes on --until, per arm and segment. A --as-of before the data's first day or more than 7 days after its last day, or an --until after its last day (outcomes on a day the files have not reached), is refused (exit 2).",
  flags: experimentFlags,
  examples: [
    'loanwatch experiment --experiment examples/experiment.json --as-of 2024-06-03 --until 2024-06-30 --segment stage',
  ],
  warehouse: true,
  check: (f) => (f.until > f['as-of'] ? undefined : `--until ${f.until} must be after --as-of ${f['as-of']}`),
  run: ({ wh, config, out }, f) => runExperiment(wh, config, out, f),
});

export async function runExperiment(wh: Warehouse, config: Config, out: Output, f: ExperimentFlags) {
  const e = readConfigFile(f.experiment, 'experiment', parseExperiment);
  // a year typo is the shared refusal, not "no cases were assigned" (which reads as a list never issued)
  await Promise.all([assertWithinData(wh, f['as-of'], '--as-of'), assertNotAfterData(wh, f.until, '--until')]);
  // outcomes are judged on --until itself: past the files' last day an instalment falling due in the gap counts
  // unpaid, and a cure rate fell by a third between --until 06-30 and 07-05 of a book whose files end 06-30
  const last = await dataLastDate(wh);
  if (last && f.until > last)
    throw new PastTheDataError(
      `--until ${f.until} is after the data's last day ${last}: outcomes on a day the files have not reached count every instalment due since as unpaid (cures understated)`,
      { hint: `use --until ${last}, or load the newer files first` },
    );
  const rows = await experimentResults(wh, {
    experiment: e.name,
    control: e.arms[0]!.name,
    asOf: f['as-of'],
    until: f.until,
    segment: f.segment,
    settings: defaultSnapshotSettings(delinquencySettings(config)),
  });
  // arm results reveal how borrowers were treated: read as the case list is, so audited as it is
  await auditCli(wh, undefined, 'experiment.results', e.name, {
    as_of: f['as-of'],
    until: f.until,
    segment: f.segment,
    format: f.format,
    returned: rows.length,
  });
  if (f.format === 'json') {
    out.line(JSON.stringify(rows, null, 2));
    return rows;
  }
  out.line(
    `experiment ${e.name}: cases issued ${f['as-of']}, outcomes on ${f.until}; control arm ${e.arms[0]!.name}; cure rate over cases delinquent at assignment`,
  );
  printTable(
    out,
    rows,
    [
      { header: 'segment', value: (r) => r.segment },
      { header: 'arm', value: (r) => r.arm },
      { header: 'cases', value: (r) => r.cases, format: 'int' },
      { header: 'balance', value: (r) => r.balance, format: 'money' },
      { header: 'delinquent', value: (r) => r.delinquent_cases, format: 'int' },
      { header: 'cured', value: (r) => r.cured, format: 'int' },
      { header: 'cure rate', value: (r) => r.cure_rate, format: 'pct' },
      { header: 'vs control', value: (r) => r.cure_rate_vs_control, format: 'pct' },
      { header: 'z', value: (r) => r.z?.toFixed(2) ?? '' },
      { header: 'collected', value: (r) => r.collected, format: 'money' },
      { header: 'collected share', value: (r) => r.collected_share, format: 'pct' },
    ],
    { limit: 500 },
  );
  return rows;
}
