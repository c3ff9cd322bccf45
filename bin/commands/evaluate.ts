import { outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, type Output } from '../cli/output.ts';
import { modelRef, parseModelRef } from './model-ref.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { monitorModel, storeMonitoring } from '../../models/evaluate/monitor.ts';
import { loadModelByRef } from '../../models/registry/model-by-ref.ts';
import { currentChampion, type ModelVersion } from '../../models/registry/registry.ts';
import { largestCsi } from '../../models/evaluate/csi.ts';
import { psiStatus } from '../../models/evaluate/metrics.ts';

// with its status on the same scale as the score's (SPEC §5: stable < 0.1 ≤ watch ≤ 0.25 < act): a feature
// past "act" beside a score still "stable" read as a healthy month
const csiLabel = (c: ReturnType<typeof largestCsi>) =>
  c ? `${c.csi.toFixed(4)} ${c.variable} (${psiStatus(c.csi)})` : '';

const evaluateFlags = { format: flag(outputFormat(['table', 'json'], 'table'), 'output', 'table|json') };
const evaluateArgs = [
  {
    name: 'model',
    schema: modelRef,
    help: 'NAME or NAME@VERSION (NAME alone: the version of it that is champion, as score uses, else its latest)',
  },
] as const;
export type EvaluateFlags = FlagValues<typeof evaluateFlags> & { model: string };

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: "a model's test quality, then PSI / CSI and realised AUC for each month after training",
  args: evaluateArgs,
  flags: evaluateFlags,
  examples: ['loanwatch evaluate dpd30_3m_scorecard', 'loanwatch evaluate dpd30_3m_gbm@2 --format json'],
  warehouse: true,
  run: ({ wh, out }, f) => runEvaluate(wh, out, f),
});

/**
 * Which version a reference reached and why: `evaluate NAME` read the latest version while `score NAME`
 * scored with the champion, so a validator evaluating "the model we score with" read another version's numbers.
 */
async function versionChosen(wh: Warehouse, m: ModelVersion, named: boolean): Promise<string> {
  if (named) return 'as named';
  const champion = await currentChampion(wh, m.target);
  return champion?.model_name === m.model_name && champion.version === m.version
    ? `the champion of ${m.target}, the version score uses by this name`
    : `its latest version: no version of ${m.model_name} is champion of ${m.target}`;
}

export async function runEvaluate(wh: Warehouse, out: Output, f: EvaluateFlags) {
  const ref = parseModelRef(f.model);
  const m = await loadModelByRef(wh, ref.name, ref.version);
  const chosen = await versionChosen(wh, m, ref.version !== undefined);
  const rows = m.target.startsWith('table:') ? [] : await monitorModel(wh, m);
  await storeMonitoring(wh, m, rows);
  if (f.format === 'json')
    out.line(
      JSON.stringify(
        { model: m.model_name, version: m.version, version_chosen: chosen, test: m.metrics.test, months: rows },
        null,
        2,
      ),
    );
  else {
    out.line(
      `${m.model_name} v${m.version} (${chosen}; ${m.kind}, target ${m.target}): test AUC ${m.metrics.test.auc.toFixed(4)}, KS ${m.metrics.test.ks.toFixed(4)}, score PSI ${m.metrics.score_psi.toFixed(4)}`,
    );
    if (rows.length) {
      printTable(
        out,
        rows,
        [
          { header: 'month-end', value: (r) => r.month_end },
          // the model's population (active, dpd ≤ the target's threshold), not every loan `score` scores
          { header: 'eligible loans', value: (r) => r.n, format: 'int' },
          { header: 'score PSI', value: (r) => r.score_psi.toFixed(4) },
          { header: 'PSI status', value: (r) => r.psi_status },
          { header: 'largest CSI', value: (r) => csiLabel(largestCsi(r.csi)) },
          { header: 'outcome known', value: (r) => r.observed },
          { header: 'AUC', value: (r) => r.auc?.toFixed(4) ?? '' },
          { header: 'KS', value: (r) => r.ks?.toFixed(4) ?? '' },
          { header: 'warnings', value: (r) => r.warnings.join('; ') },
        ],
        { limit: 120 },
      );
    }
  }
  return rows;
}
