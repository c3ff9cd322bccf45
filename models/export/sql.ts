import type { NetworkArtifact } from '../nn/network.ts';
import type { GbmArtifact, GbmTree } from '../gbm/gbm.ts';
import type { ScorecardArtifact } from '../scorecard/scorecard.ts';
import type { BinRule } from '../scorecard/binning.ts';
import { isCatalogueFeature } from '../../warehouse/feature-catalogue.ts';
import { defaultScaling, factorOf, gradeLabels, offsetOf } from '../scorecard/scorecard.ts';
import { UserError } from '../../lib/user-error.ts';

/**
 * A trained model as ClickHouse SQL select expressions over ew_features columns, producing
 * probability, points, grade and reasons exactly as the TypeScript scorers do (same formulas, same
 * summation order, float64). Column names come only from the feature catalogue; category lists and
 * reason names are bound parameters; model numbers are written as round-trip float literals.
 */
export interface ExportedSql {
  /** select lists applied in turn, each over the previous one's columns (`SELECT *, <stage> FROM (…)`), so no layer is inlined into the next */
  stages: string[];
  params: Record<string, unknown>;
}

/** The model over a source query (which must yield the feature columns): its rows plus probability, points, grade, reasons. */
export function scoringQuery(e: ExportedSql, source: string): string {
  return e.stages.reduce((from, stage) => `SELECT *, ${stage} FROM (${from})`, source);
}

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

class Params {
  readonly values: Record<string, unknown> = {};
  add(type: string, v: unknown): string {
    const name = `m${Object.keys(this.values).length}`;
    this.values[name] = v;
    return `{${name}:${type}}`;
  }
}

/** multiIf over a variable's bins returning one number per bin (WoE, points …), in bin order. */
function binExpr(
  feature: string,
  kind: 'numeric' | 'categorical',
  bins: { rule: BinRule }[],
  fallback: number,
  value: (k: number) => number,
  params: Params,
): string {
  const c = col(feature);
  const arms: string[] = [];
  bins.forEach((b, k) => {
    const r = b.rule;
    if (r.type === 'missing') arms.push(kind === 'numeric' ? `isNull(${c})` : `${c} = ''`, num(value(k)));
    else if (r.type === 'special') arms.push(`${c} = ${num(r.value)}`, num(value(k)));
    else if (r.type === 'categories') arms.push(`has(${params.add('Array(String)', r.values)}, ${c})`, num(value(k)));
  });
  // ranges are ascending and contiguous: the first whose upper bound exceeds x holds it
  const ranges = bins.map((b, k) => [b.rule, k] as const).filter(([r]) => r.type === 'range') as [
    Extract<BinRule, { type: 'range' }>,
    number,
  ][];
  ranges.forEach(([r, k]) => arms.push(r.hi === null ? '1' : `${c} < ${num(r.hi)}`, num(value(k))));
  return `multiIf(${arms.join(', ')}, ${num(value(fallback))})`;
}

function gradeExpr(p: string, edges: number[]): string {
  const last = gradeLabels[gradeLabels.length - 1]!;
  return `multiIf(${edges.map((e, i) => `${p} < ${num(e)}, '${gradeLabels[i] ?? last}'`).join(', ')}, '${gradeLabels[edges.length] ?? last}')`;
}

/** Points (the default scaling, as pointsOf) and grade of a model that yields only a probability. */
const pointsAndGrade = (edges: number[]) => {
  const s = defaultScaling;
  return `${num(offsetOf(s))} + ${num(factorOf(s))} * log((1 - probability) / probability) AS points,
      ${gradeExpr('probability', edges)} AS grade`;
};

const reasonsExpr = (pairs: string[]) =>
  `arraySlice(arrayMap(x -> x.2, arraySort(x -> (-x.1, x.2), arrayFilter(x -> x.1 > 1e-9, [${pairs.join(', ')}]))), 1, 3)`;

export function scorecardToSql(art: ScorecardArtifact): ExportedSql {
  const params = new Params();
  const terms = art.variables.map(
    (v) => `${num(v.coef)} * ${binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => v.bins[k]!.woe, params)}`,
  );
  const logit = [num(art.intercept), ...terms].join(' + ');
  const points =
    art.variables
      .map((v) => binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => v.bins[k]!.points, params))
      .join(' + ') || '0';
  const lost = art.variables.map((v) => {
    const best = Math.max(...v.bins.map((b) => b.points));
    return `(${binExpr(v.feature, v.kind, v.bins, v.fallback, (k) => best - v.bins[k]!.points, params)}, ${params.add('String', v.feature)})`;
  });
  return {
    stages: [
      `1 / (1 + exp(-(${logit}))) AS probability, ${points} AS points, ${gradeExpr('probability', art.gradeEdges)} AS grade,
      ${lost.length ? reasonsExpr(lost) : "CAST([], 'Array(String)')"} AS reasons`,
    ],
    params: params.values,
  };
}

