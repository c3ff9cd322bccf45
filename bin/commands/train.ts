import { z } from 'zod';
import { resolve } from 'node:path';
import { boundedNumber, count, enumList, inputPath, listOrNone, outputFormat } from '../flags.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, type Output } from '../cli/output.ts';
import { byFlag, cliActor } from './cli-audit.ts';
import type { Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultTarget } from '../../warehouse/feature-catalogue.ts';
import { trainBookModels, trainTableModels } from '../../models/workflows.ts';
import { defaultBinning, defaultTimeStableMinEvents } from '../../models/scorecard/binning.ts';
import { trends } from '../../models/scorecard/trend.ts';
import { defaultSelection } from '../../models/scorecard/selection.ts';
import { defaultRefine } from '../../models/scorecard/refine.ts';
import { defaultScaling, defaultScorecardOptions } from '../../models/scorecard/scorecard.ts';
import { log } from '../progress.ts';
import { defaultGate } from '../../models/data/quality-gate.ts';
import { defaultMissingMarkers } from '../../models/data/dataset.ts';

const bool = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

const trainFlags = {
  model: flag(
    enumList(['scorecard', 'network', 'gbm']).default(['scorecard', 'network', 'gbm']),
    'model kinds to train',
    'scorecard,network,gbm',
  ),
  table: flag(z.string().min(1).optional(), 'train on a CSV feature table instead of the book', 'FILE.csv'),
  target: flag(z.string().min(1).optional(), '--table: the outcome column', 'COL'),
  'bad-value': flag(z.string().min(1).optional(), '--table: the target value that means bad (default 1)', 'V'),
  drop: flag(listOrNone.optional(), '--table: columns to leave out', 'a,b'),
  categorical: flag(listOrNone.optional(), '--table: columns to treat as categories', 'a,b'),
  'test-share': flag(
    boundedNumber('a share', { gt: 0, lt: 1 }, '0.3').default(0.3),
    '--table: share of rows held out for the test',
    'SHARE',
  ),
  name: flag(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/u, 'letters, digits, _ and - only')
      .optional(),
    '--table: model name prefix',
    'N',
  ),
  horizon: flag(count(1, 24).default(defaultTarget.horizonMonths), 'book: months in the outcome window', 'MONTHS'),
  threshold: flag(count(0, 3650).default(defaultTarget.dpdThreshold), 'book: DPD that makes a bad outcome', 'DPD'),
  'oot-months': flag(count(1, 60).default(6), 'book: latest month-ends held out for the out-of-time test', 'N'),
  'loan-share': flag(
    boundedNumber('a share', { gt: 0, max: 1 }, '0.5').default(1),
    'book: share of loans to train on',
    'SHARE',
  ),
  'rebuild-features': flag(z.boolean().default(false), 'book: rebuild the feature table first'),
  seed: flag(
    count(0, 2 ** 31).default(1),
    'random seed (book: also draws the --loan-share sample; 1 draws the sample versions before 2026-12-06 used)',
    'N',
  ),
  // SPEC §6: "600 points at odds 50:1 (good:bad), PDO 20 — configurable"; a bank matching its house card sets its own
  points: flag(
    boundedNumber('points', { gt: 0 }, '600').default(defaultScaling.basePoints),
    "points at the base odds (every kind's points; with --odds and --pdo)",
    'N',
  ),
  odds: flag(
    boundedNumber('good:bad odds', { gt: 0 }, '50').default(defaultScaling.baseOdds),
    'good:bad odds that score --points',
    'ODDS',
  ),
  pdo: flag(
    boundedNumber('points to double the odds', { gt: 0 }, '20').default(defaultScaling.pdo),
    'points to double the odds',
    'N',
  ),
  binning: flag(z.enum(['chimerge', 'tree']).default('chimerge'), 'scorecard binning method', 'chimerge|tree'),
  monotonic: flag(
    bool.default(true),
    'scorecard: monotonic WoE per feature (false without --trend: --trend none)',
    'true|false',
  ),
  trend: flag(
    z.enum(trends, { error: `expected one of ${trends.join(', ')}` }).optional(),
    "scorecard: event-rate trend over a numeric feature's bins (default auto-asc-desc: ascending or descending; auto: the shape with the lowest BIC)",
    trends.join('|'),
  ),
  'min-bin-share': flag(
    boundedNumber('a share', { min: 0, max: 0.5 }, '0.05').default(defaultBinning.minBinShare),
    'scorecard: minimum share of the rows in each bin (missing and special bins apart)',
    'SHARE',
  ),
  'max-bins': flag(
    count(2, 50).default(defaultBinning.maxBins),
    'scorecard: at most this many bins per feature (missing and special bins on top)',
    'N',
  ),
  'time-stable': flag(
    z.boolean().default(false),
    "book: merge a feature's neighbouring bins until their event-rate order holds in every training month-end",
  ),
  'time-stable-min-events': flag(
    count(1, 100_000).default(defaultTimeStableMinEvents),
    'book, --time-stable: bads each of two neighbouring bins needs in a month-end for their order to count there',
    'N',
  ),
  l2: flag(boundedNumber('an L2 penalty', { min: 0 }, '1').default(0), 'scorecard: L2 penalty', 'X'),
  refine: flag(
    bool.default(true),
    "scorecard: refine the bins' points jointly, kept only when the held-back part ranks better (false: the classic WoE × coefficient fit)",
    'true|false',
  ),
  folds: flag(
    count(0, 20).default(defaultScorecardOptions.folds),
    'table scorecard: folds of the fitting rows that judge the joint scorecard against the classic (0: the classic alone)',
    'N',
  ),
  special: flag(
    listOrNone
      .pipe(
        z.array(
          z
            .string()
            .regex(/^-?\d+(\.\d+)?$/u, 'special values are numbers')
            .transform(Number),
        ),
      )
      .optional(),
    'values binned on their own (codes, not amounts)',
    '-2,-1',
  ),
  'special-for': flag(
    listOrNone.optional(),
    'the columns the --special values are codes of (default: every numeric column)',
    'COL,…',
  ),
  'max-categories': flag(
    count(2, 100_000).default(defaultGate.maxCategories),
    'data-quality gate: drop a categorical column with more levels',
    'N',
  ),
  'missing-markers': flag(
    listOrNone.optional(),
    `--table: cells read as missing (default ${defaultMissingMarkers.filter(Boolean).join(' ')} and the empty cell)`,
    'NA,N/A,…',
  ),
  'near-constant': flag(
    boundedNumber('a share', { gt: 0.5, max: 1 }, '0.995').default(defaultGate.nearConstantShare),
    'data-quality gate: drop a column whose commonest value (or missing) holds this share of rows',
    'SHARE',
  ),
  'leak-auc': flag(
    boundedNumber('an AUC', { gt: 0.5, max: 1 }, '0.95').default(defaultGate.leakAuc),
    'data-quality gate: a column alone above this training AUC leaks the outcome (refused)',
    'AUC',
  ),
  'allow-leaky': flag(listOrNone.optional(), 'data-quality gate: keep these leaky columns on purpose', 'COL,…'),
  'drop-leaky': flag(z.boolean().default(false), 'data-quality gate: drop leaky columns instead of refusing'),
  'drop-protected': flag(
    z.boolean().default(false),
    'data-quality gate: drop columns named for a protected attribute (sex, marital status, age, race, religion, nationality; en and zh) instead of flagging them for review',
  ),
  calibration: flag(
    z.enum(['platt', 'none']).default('platt'),
    'probability calibration on the held-back part of the training window (none: the models fit every training row but the early-stopping part)',
    'platt|none',
  ),
  'min-iv': flag(
    boundedNumber('an IV', { min: 0, max: 10 }, '0.02').default(defaultSelection.minIv),
    'scorecard: drop features below this IV',
    'X',
  ),
  by: byFlag('who trained it (registry history)'),
  out: flag(inputPath.optional(), 'folder for artifacts and model cards (default <data dir>/models)', 'DIR'),
  format: flag(outputFormat(['table', 'json'], 'table'), 'the trained models as a table or JSON', 'table|json'),
};
export type TrainFlags = FlagValues<typeof trainFlags>;

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train early-warning models (book, out of time) or models on any CSV feature table',
  description:
    'Book: target DPD > threshold within horizon months, trained on earlier month-ends and tested on the latest --oot-months. --table: the same models on any feature table, seeded random split. A data-quality gate runs on the training part first (identifiers, free text, constant columns and too many categories dropped, sentinel codes binned apart, a leaky column refused) and is printed and written to the card. Each model becomes a new registered version with a model card.',
  flags: trainFlags,
  examples: [
    'loanwatch train --model scorecard,network,gbm',
    'loanwatch train --model scorecard --trend auto --max-bins 8 --min-bin-share 0.03 --time-stable',
    'loanwatch train --table loans.csv --target bad --points 500 --odds 20 --pdo 40',
    'loanwatch train --table ../shared/data/german_credit/germancredit.csv --target creditability --bad-value bad',
    'loanwatch train --table loans.csv --target bad --drop-leaky --max-categories 30 --missing-markers NA,N/A,-,unknown',
  ],
  warehouse: true,
  check: (f) =>
    f.table && !f.target
      ? '--table needs --target COLUMN (the outcome column)'
      : !f.table && (f.target || f.drop || f.categorical || f.name || f['missing-markers'])
        ? '--target, --drop, --categorical, --name and --missing-markers go with --table'
        : f['special-for'] && !f.special
          ? '--special-for names the columns of the --special values: give --special too'
          : f.table && f['time-stable']
            ? '--time-stable needs time periods: it goes with the book, a --table has none'
            : !f.monotonic && f.trend && f.trend !== 'none'
              ? `--monotonic false turns the trend off, but --trend ${f.trend} asks for one: give one of them`
              : undefined,
  run: ({ wh, config, out }, f) => runTrain(wh, config, out, f),
});

