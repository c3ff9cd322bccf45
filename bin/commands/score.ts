import { atomicWriteStream } from '../../lib/atomic-file.ts';
import { once } from 'node:events';
import { z } from 'zod';
import { inputPath, isoDate } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { processOutput, writeCsv, type Output } from '../cli/output.ts';
import { modelRef, parseModelRef } from './model-ref.ts';
import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { lastMonthEnd } from '../../pipelines/snapshot/build-snapshots.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { buildFeatures } from '../../models/features/build-features.ts';
import { currentChampion, latestChampionEvent, RegistryError } from '../../models/registry/registry.ts';
import { loadModelByRef } from '../../models/registry/model-by-ref.ts';
import { scoreMonthInDb, scoreMonthInNode } from '../../models/score.ts';
import { keepMonthEndCounterfactuals } from '../../pipelines/cases/month-end-counterfactuals.ts';
import { scoreTableFile, tableModelTarget } from '../../models/score-table.ts';
import { unseenCategoryLines } from '../../models/unseen-categories.ts';
import { missingValueLines } from '../../models/missing-values.ts';
import { UserError } from '../../lib/user-error.ts';
import { firstSnapshotMonthEnd, lastSnapshotMonthEnd, NoSnapshotError } from '../../warehouse/data-horizon.ts';
import { assertOutputFile, refuseOverwritingInput } from '../../lib/output-path.ts';
import { log } from '../progress.ts';

const scoreFlags = {
  'as-of': flag(
    isoDate.optional(),
    'book: scores the last month-end on or before this date (one the snapshot holds)',
    'YYYY-MM-DD',
  ),
  model: flag(
    modelRef.optional(),
    'NAME@VERSION, or NAME for its champion version (its latest when none is champion); default: the champion of --target. With --table, a model trained with train --table',
    'NAME[@VERSION]',
  ),
  table: flag(
    inputPath.optional(),
    'score the rows of a CSV (header row, raw feature values) instead of the book',
    'FILE.csv',
  ),
  out: flag(z.string().min(1).optional(), '--table: write the scores CSV here (default stdout)', 'FILE.csv'),
  'in-db': flag(z.boolean().default(false), 'score inside ClickHouse with the exported SQL'),
  target: flag(
    z
      .string()
      .regex(/^[a-z0-9_:]{1,100}$/u, 'a target name such as dpd30_3m')
      .default(targetName(defaultTarget)),
    'whose champion',
    'NAME',
  ),
};
export type ScoreFlags = FlagValues<typeof scoreFlags>;

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'score every active loan at a month-end into the scores table',
  description:
    "Scores every active loan at a month-end into the scores table (or, with --table, a file's rows). Scoring the case list's model (the default target's champion) also searches and keeps the counterfactual sentence of each loan the score puts on that month-end's list, so the lists pulled afterwards read them.",
  flags: scoreFlags,
  examples: [
    'loanwatch score --as-of 2024-06-30 --in-db',
    'loanwatch score --table applicants.csv --model germancredit_scorecard@1 --out scores.csv',
  ],
  warehouse: true,
  check: (f) =>
    f.table
      ? f['as-of'] || f['in-db']
        ? '--table scores the rows of a file: --as-of and --in-db are for the book'
        : !f.model
          ? '--table needs --model NAME@VERSION (a model trained with train --table)'
          : undefined
      : !f['as-of']
        ? '--as-of is required (YYYY-MM-DD), or give --table FILE.csv --model NAME@VERSION'
        : f.out
          ? '--out goes with --table (book scores go to the scores table)'
          : undefined,
  run: ({ wh, out }, f) => runScore(wh, f, out),
});

/** The flags a caller from code gives: --table and --out may be left out. */
export type ScoreInput = Omit<ScoreFlags, 'table' | 'out'> & Partial<Pick<ScoreFlags, 'table' | 'out'>>;

/** A file as the command's output (the scores CSV with --out), in place only once complete. */
function fileOutput(path: string) {
  const file = atomicWriteStream(path);
  const { stream } = file;
  const output: Output = {
    line: (text) => {
      stream.write(`${text}\n`);
    },
    write: async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
  };
  return {
    output,
    close: () => file.commit(),
    abort: () => {
      file.abort();
    },
    opened: file.opened,
  };
}

