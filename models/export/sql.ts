import type { NetworkArtifact } from '../nn/network.ts';
import { leafContributions, type GbmArtifact, type GbmTree } from '../gbm/gbm.ts';
import type { ScorecardArtifact } from '../scorecard/scorecard.ts';
import type { BinRule } from '../scorecard/binning.ts';
import { isCatalogueFeature } from '../../warehouse/feature-catalogue.ts';
import { binTerm, defaultScaling, factorOf, gradeLabels, offsetOf, type Scaling } from '../scorecard/scorecard.ts';
import { UserError } from '../../lib/user-error.ts';
import { joinSql, param, ParamAllocator, sql, trusted, type Sql } from '../../warehouse/sql.ts';

/**
 * A trained model as ClickHouse SQL select expressions over ew_features columns, producing
 * probability, points, grade and reasons exactly as the TypeScript scorers do (same formulas, same
 * summation order, float64). Column names come only from the feature catalogue; category lists and
 * reason names are bound parameters; model numbers are written as round-trip float literals.
 *
 * A model is a list of stages: select lists applied in turn, each over the previous one's columns
 * (`SELECT *, <stage> FROM (…)`), so no layer is inlined into the next.
 */
export type ModelStages = Sql[];

/** The model over a source (which must yield the feature columns): its rows plus probability, points, grade, reasons. */
export const scoringSql = (stages: ModelStages, source: Sql): Sql =>
  stages.reduce((from, stage) => sql`SELECT *, ${stage} FROM (${from})`, source);

/** A model's stages as text, their parameters named by one allocator (they run in one statement). */
export interface ExportedSql {
  stages: string[];
  params: Record<string, unknown>;
}

/** The model over a source query text (which must yield the feature columns; its own parameters named, not lwp_). */
export function scoringQuery(e: ExportedSql, source: string): string {
  return e.stages.reduce((from, stage) => `SELECT *, ${stage} FROM (${from})`, source);
}

const exported = (stages: ModelStages): ExportedSql => {
  const names = new ParamAllocator();
  return { stages: stages.map((s) => names.text(s)), params: names.query_params };
};

export class SqlExportError extends UserError {}

const num = (x: number) => {
  if (!Number.isFinite(x)) throw new SqlExportError(`non-finite model constant ${x}`);
  const s = x.toPrecision(17);
  return x < 0 ? `(${s})` : s;
};

const numInArray = (x: number) => {
  if (!Number.isFinite(x)) throw new SqlExportError(`non-finite model constant ${x}`);
  return x.toPrecision(17);
};

const col = (feature: string) => {
  if (!isCatalogueFeature(feature))
    throw new SqlExportError(
      `feature ${feature} is not in the ew_features catalogue; only book models can be scored in the database`,
    );
  return feature;
};

/** multiIf over a variable's bins returning one number per bin (WoE, points …), in bin order. */
function binExpr(
  feature: string,
  kind: 'numeric' | 'categorical',
  bins: { rule: BinRule }[],
  fallback: number,
  value: (k: number) => number,
): Sql {
  const c = col(feature);
  const arms: Sql[] = [];
  const valueOf = (k: number) => trusted(num(value(k)));
  bins.forEach((b, k) => {
    const r = b.rule;
    if (r.type === 'missing') arms.push(trusted(kind === 'numeric' ? `isNull(${c})` : `${c} = ''`), valueOf(k));
    else if (r.type === 'special') arms.push(trusted(`${c} = ${num(r.value)}`), valueOf(k));
    else if (r.type === 'categories')
      arms.push(sql`has(${param(r.values, 'Array(String)')}, ${trusted(c)})`, valueOf(k));
  });
  // ranges are ascending and contiguous: the first whose upper bound exceeds x holds it
  const ranges = bins.map((b, k) => [b.rule, k] as const).filter(([r]) => r.type === 'range') as [
    Extract<BinRule, { type: 'range' }>,
    number,
  ][];
  ranges.forEach(([r, k]) => arms.push(trusted(r.hi === null ? '1' : `${c} < ${num(r.hi)}`), valueOf(k)));
  return sql`multiIf(${joinSql(arms, ', ')}, ${valueOf(fallback)})`;
}

