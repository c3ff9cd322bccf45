import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { queryRows, type Warehouse } from '../warehouse/connection.ts';
import { tableRef } from '../warehouse/ddl.ts';
import { loadFeatureRows } from './data/load-features.ts';
import { loadFeatureTable, type TableLoadOptions } from './data/load-table.ts';
import { assertInputFile } from '../lib/input-file.ts';
import { heldBackPart, outOfTimeSplit, randomSplit } from './data/split.ts';
import { splitCsv, splitFileName } from './data/split-file.ts';
import { buildFeatures } from './features/build-features.ts';
import { targetName, type TargetSpec } from '../warehouse/feature-catalogue.ts';
import { modelCardJson, modelCardMarkdown } from './model-card.ts';
import { loadModel, registerModel, RegistryError, type ModelVersion } from './registry/registry.ts';
import { checkTrainingInput, trainModels, type TrainRequest } from './train.ts';
import {
  applyGate,
  gateLines,
  gateSpecials,
  keptColumns,
  qualityGate,
  refuseLeaky,
  type GateReport,
} from './data/quality-gate.ts';
import { DatasetError, defaultMissingMarkers, type Dataset } from './data/dataset.ts';
import type { GatedMetrics } from './model-card.ts';
import { makeDirectory } from '../lib/make-directory.ts';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import { realPathOf, sameFile } from '../lib/output-path.ts';
import { UserError } from '../lib/user-error.ts';
import { modelFeatures } from './model-types.ts';

/**
 * The data-quality gate on the training part (docs/models.md): its lines printed, a leaky column
 * refused before anything is trained or registered, the dropped columns removed from both parts
 * and the sentinel codes handed to the binning as special values.
 */
function gate<T extends Dataset>(
  train: T,
  test: T,
  r: TrainRequest,
  missingMarkers: readonly string[],
  log: (line: string) => void,
  tableFlags: boolean,
): { train: T; test: T; report: GateReport; request: TrainRequest; features: string[] } {
  // the flags and the parts first: a one-class part is that error, not a leak found in its few rows
  checkTrainingInput(
    train,
    test,
    train.columns.map((c) => c.name),
    r,
  );
  const binning = r.scorecard?.binning;
  const declared = binning?.specialValues.length ? binning.specialValues : [];
  const report = qualityGate(train, {
    seed: r.seed,
    missingMarkers,
    tableFlags,
    ...r.gate,
    declaredSpecials: Object.fromEntries(
      train.columns
        .filter((c) => c.kind === 'numeric' && (!binning?.specialFeatures || binning.specialFeatures.includes(c.name)))
        .map((c) => [c.name, declared]),
    ),
  });
  for (const line of gateLines(report)) log(line);
  refuseLeaky(report);
  const features = keptColumns(report);
  if (features.length === 0)
    throw new DatasetError(
      'the data-quality gate left no column to train on (see its lines above): check the table, or relax --max-categories / --near-constant',
    );
  return {
    train: applyGate(train, report),
    test: applyGate(test, report),
    report,
    features,
    request: {
      ...r,
      // a --special-for column the gate dropped is no longer a feature: its special values go with it
      scorecard: binning?.specialFeatures
        ? {
            ...r.scorecard,
            binning: { ...binning, specialFeatures: binning.specialFeatures.filter((f) => features.includes(f)) },
          }
        : r.scorecard,
      specialByFeature: { ...r.specialByFeature, ...gateSpecials(report) },
    },
  };
}

/** The gate's report goes with each trained model into the registry (metrics.data_quality) and its card. */
const withGate = (trained: Awaited<ReturnType<typeof trainModels>>, report: GateReport) => {
  for (const t of trained) (t.metrics as GatedMetrics).data_quality = report;
  return trained;
};

/**
 * Each artifact records how its table's cells were read (TableReading): the forms its features'
 * cells were written in (`1,169`, `12%`: data/number-format.ts) and the missing markers when not the
 * defaults, so scoring a table or JSON rows reads them as training did.
 */