export async function runTrain(wh: Warehouse, config: Config, out: Output, f: TrainFlags) {
  const common = {
    kinds: f.model,
    seed: f.seed,
    scaling: { basePoints: f.points, baseOdds: f.odds, pdo: f.pdo },
    calibration: f.calibration,
    actor: cliActor(f.by),
    outDir: resolve(f.out ?? resolve(config.LOANWATCH_DATA_DIR, 'models')),
    scorecard: {
      binning: {
        ...defaultBinning,
        method: f.binning,
        monotonic: f.monotonic,
        trend: f.trend ?? (f.monotonic ? 'auto-asc-desc' : 'none'),
        minBinShare: f['min-bin-share'],
        maxBins: f['max-bins'],
        timeStable: f['time-stable'],
        timeStableMinEvents: f['time-stable-min-events'],
        specialValues: f.special ?? [],
        specialFeatures: f['special-for'],
      },
      l2: f.l2,
      refine: f.refine ? defaultRefine : { ...defaultRefine, lambdas: [] },
      folds: f.folds,
      selection: { ...defaultSelection, minIv: f['min-iv'] },
    },
    gate: {
      maxCategories: f['max-categories'],
      nearConstantShare: f['near-constant'],
      leakAuc: f['leak-auc'],
      allowLeaky: f['allow-leaky'] ?? [],
      dropLeaky: f['drop-leaky'],
      dropProtected: f['drop-protected'],
    },
  };
  const done = f.table
    ? await trainTableModels(wh, {
        ...common,
        path: f.table,
        target: f.target!,
        badValue: f['bad-value'],
        drop: f.drop,
        categorical: f.categorical,
        missingMarkers: f['missing-markers'],
        testShare: f['test-share'],
        name: f.name,
      })
    : await trainBookModels(wh, {
        ...common,
        target: { horizonMonths: f.horizon, dpdThreshold: f.threshold },
        ootMonths: f['oot-months'],
        loanShare: f['loan-share'],
        rebuildFeatures: f['rebuild-features'],
        log,
      });
  if (f.format === 'json') {
    out.line(
      JSON.stringify(
        done.map(({ model: m, cardDir }) => ({
          model: m.model_name,
          version: m.version,
          target: m.target,
          test_auc: m.metrics.test.auc,
          ks: m.metrics.test.ks,
          gini: m.metrics.test.gini,
          score_psi: m.metrics.score_psi,
          seconds: m.metrics.train_seconds,
          card: cardDir,
        })),
        null,
        2,
      ),
    );
    return done;
  }
  printTable(out, done, [
    { header: 'model', value: (d) => d.model.model_name },
    { header: 'version', value: (d) => d.model.version, format: 'int' },
    { header: 'target', value: (d) => d.model.target },
    { header: 'test AUC', value: (d) => d.model.metrics.test.auc.toFixed(4) },
    { header: 'KS', value: (d) => d.model.metrics.test.ks.toFixed(4) },
    { header: 'Gini', value: (d) => d.model.metrics.test.gini.toFixed(4) },
    { header: 'score PSI', value: (d) => d.model.metrics.score_psi.toFixed(4) },
    { header: 'seconds', value: (d) => d.model.metrics.train_seconds.toFixed(1) },
    { header: 'model card', value: (d) => d.cardDir },
  ]);
  return done;
}