function gradeExpr(p: string, edges: number[]): string {
  const last = gradeLabels[gradeLabels.length - 1]!;
  return `multiIf(${edges.map((e, i) => `${p} < ${num(e)}, '${gradeLabels[i] ?? last}'`).join(', ')}, '${gradeLabels[edges.length] ?? last}')`;
}

/** Points (its scaling, as pointsOf; the default for versions without one) and grade of a model that yields only a probability. */
const pointsAndGrade = (edges: number[], s: Scaling = defaultScaling) => {
  return `${num(offsetOf(s))} + ${num(factorOf(s))} * log((1 - probability) / probability) AS points,
      ${gradeExpr('probability', edges)} AS grade`;
};

/** The three largest (points lost, reason name) pairs' names; none when the model has no binned variable. */
const reasonsExpr = (pairs: Sql[]) =>
  pairs.length
    ? sql`arraySlice(arrayMap(x -> x.2, arraySort(x -> (-x.1, x.2), arrayFilter(x -> x.1 > 1e-9, [${joinSql(pairs, ', ')}]))), 1, 3)`
    : trusted("CAST([], 'Array(String)')");

export function scorecardStages(art: ScorecardArtifact): ModelStages {
  const terms = art.variables.map((v) => binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => binTerm(v, v.bins[k]!)));
  const logit = joinSql([trusted(num(art.intercept)), ...terms], ' + ');
  const points = art.variables.length
    ? joinSql(
        art.variables.map((v) => binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => v.bins[k]!.points)),
        ' + ',
      )
    : trusted('0');
  const lost = art.variables.map((v) => {
    const best = Math.max(...v.bins.map((b) => b.points));
    return sql`(${binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => best - v.bins[k]!.points)}, ${param(v.feature, 'String')})`;
  });
  return [
    sql`1 / (1 + exp(-(${logit}))) AS probability, ${points} AS points, ${trusted(gradeExpr('probability', art.gradeEdges))} AS grade,
      ${reasonsExpr(lost)} AS reasons`,
  ];
}

export function networkStages(art: NetworkArtifact): ModelStages {
  const parts: Sql[] = [];
  const stages: Sql[] = [];
  const stage = () => joinSql(parts.splice(0), ',\n      ');
  art.inputs.forEach((inp, j) => {
    if (inp.type === 'woe') {
      const b = inp.bins;
      parts.push(
        sql`assumeNotNull(${binExpr(inp.feature, b.kind, b.bins, b.fallback, (k) => b.bins[k]!.woe)}) AS ${trusted(`lwq_x${j}`)}`,
      );
    } else {
      const c = col(inp.feature);
      parts.push(
        trusted(
          `if(isNull(${c}), 0., least(5., greatest(-5., (sign(assumeNotNull(${c})) * log1p(abs(assumeNotNull(${c}))) - ${num(inp.mean)}) / ${num(inp.sd)}))) AS lwq_x${j}`,
        ),
      );
    }
  });
  // (inputs are never NULL — missing has its own arm — but Nullable columns make multiIf Nullable, which dotProduct rejects)
  // each layer is one array column; a unit is bias + dotProduct(previous layer, its weight column):
  // a handful of AST nodes per unit instead of one per weight (a 2,000-term sum made analysis the cost)
  stages.push(stage());
  let prev = `[${art.inputs.map((_, j) => `lwq_x${j}`).join(', ')}]`;
  art.layers.forEach((layer, l) => {
    const units = layer.bias.map((b, c) => {
      const z = `${num(b)} + dotProduct(${prev}, [${layer.weights.map((row) => numInArray(row[c]!)).join(', ')}])`;
      return layer.activation === 'relu' ? `greatest(${z}, 0.)` : `1 / (1 + exp(-(${z})))`;
    });
    parts.push(trusted(`[${units.join(', ')}] AS lwq_l${l}`));
    stages.push(stage());
    prev = `lwq_l${l}`;
  });
  const woeInputs = art.inputs.map((inp, j) => [inp, j] as const).filter(([inp]) => inp.type === 'woe');
  parts.push(
    trusted(`${prev}[1] AS probability`),
    trusted(pointsAndGrade(art.gradeEdges, art.scaling)),
    sql`${reasonsExpr(woeInputs.map(([inp, j]) => sql`(${trusted(`lwq_x${j}`)}, ${param(inp.feature, 'String')})`))} AS reasons`,
  );
  stages.push(stage());
  return stages;
}