function withTableReading(
  trained: Awaited<ReturnType<typeof trainModels>>,
  train: Dataset,
  missingMarkers: readonly string[],
) {
  // markers other than the defaults: a model trained with `unknown` read as missing scores a table holding it
  const defaults = new Set(defaultMissingMarkers);
  const ownMarkers =
    missingMarkers.length === defaults.size && missingMarkers.every((m) => defaults.has(m))
      ? null
      : [...missingMarkers];
  for (const t of trained) if (ownMarkers) t.artifact.missingMarkers = ownMarkers;
  const formats = new Map(train.columns.flatMap((c) => (c.kind === 'numeric' && c.format ? [[c.name, c.format]] : [])));
  for (const t of trained) {
    const read = modelFeatures(t.artifact).flatMap((f) => {
      const format = formats.get(f);
      return format ? [[f, format] as const] : [];
    });
    if (read.length) t.artifact.numberFormats = Object.fromEntries(read);
  }
  return trained;
}

export interface Registered {
  model: ModelVersion;
  cardDir: string;
}

async function registerAll(
  wh: Warehouse,
  trained: Awaited<ReturnType<typeof trainModels>>,
  naming: { prefix: string; target: string },
  actor: string,
  outDir: string,
  /** files written next to each version's artifact (name → content), e.g. the split membership */
  files: Record<string, string> = {},
): Promise<Registered[]> {
  const out: Registered[] = [];
  for (const t of trained) {
    const name = `${naming.prefix}_${t.kind}`;
    const version = await registerModel(wh, {
      model_name: name,
      target: naming.target,
      kind: t.kind,
      created_by: actor,
      seed: t.seed,
      fingerprint: t.fingerprint,
      metrics: t.metrics,
      artifact: t.artifact,
    });
    const model = await loadModel(wh, name, version);
    const cardDir = join(outDir, name, `v${version}`);
    makeDirectory(cardDir);
    // each file whole or not at all (a full disk mid-write leaves no truncated card)
    writeFileAtomic(join(cardDir, 'artifact.json'), JSON.stringify(model.artifact));
    writeFileAtomic(join(cardDir, 'model-card.md'), modelCardMarkdown(model));
    writeFileAtomic(join(cardDir, 'model-card.json'), JSON.stringify(modelCardJson(model), null, 2));
    for (const [file, content] of Object.entries(files)) writeFileAtomic(join(cardDir, file), content);
    out.push({ model, cardDir });
  }
  return out;
}

export interface BookTrainOptions extends TrainRequest {
  target: TargetSpec;
  ootMonths: number;
  loanShare: number;
  rebuildFeatures: boolean;
  actor: string;
  outDir: string;
  log?: (s: string) => void;
}

/** A book sample as the split and the log name it: its share of loans and the seed that drew it. */
const loanSample = (share: number, seed: number) =>
  `a ${Number((100 * share).toPrecision(3))} % sample of loans (--loan-share ${share}), drawn with --seed ${seed}`;