/** `score --table`: a table model scores each row of a CSV; the scores go to --out or stdout as CSV. */
async function scoreTable(wh: Warehouse, f: ScoreInput & { table: string }, out: Output) {
  // before the model is loaded or a row read: the scores must not replace the rows they score
  if (f.out) {
    assertOutputFile(f.out);
    refuseOverwritingInput(f.out, [{ path: f.table, what: 'input table' }]);
  }
  const ref = parseModelRef(f.model!);
  const m = await loadModelByRef(wh, ref.name, ref.version);
  tableModelTarget(m);
  const t0 = performance.now();
  const { scores, unseenCategories, unseenMissing, missingAboveTraining } = await scoreTableFile(m, f.table);
  const rows = scores.map(({ reasons, ...s }) => ({
    ...s,
    reason_1: reasons[0] ?? '',
    reason_2: reasons[1] ?? '',
    reason_3: reasons[2] ?? '',
  }));
  const cols = [
    'row',
    'model_name',
    'model_version',
    'probability',
    'points',
    'grade',
    'reason_1',
    'reason_2',
    'reason_3',
  ] as const;
  if (f.out) {
    const file = fileOutput(f.out);
    try {
      await file.opened;
    } catch (e) {
      throw new UserError(`--out ${f.out}: ${(e as Error).message}`, { cause: e });
    }
    try {
      await writeCsv(file.output, cols, rows);
      await file.close();
    } catch (e) {
      file.abort();
      throw e;
    }
  } else await writeCsv(out, cols, rows);
  log(
    `scored ${scores.length} rows of ${f.table} with ${m.model_name}@${m.version} in ${((performance.now() - t0) / 1000).toFixed(2)} s${f.out ? ` into ${f.out}` : ''}`,
  );
  // a whole batch of new categories (a new month, a relabelled product) must not pass unseen
  for (const line of unseenCategoryLines(unseenCategories)) log(line);
  // nor a column that came out blank (a broken export): its missing cells go where the unknown goes
  for (const line of missingValueLines(scores.length, unseenMissing, missingAboveTraining)) log(line);
  return { n: scores.length, monthEnd: null, model: m.model_name, version: m.version };
}

const targetSpecOf = (target: string) => {
  const m = /^dpd(\d+)_(\d+)m$/u.exec(target);
  return m ? { dpdThreshold: Number(m[1]), horizonMonths: Number(m[2]) } : defaultTarget;
};

/**
 * Features are rebuilt when the snapshots moved on since they were built (a new month-end, or a
 * rebuilt loan_month with a different row count), so a score never reads stale features.
 */
export async function ensureFreshFeatures(wh: Warehouse, target: string) {
  const [r] = await queryRows<{ f: string; s: string; fn: string; sn: string }>(
    wh,
    `SELECT
      (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'ew_features')}) AS f, (SELECT toString(max(month_end)) FROM ${tableRef(wh, 'loan_month')}) AS s,
      (SELECT toString(count()) FROM ${tableRef(wh, 'ew_features')}) AS fn, (SELECT toString(countIf(status = 'active')) FROM ${tableRef(wh, 'loan_month')}) AS sn`,
  );
  if (r && r.f === r.s && r.fn === r.sn) return;
  const spec = targetSpecOf(target);
  log(`features are older than the snapshots: rebuilding them (${targetName(spec)})`);
  await buildFeatures(wh, { target: spec, log });
}

/**
 * The month-end --as-of scores: the last one on or before it, which the snapshot must hold — a
 * month it has not reached (or one before its first) has no loans to score, and "scored 0 loans"
 * with exit 0 told a nightly job it had scored the month.
 */