export function networkToSql(art: NetworkArtifact): ExportedSql {
  const params = new Params();
  const parts: string[] = [];
  const stages: string[] = [];
  art.inputs.forEach((inp, j) => {
    if (inp.type === 'woe') {
      const b = inp.bins;
      parts.push(
        `assumeNotNull(${binExpr(inp.feature, b.kind, b.bins, b.fallback, (k) => b.bins[k]!.woe, params)}) AS lwq_x${j}`,
      );
    } else {
      const c = col(inp.feature);
      parts.push(
        `if(isNull(${c}), 0., least(5., greatest(-5., (sign(assumeNotNull(${c})) * log1p(abs(assumeNotNull(${c}))) - ${num(inp.mean)}) / ${num(inp.sd)}))) AS lwq_x${j}`,
      );
    }
  });
  // (inputs are never NULL — missing has its own arm — but Nullable columns make multiIf Nullable, which dotProduct rejects)
  // each layer is one array column; a unit is bias + dotProduct(previous layer, its weight column):
  // a handful of AST nodes per unit instead of one per weight (a 2,000-term sum made analysis the cost)
  stages.push(parts.splice(0).join(',\n      '));
  let prev = `[${art.inputs.map((_, j) => `lwq_x${j}`).join(', ')}]`;
  art.layers.forEach((layer, l) => {
    const units = layer.bias.map((b, c) => {
      const z = `${num(b)} + dotProduct(${prev}, [${layer.weights.map((row) => numInArray(row[c]!)).join(', ')}])`;
      return layer.activation === 'relu' ? `greatest(${z}, 0.)` : `1 / (1 + exp(-(${z})))`;
    });
    parts.push(`[${units.join(', ')}] AS lwq_l${l}`);
    stages.push(parts.splice(0).join(',\n      '));
    prev = `lwq_l${l}`;
  });
  const woeInputs = art.inputs.map((inp, j) => [inp, j] as const).filter(([inp]) => inp.type === 'woe');
  parts.push(
    `${prev}[1] AS probability`,
    pointsAndGrade(art.gradeEdges),
    `${woeInputs.length ? reasonsExpr(woeInputs.map(([inp, j]) => `(lwq_x${j}, ${params.add('String', inp.feature)})`)) : "CAST([], 'Array(String)')"} AS reasons`,
  );
  stages.push(parts.join(',\n      '));
  return { stages, params: params.values };
}

/** Trees as nested if() on the raw columns; the sum runs in tree order like the TypeScript scorer. */
export function gbmToSql(art: GbmArtifact): ExportedSql {
  const params = new Params();
  const goesLeft = (f: GbmArtifact['features'][number], bin: number, missingLeft: boolean) => {
    const c = col(f.name);
    if (f.kind === 'numeric') {
      // codes: k = number of edges ≤ x, so code ≤ bin ⇔ x < edges[bin] (or always, past the last edge)
      const cond = bin < f.edges.length ? `${c} < ${num(f.edges[bin]!)}` : '1';
      return `if(isNull(${c}), ${missingLeft ? 1 : 0}, ${cond})`;
    }
    return `if(${c} = '', ${missingLeft ? 1 : 0}, has(${params.add('Array(String)', f.levels.slice(0, bin + 1))}, ${c}))`;
  };
  const tree = (t: GbmTree, n: number): string =>
    t.feature[n]! < 0
      ? num(t.value[n]!)
      : `if(${goesLeft(art.features[t.feature[n]!]!, t.bin[n]!, t.missingLeft[n]!)}, ${tree(t, t.left[n]!)}, ${tree(t, t.right[n]!)})`;
  // one stage per 50 trees keeps each expression's tree small for the analyzer
  const stages: string[] = [];
  let acc = num(art.base);
  for (let a = 0; a < art.trees.length; a += 50) {
    stages.push(`${[acc, ...art.trees.slice(a, a + 50).map((t) => tree(t, 0))].join(' + ')} AS lwq_z${a}`);
    acc = `lwq_z${a}`;
  }
  stages.push(
    `1 / (1 + exp(-(${acc}))) AS probability, ${pointsAndGrade(art.gradeEdges)}, CAST([], 'Array(String)') AS reasons`,
  );
  return { stages, params: params.values };
}

export const modelToSql = (art: ScorecardArtifact | NetworkArtifact | GbmArtifact) =>
  art.kind === 'scorecard' ? scorecardToSql(art) : art.kind === 'network' ? networkToSql(art) : gbmToSql(art);