/** Early-warning models on the book: features (rebuilt when asked or built for another target), out-of-time split, train, register. */
export async function trainBookModels(wh: Warehouse, o: BookTrainOptions): Promise<Registered[]> {
  const log = o.log ?? (() => undefined);
  // minutes of training end in registering each version, then writing its files: their folder first
  makeDirectory(o.outDir);
  const name = targetName(o.target);
  const [have] = await queryRows<{ t: string; n: string }>(
    wh,
    `SELECT any(target) AS t, count() AS n FROM ${tableRef(wh, 'ew_features')}`,
  );
  if (o.rebuildFeatures || Number(have?.n ?? 0) === 0 || have?.t !== name) {
    const r = await buildFeatures(wh, { target: o.target, log });
    log(`features: ${r.rows} loan-months up to ${r.dataEnd}`);
  }
  const ds = await loadFeatureRows(wh, { mode: 'labelled', loanShare: o.loanShare, sampleSeed: o.seed });
  const split = outOfTimeSplit(ds, o.ootMonths);
  const { cutoff } = split;
  const sample = o.loanShare < 1 ? loanSample(o.loanShare, o.seed) : '';
  if (sample) log(`${sample}: another --seed draws another sample of the same share`);
  log(
    `training on ${split.train.n} loan-months before ${cutoff}, testing on ${split.test.n} from ${cutoff} (out of time)`,
  );
  const { train, test, report, request, features } = gate(
    split.train,
    split.test,
    o,
    defaultMissingMarkers,
    log,
    false,
  );
  const trained = await trainModels(
    train,
    test,
    features,
    `out-of-time: train < ${cutoff} ≤ test (${o.ootMonths} month-ends)${sample ? `; ${sample}` : ''}`,
    request,
  );
  for (const t of trained) t.metrics.loan_share = o.loanShare;
  return registerAll(wh, withGate(trained, report), { prefix: name, target: name }, o.actor, o.outDir);
}

export interface TableTrainOptions extends TrainRequest, TableLoadOptions {
  path: string;
  testShare: number;
  name?: string;
  actor: string;
  outDir: string;
  /** progress lines (default: stderr) */
  log?: (line: string) => void;
}

/**
 * Refuses to register a table's models under a name whose versions were trained on another table: a
 * name comes from the file name, and German credit copied to `x/application.csv` registered as
 * `application_scorecard@2`, a new version of the Home Credit model. Another table is another
 * target (`table:<name>:<column>`), or a column the earlier version's gate judged that this table
 * lacks (a column added to a table, or one left out with --drop, is still the same table).
 */
async function refuseNameOfAnotherTable(
  wh: Warehouse,
  names: readonly string[],
  target: string,
  header: readonly string[],
  given: boolean,
) {
  for (const name of names) {
    let earlier: ModelVersion;
    try {
      earlier = await loadModel(wh, name);
    } catch (e) {
      if (e instanceof RegistryError && e.code === 'not_found') continue;
      throw e;
    }
    const judged = (earlier.metrics as GatedMetrics).data_quality?.decisions.map((d) => d.column) ?? [];
    const lacking = judged.filter((c) => !header.includes(c));
    if (earlier.target === target && lacking.length === 0) continue;
    const why =
      earlier.target !== target
        ? `target ${earlier.target}, this table's is ${target}`
        : `columns ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? ', …' : ''} that this table lacks`;
    throw new UserError(
      `${name} already has versions trained on another table (${name}@${earlier.version}: ${why}): these models would register as its next version; give --name with another name to register them apart${given ? '' : ' (the name comes from the file name)'}`,
    );
  }
}

/** The files written into each version's folder (registerAll): an input among them would be replaced. */
const versionFiles = ['artifact.json', 'model-card.md', 'model-card.json', splitFileName];

/**
 * Refuses a models folder that would overwrite the table being read: `--out` naming the table itself
 * (or any file: it is a folder), or the table sitting where a version's files go
 * (`<out>/<name>/v<N>/split.csv`).
 */
function refuseOutputOverInput(table: string, outDir: string, names: readonly string[]) {
  const realOut = realPathOf(outDir);
  if (realOut !== null && !statSync(realOut).isDirectory())
    throw new UserError(
      sameFile(outDir, table)
        ? `--out ${outDir} is the feature table being read: --out names the folder the models' files go to`
        : `--out ${outDir} is a file: --out names the folder the models' files go to`,
    );
  const real = realPathOf(table);
  if (realOut === null || real === null) return;
  const versionDir = dirname(real);
  if (
    versionFiles.includes(basename(real)) &&
    /^v\d+$/u.test(basename(versionDir)) &&
    names.some((name) => dirname(versionDir) === join(realOut, name))
  )
    throw new UserError(
      `the feature table ${table} is where a model version's ${basename(real)} is written under --out ${outDir}: move the table, or give another --out`,
    );
}