async function snapshotMonthEndToScore(wh: Warehouse, asOf: string): Promise<string> {
  const me = lastMonthEnd(asOf);
  const [first, last] = await Promise.all([firstSnapshotMonthEnd(wh), lastSnapshotMonthEnd(wh)]);
  if (first === null || last === null)
    throw new NoSnapshotError('no snapshot yet: run `loanwatch snapshot --as-of …` first');
  if (me > last)
    throw new UserError(
      `--as-of ${asOf}: its month-end ${me} is after the snapshot's last ${last}: load the newer files and run \`loanwatch snapshot\` first, or score --as-of ${last}`,
    );
  if (me < first)
    throw new UserError(
      `--as-of ${asOf}: its month-end ${me} is before the snapshot's first ${first}: there is no loan to score`,
    );
  return me;
}

export async function runScore(wh: Warehouse, f: ScoreInput, out: Output = processOutput) {
  if (f.table) return scoreTable(wh, { ...f, table: f.table }, out);
  if (!f['as-of']) throw new UserError('--as-of is required (YYYY-MM-DD), or give --table FILE.csv');
  const ref = f.model ? parseModelRef(f.model) : null;
  const m = ref ? await loadModelByRef(wh, ref.name, ref.version) : await currentChampion(wh, f.target);
  if (!m)
    throw new RegistryError(
      'not_found',
      `no champion for ${f.target}: train and promote a model, or pass --model NAME@VERSION`,
    );
  if (m.target.startsWith('table:'))
    throw new UserError(
      `${m.model_name}@${m.version} was trained with train --table: it scores a table's rows (score --table FILE.csv --model ${m.model_name}@${m.version}), not the book`,
    );
  const me = await snapshotMonthEndToScore(wh, f['as-of']);
  await ensureFreshFeatures(wh, m.target);
  const t0 = performance.now();
  const n = f['in-db'] ? await scoreMonthInDb(wh, m, me) : await scoreMonthInNode(wh, m, me);
  const grades = await queryRows<{ grade: string; n: string }>(
    wh,
    `SELECT grade, count() AS n FROM ${tableRef(wh, 'scores')}
    WHERE model_name = {n:String} AND model_version = {v:UInt32} AND month_end = {m:Date} GROUP BY grade ORDER BY grade`,
    { n: m.model_name, v: m.version, m: me },
  );
  log(
    `scored ${n} active loans at ${me} with ${m.model_name} v${m.version} ${f['in-db'] ? 'in the database' : 'in Node'} in ${((performance.now() - t0) / 1000).toFixed(2)} s; grades ${grades.map((g) => `${g.grade}:${g.n}`).join(' ')}`,
  );
  const { dpdThreshold } = targetSpecOf(m.target);
  // every active loan is scored, but the target is defined for loans at DPD ≤ its threshold: the
  // rest have scores the API marks in_population: false, and the run says how many
  const [past] = await queryRows<{ n: string }>(
    wh,
    `SELECT count() AS n FROM ${tableRef(wh, 'scores')} AS s
    INNER JOIN (SELECT loan_id FROM ${tableRef(wh, 'loan_month')} WHERE month_end = {m:Date} AND dpd > {t:UInt32}) AS d ON d.loan_id = s.loan_id
    WHERE s.model_name = {n:String} AND s.model_version = {v:UInt32} AND s.month_end = {m:Date}`,
    { n: m.model_name, v: m.version, m: me, t: dpdThreshold },
  );
  const outsidePopulation = Number(past?.n ?? 0);
  if (outsidePopulation > 0)
    log(
      `${outsidePopulation} of them past the model's population (DPD > ${dpdThreshold} at ${me}): their scores are no early warning (in_population: false in the API)`,
    );
  const summary = { n, outsidePopulation, monthEnd: me, model: m.model_name, version: m.version };
  // the month-end's case list (the default target's champion) shows each case's counterfactual: searched
  // now, not by its first reader; a challenger's score is not on the list
  const listed = await latestChampionEvent(wh, targetName(defaultTarget));
  if (listed?.model_name !== m.model_name || listed.version !== m.version) return summary;
  const t1 = performance.now();
  const { searched } = await keepMonthEndCounterfactuals(wh, m, me);
  if (searched > 0)
    log(
      `counterfactuals of the ${searched} loans the score puts on the ${me} case list searched and kept in ${((performance.now() - t1) / 1000).toFixed(2)} s`,
    );
  return summary;
}