/**
 * Trees as nested if() on the raw columns giving each tree's leaf; the leaf values are summed in
 * tree order like the TypeScript scorer, and each feature's path contributions
 * (gbm.ts leafContributions, the same constants) are summed in tree order for the reason codes.
 */
export function gbmStages(art: GbmArtifact): ModelStages {
  const goesLeft = (f: GbmArtifact['features'][number], bin: number, missingLeft: boolean): Sql => {
    const c = col(f.name);
    if (f.kind === 'numeric') {
      // codes: k = number of edges ≤ x, so code ≤ bin ⇔ x < edges[bin] (or always, past the last edge)
      const cond = bin < f.edges.length ? `${c} < ${num(f.edges[bin]!)}` : '1';
      return trusted(`if(isNull(${c}), ${missingLeft ? 1 : 0}, ${cond})`);
    }
    return sql`if(${trusted(`${c} = '', ${missingLeft ? 1 : 0}`)}, has(${param(f.levels.slice(0, bin + 1), 'Array(String)')}, ${trusted(c)}))`;
  };
  const leaf = (t: GbmTree, n: number): Sql =>
    t.feature[n]! < 0
      ? trusted(String(n + 1))
      : sql`if(${goesLeft(art.features[t.feature[n]!]!, t.bin[n]!, t.missingLeft[n]!)}, ${leaf(t, t.left[n]!)}, ${leaf(t, t.right[n]!)})`;
  const leafCol = (k: number) => `lwq_l${k}`;
  // exact zeros (internal nodes, leaves off a feature's paths) written short: the arrays are most of the query
  const pick = (values: ArrayLike<number>, k: number) =>
    `arrayElement([${Array.from(values, (x) => (x === 0 ? '0' : numInArray(x))).join(',')}], ${leafCol(k)})`;
  // one stage per 50 trees keeps each expression small for the analyzer
  const stages: Sql[] = [];
  for (let a = 0; a < art.trees.length; a += 50)
    stages.push(
      joinSql(
        art.trees.slice(a, a + 50).map((t, j) => sql`${leaf(t, 0)} AS ${trusted(leafCol(a + j))}`),
        ', ',
      ),
    );
  let acc = num(art.base);
  for (let a = 0; a < art.trees.length; a += 50) {
    const leafValues = (t: GbmTree) => t.value.map((v, n) => (t.feature[n]! < 0 ? v : 0));
    const sum = [acc, ...art.trees.slice(a, a + 50).map((t, j) => pick(leafValues(t), a + j))].join(' + ');
    stages.push(trusted(`${sum} AS lwq_z${a}`));
    acc = `lwq_z${a}`;
  }
  const terms = art.features.map((): string[] => ['0']);
  art.trees.forEach((t, k) => {
    for (const [f, c] of leafContributions(t)) terms[f]!.push(pick(c, k));
  });
  const used = art.features.map((f, j) => [f, j] as const).filter(([, j]) => terms[j]!.length > 1);
  if (used.length) stages.push(trusted(used.map(([, j]) => `${terms[j]!.join(' + ')} AS lwq_c${j}`).join(', ')));
  stages.push(
    sql`${trusted(`1 / (1 + exp(-(${acc}))) AS probability, ${pointsAndGrade(art.gradeEdges, art.scaling)}`)},
      ${reasonsExpr(used.map(([f, j]) => sql`(${trusted(`lwq_c${j}`)}, ${param(f.name, 'String')})`))} AS reasons`,
  );
  return stages;
}

export const modelStages = (art: ScorecardArtifact | NetworkArtifact | GbmArtifact): ModelStages =>
  art.kind === 'scorecard' ? scorecardStages(art) : art.kind === 'network' ? networkStages(art) : gbmStages(art);

export const scorecardToSql = (art: ScorecardArtifact) => exported(scorecardStages(art));
export const networkToSql = (art: NetworkArtifact) => exported(networkStages(art));
export const gbmToSql = (art: GbmArtifact) => exported(gbmStages(art));
export const modelToSql = (art: ScorecardArtifact | NetworkArtifact | GbmArtifact) => exported(modelStages(art));
