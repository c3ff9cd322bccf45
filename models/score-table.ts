import { tableText } from './data/table-text.ts';
import { csvRecords } from '../lib/csv-records.ts';
import { assertInputFile } from '../lib/input-file.ts';
import { UserError } from '../lib/user-error.ts';
import { ColumnBuilder, missingMarkerSet, type Dataset } from './data/dataset.ts';
import { tableHeader } from './data/table-header.ts';
import { modelFeatures, scoreModel, type ModelArtifact } from './model-types.ts';
import type { ModelVersion } from './registry/registry.ts';
import type { ActionSpec } from './counterfactual/actions.ts';
import { counterfactuals, type Counterfactual } from './counterfactual/counterfactual.ts';
import { unseenCategories } from './unseen-categories.ts';
import { missingAboveTraining, unseenMissing, type MissingShift } from './missing-values.ts';

/** One scored row of a table: its 1-based position in the input, then what SPEC §6 says a score is. */
export interface TableScore {
  row: number;
  model_name: string;
  model_version: number;
  probability: number;
  points: number;
  grade: string;
  reasons: string[];
  /** the smallest change of the actionable features that reaches the target grade (when actions were given) */
  counterfactual?: Counterfactual | null;
}

/** A table's rows scored, with what the scores cannot show: categories the model never saw, cells it never (or rarely) saw missing. */
export interface TableScoring {
  scores: TableScore[];
  /** per categorical column, rows whose category the model never saw (scored in its riskiest bin); columns without any left out */
  unseenCategories: Record<string, number>;
  /** per column never missing in training, rows with it missing; columns without any left out */
  unseenMissing: Record<string, number>;
  /** columns whose missing share in the batch is far above training (missing-values.ts missingShiftRule) */
  missingAboveTraining: Record<string, MissingShift>;
}

/** Actionable features of a table model's rows (docs/models.md): each a numeric column the model reads. */
export interface TableCounterfactualRequest {
  actions: ActionSpec[];
  targetGrade?: string;
}

/** A cell of a JSON row: a number or text; null (or '') is a missing value. */
export type RowValue = string | number | boolean | null | undefined | object;

/** Registry target of a table model: `table:<prefix>:<target column>` (workflows.ts trainTableModels). */
const tableTarget = /^table:[a-z0-9_]+:(.+)$/su;

/**
 * The outcome column a table model was trained against; a book model (trained on the warehouse's
 * loan-months) is refused: it reads the feature table, not raw rows.
 */
export function tableModelTarget(m: ModelVersion): string {
  const t = tableTarget.exec(m.target);
  if (!t)
    throw new UserError(
      `${m.model_name}@${m.version} is a book model (target ${m.target}): it scores loans at a month-end (score --as-of), not a table; give a model trained with train --table`,
    );
  return t[1]!;
}

/** Each feature the model reads with the kind it had in training (a column is parsed as that kind). */
export function featureKinds(art: ModelArtifact): Map<string, 'numeric' | 'categorical'> {
  const kinds = new Map<string, 'numeric' | 'categorical'>();
  if (art.kind === 'scorecard') for (const v of art.variables) kinds.set(v.feature, v.kind);
  else if (art.kind === 'network')
    for (const i of art.inputs) kinds.set(i.feature, i.type === 'woe' ? i.bins.kind : 'numeric');
  else for (const f of art.features) kinds.set(f.name, f.kind);
  for (const f of modelFeatures(art)) if (!kinds.has(f)) kinds.set(f, 'numeric');
  return kinds;
}

/**
 * Builds the model's data set from cells read by (row, feature): each column parsed with its training
 * kind and in the form its numbers were written in (`1,169`, `12%`: the artifact's numberFormats),
 * so a value that is not a number in a numeric column is refused with the column and row named.
 */