/** Application-style models on any feature table (CSV): seeded random split, train, register. */
export async function trainTableModels(wh: Warehouse, o: TableTrainOptions): Promise<Registered[]> {
  const log =
    o.log ??
    ((line: string) => {
      console.error(line);
    });
  // a missing file or a directory is one line before any progress is printed
  assertInputFile(o.path, 'feature table');
  const prefix = tablePrefix(o.path, o.name);
  refuseOutputOverInput(
    o.path,
    o.outDir,
    o.kinds.map((k) => `${prefix}_${k}`),
  );
  // a folder the files cannot go to is refused before training: registered first, a version had no files
  makeDirectory(o.outDir);
  log(`loading ${o.path}`);
  const ds = await loadFeatureTable(o.path, o);
  const numeric = ds.columns.filter((c) => c.kind === 'numeric').length;
  log(`loaded ${ds.n} rows: ${numeric} numeric and ${ds.columns.length - numeric} categorical features`);
  const { targetMissing } = ds;
  if (targetMissing.rows)
    log(
      `left out ${targetMissing.rows} rows whose target ${o.target} is missing (empty or a missing marker; line ${targetMissing.lines.join(', ')}${targetMissing.rows > targetMissing.lines.length ? ', …' : ''}): an outcome not known is not trained on`,
    );
  // before any training: the name must not be another table's
  await refuseNameOfAnotherTable(
    wh,
    o.kinds.map((k) => `${prefix}_${k}`),
    `table:${prefix}:${o.target}`,
    ds.header,
    o.name !== undefined,
  );
  const split = randomSplit(ds, 1 - o.testShare, o.seed);
  const { trainIdx } = split;
  log(`split (seed ${o.seed}): ${split.train.n} rows to train, ${split.test.n} to test`);
  // a leaky column is refused by the gate, a one-class or empty part inside trainModels: both before
  // anything is trained or registered
  const { train, test, report, request, features } = gate(
    split.train,
    split.test,
    { ...o, log },
    o.missingMarkers ?? defaultMissingMarkers,
    log,
    true,
  );
  const trained = withTableReading(
    withGate(
      await trainModels(
        train,
        test,
        features,
        `seeded random ${Math.round((1 - o.testShare) * 100)}/${Math.round(o.testShare * 100)} (seed ${o.seed})`,
        request,
      ),
      report,
    ),
    train,
    o.missingMarkers ?? defaultMissingMarkers,
  );
  for (const t of trained) {
    t.metrics.split_file = splitFileName;
    if (targetMissing.rows) t.metrics.target_missing_rows = targetMissing.rows;
  }
  const registered = await registerAll(
    wh,
    trained,
    { prefix, target: `table:${prefix}:${o.target}` },
    o.actor,
    o.outDir,
    // the held-back part is a function of the training rows and the seed: the one trainModels used
    { [splitFileName]: splitCsv(ds, trainIdx, heldBackPart(split.train, o.seed).flags) },
  );
  for (const r of registered) log(`registered ${r.model.model_name}@${r.model.version} (${r.cardDir})`);
  return registered;
}

/**
 * The models' name prefix: --name, else the file's name in lower-case letters, digits and _. A name
 * of other letters alone (德国信贷.csv) kept no letter: every such table was `__scorecard`, and one of
 * the same columns became a new version of another's model without a word — so it is refused.
 */
function tablePrefix(path: string, name: string | undefined): string {
  if (name !== undefined) return name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  const file = basename(path);
  const prefix = file
    .replace(/\.[^.]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
  if (!/[a-z]/u.test(prefix))
    throw new UserError(
      `the file name ${file} gives the models no name (letters a-z, digits and _ only): give one with --name, e.g. --name german_credit`,
    );
  return prefix;
}