function datasetOf(art: ModelArtifact, n: number, cell: (i: number, feature: string) => string): Dataset {
  // the markers the model was trained with (`--missing-markers`), else the defaults
  const missing = art.missingMarkers ? missingMarkerSet(art.missingMarkers) : undefined;
  const columns = [...featureKinds(art)].map(([name, kind]) => {
    const b = new ColumnBuilder(name, kind, missing, art.numberFormats?.[name]);
    for (let i = 0; i < n; i++) b.push(cell(i, name));
    return b.build();
  });
  return {
    n,
    columns,
    label: new Uint8Array(n),
    period: new Array<string>(n).fill(''),
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}

function scoresOf(m: ModelVersion, ds: Dataset, cf?: TableCounterfactualRequest): TableScoring {
  const s = scoreModel(m.artifact, ds);
  const found = cf ? tableCounterfactuals(m, ds, cf) : null;
  const scores = Array.from({ length: ds.n }, (_, i) => ({
    row: i + 1,
    model_name: m.model_name,
    model_version: m.version,
    probability: s.probability[i]!,
    points: s.points[i]!,
    grade: s.grade[i]!,
    reasons: s.reasons[i]!,
    ...(found ? { counterfactual: found[i] ?? null } : {}),
  }));
  return {
    scores,
    unseenCategories: unseenCategories(m.artifact, ds),
    unseenMissing: unseenMissing(m.artifact, ds),
    missingAboveTraining: missingAboveTraining(m.artifact, ds),
  };
}

/** Counterfactuals of table rows; an action on a column the model does not read as a number is refused, naming it. */
function tableCounterfactuals(m: ModelVersion, ds: Dataset, cf: TableCounterfactualRequest) {
  const kinds = featureKinds(m.artifact);
  for (const a of cf.actions) {
    if (a.type !== 'feature')
      throw new UserError(
        `action ${a.type} moves the book's features (overdue_ratio, balance_paid_down, …); a table model takes {"type": "feature", "feature": …}`,
      );
    if (kinds.get(a.feature) !== 'numeric')
      throw new UserError(
        `action on "${a.feature}": ${m.model_name}@${m.version} reads no numeric column of that name (numeric: ${[...kinds].flatMap(([f, k]) => (k === 'numeric' ? [f] : [])).join(', ')})`,
      );
  }
  return counterfactuals(m.artifact, ds, { actions: cf.actions, targetGrade: cf.targetGrade, subject: 'row' });
}

const missingColumns = (m: ModelVersion, where: string, missing: string[]) =>
  new UserError(
    `${where}: no column ${missing.map((c) => `"${c}"`).join(', ')}, which ${m.model_name}@${m.version} reads (it reads ${modelFeatures(m.artifact).join(', ')})`,
  );

/**
 * Scores rows given as a header and string cells (as read from a CSV) with a table model. Columns the
 * model does not read (the target among them) are ignored; a missing one is refused, naming it.
 */
export function scoreTableCells(m: ModelVersion, header: string[], rows: string[][], source = 'table'): TableScoring {
  tableModelTarget(m);
  const at = new Map(tableHeader(header, source).map((h, i) => [h, i]));
  const features = [...featureKinds(m.artifact).keys()];
  const missing = features.filter((f) => !at.has(f));
  if (missing.length) throw missingColumns(m, source, missing);
  const ds = datasetOf(m.artifact, rows.length, (i, f) => (rows[i]![at.get(f)!] ?? '').trim());
  return scoresOf(m, ds);
}

/** A JSON value as a cell: numbers and text as they are, null as missing; anything else is refused. */
function cellOf(v: RowValue, row: number, feature: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new UserError(`row ${row}, column "${feature}": ${v} is not a finite number`);
    return String(v);
  }
  throw new UserError(
    `row ${row}, column "${feature}": expected a number, text or null, got ${Array.isArray(v) ? 'an array' : typeof v}`,
  );
}

/**
 * Scores rows given as JSON objects (the API) with a table model. Every row must name every column
 * the model reads (null for a missing value); other keys, the target among them, are ignored.
 */
export function scoreTableRecords(
  m: ModelVersion,
  records: readonly Record<string, RowValue>[],
  counterfactual?: TableCounterfactualRequest,
): TableScoring {
  tableModelTarget(m);
  const features = [...featureKinds(m.artifact).keys()];
  records.forEach((r, i) => {
    const missing = features.filter((f) => !Object.hasOwn(r, f));
    if (missing.length) throw missingColumns(m, `row ${i + 1}`, missing);
  });
  const ds = datasetOf(m.artifact, records.length, (i, f) => cellOf(records[i]![f], i + 1, f));
  return scoresOf(m, ds, counterfactual);
}

/**
 * Scores a CSV file (header row, as `train --table` reads it) with a table model. A row with the
 * wrong number of cells stops the load with its line number, as in training.
 */
export async function scoreTableFile(m: ModelVersion, path: string): Promise<TableScoring> {
  tableModelTarget(m);
  assertInputFile(path, 'table');
  let header: string[] | null = null;
  const rows: string[][] = [];
  for await (const rec of csvRecords(await tableText(path, 'table'))) {
    if (rec.fields.length === 1 && rec.fields[0] === '') continue;
    if (!header) {
      // a repeated name is refused before any row is read
      header = tableHeader(rec.fields, path);
      continue;
    }
    if (rec.fields.length !== header.length)
      throw new UserError(`${path}:${rec.line}: ${rec.fields.length} cells, header has ${header.length}`);
    rows.push(rec.fields);
  }
  if (!header) throw new UserError(`${path}: empty file (expected a header row)`);
  return scoreTableCells(m, header, rows, path);
}
