import type { Column, Dataset } from '../data/dataset.ts';
import { modelFeatures, probabilityOf, scoreModel, type ModelArtifact } from '../model-types.ts';
import { gradeLabels } from '../scorecard/scorecard.ts';
import { scorecardRowSearch, type FeatureReach } from '../scorecard/row-search.ts';
import { actionOf, type Action, type ActionSpec, type RowValues } from './actions.ts';
import { featureLabel } from '../../warehouse/feature-labels.ts';

/** One action of a counterfactual: its amount and the features it moves (from → to). */
export interface CounterfactualChange {
  action: string;
  amount: number;
  features: Record<string, { from: number | null; to: number }>;
}

/** The smallest change of the actionable features that moves a scored row to a better grade, re-scored. */
export interface Counterfactual {
  from_grade: string;
  target_grade: string;
  /** false when no change within the actions' limits reaches the target grade */
  reached: boolean;
  /** the grade the changed row scores (the target or better when reached) */
  grade: string;
  probability_before: number;
  probability_after: number;
  points_before: number;
  points_after: number;
  points_gain: number;
  changes: CounterfactualChange[];
  text: { en: string; zh: string };
}

export interface CounterfactualOptions {
  actions: ActionSpec[];
  /** the grade to reach (default: the next better one) */
  targetGrade?: string;
  /** what the sentence calls the scored thing */
  subject: 'loan' | 'row';
  /** false: every amount of every action scored, nothing skipped by a bound (the reference the tests compare with) */
  prune?: boolean;
}

const subjectWords = { loan: { en: 'this loan', zh: '该笔贷款' }, row: { en: 'this row', zh: '该行' } };

function rowValues(ds: Dataset, i: number): RowValues {
  return new Map(
    ds.columns.map((c): [string, number | string | null] => {
      if (c.kind === 'numeric') return [c.name, c.values[i]!];
      const code = c.codes[i]!;
      return [c.name, code < 0 ? null : c.levels[code]!];
    }),
  );
}

/**
 * Row i of ds repeated once per change set, each with its numeric features replaced: the columns the
 * model reads only (`read`; the search builds thousands of these a loan, and a scorecard reads a third
 * of the book's columns).
 */
function variants(ds: Dataset, i: number, changes: Map<string, number>[], read: ReadonlySet<string>): Dataset {
  const n = changes.length;
  const columns = ds.columns
    .filter((c) => read.has(c.name))
    .map((c): Column =>
      c.kind === 'categorical'
        ? { name: c.name, kind: 'categorical', levels: c.levels, codes: new Int32Array(n).fill(c.codes[i]!) }
        : { name: c.name, kind: 'numeric', values: new Float64Array(n).fill(c.values[i]!) },
    );
  // a change set moves a few features: write those, not a lookup per column and variant
  const numericAt = new Map(columns.map((c, j) => [c.name, c.kind === 'numeric' ? j : -1]));
  changes.forEach((ch, k) => {
    for (const [name, v] of ch) {
      const col = columns[numericAt.get(name) ?? -1];
      if (col?.kind === 'numeric') col.values[k] = v;
    }
  });
  return {
    n,
    columns,
    label: new Uint8Array(n),
    period: new Array<string>(n).fill(''),
    ids: new Array<string>(n).fill(''),
  };
}

/** Amounts to try, ascending, each ≤ the limit: every step up to 200, then 60 geometric points, then the limit itself. */
function candidates(limit: number, step: number, withZero: boolean): number[] {
  const out = withZero ? [0] : [];
  const k = Math.ceil(limit / step - 1e-9);
  for (let s = 1; s < Math.min(k, 201); s++) out.push(s * step);
  if (k > 201) {
    const lo = 200 * step;
    for (let g = 1; g < 60; g++) {
      const x = Math.round((lo * (limit / lo) ** (g / 60)) / step) * step;
      if (x > out.at(-1)! && x < limit) out.push(x);
    }
  }
  out.push(limit);
  return out;
}

/**
 * Where the features move over the amounts a search tries of one action (its step, or the limit
 * when smaller, up to the limit; and 0 when `zero` is given): between the values at the ends, as
 * every declared action moves its features monotonically in its amount, alone or applied after
 * others (actions.ts); 'any' where the ends cannot tell. `zero` is the change at amount 0 (the other
 * actions' only) over the row.
 */
function reachOver(
  first: ReadonlyMap<string, number>,
  last: ReadonlyMap<string, number>,
  moves: readonly string[],
  zero?: { changed: ReadonlyMap<string, number>; row: RowValues },
): Map<string, FeatureReach> {
  const reach = new Map<string, FeatureReach>();
  for (const f of moves) {
    const v0 = first.get(f);
    const v1 = last.get(f);
    // not moved at the limit: not moved at any amount (nor at 0, unless what moved it there left it since)
    if (v0 === undefined && v1 === undefined) {
      if (zero?.changed.has(f)) reach.set(f, 'any');
      continue;
    }
    const z = zero ? (zero.changed.get(f) ?? zero.row.get(f)) : v0;
    if (v0 === undefined || v1 === undefined || typeof z !== 'number') {
      reach.set(f, 'any');
      continue;
    }
    const lo = Math.min(v0, v1, z);
    const hi = Math.max(v0, v1, z);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || Number.isNaN(z)) reach.set(f, 'any');
    else {
      // a margin for rounding between the ends (a ratio of two rounded sums)
      const pad = 1e-9 * Math.max(Math.abs(lo), Math.abs(hi)) + 1e-12;
      reach.set(f, [lo - pad, hi + pad]);
    }
  }
  return reach;
}

/** The features of the row after the actions are applied in order, each to the row the previous left. */
export function applyAll(row: RowValues, actions: Action[], amounts: number[]): Map<string, number> {
  const active = amounts.flatMap((x, j) => (x > 0 ? [j] : []));
  // one action (the search's usual case): its own change, without copying the row
  if (active.length === 1) return actions[active[0]!]!.apply(row, amounts[active[0]!]!);
  // the row as the actions before left it: their changes over it (an action reads a few features)
  const changed = new Map<string, number>();
  const cur = movedRow(row, changed);
  for (const j of active) for (const [f, v] of actions[j]!.apply(cur, amounts[j]!)) changed.set(f, v);
  return changed;
}

/** The row with `moved` over it, read through (no copy of the row). */
function movedRow(row: RowValues, moved: ReadonlyMap<string, number>): RowValues {
  return { get: (f) => (moved.has(f) ? moved.get(f)! : row.get(f)) };
}

/**
 * For each row, the smallest change of the actionable features that moves its score to the target
 * grade: a single action when one suffices — the fewest steps (the default book actions are both
 * money in ¥100 steps, so the smallest payment) —, else every action at its limit, then each
 * trimmed in turn to the least that still reaches the target. Each candidate is scored by the
 * model itself, so the proposed change re-scores to the grade it states. A row at the best grade
 * (or already at the target) has none: null.
 */
export function counterfactuals(art: ModelArtifact, ds: Dataset, o: CounterfactualOptions): (Counterfactual | null)[] {
  const read = new Set(modelFeatures(art));
  const actions = o.actions.map(actionOf);
  const base = scoreModel(art, ds);
  const rank = (g: string) => gradeLabels.indexOf(g);
  // the search reads only each candidate's grade: its probability (the floats every scorer grades, without
  // points and reason codes: most of a scoring's work) ranked as gradeOf ranks it, by the edges it reaches,
  // without an array per candidate (that filter was a tenth of the search)
  const edges = art.gradeEdges;
  const gradeRank = (p: number) => {
    let k = 0;
    for (const e of edges) if (p >= e) k++;
    return Math.min(gradeLabels.length - 1, k);
  };
  const scorecardRows = art.kind === 'scorecard' ? scorecardRowSearch(art, ds) : null;
  const prune = o.prune ?? true;
  return Array.from({ length: ds.n }, (_, i) => {
    const from = base.grade[i]!;
    const target = o.targetGrade ?? gradeLabels[rank(from) - 1];
    if (target === undefined || rank(target) >= rank(from)) return null;
    const row = rowValues(ds, i);
    // the probability of the row under each change set: a scorecard re-bins only the changed features
    const rowSearch = scorecardRows?.(i);
    const probabilities = (changes: Map<string, number>[]) =>
      rowSearch ? rowSearch.variants(changes) : probabilityOf(art, variants(ds, i, changes, read));
    // whether the actions could reach the target at all (a scorecard's floor, with a margin for the
    // rounding of exp; other models: always tried) — the rows no action helps are otherwise scored at
    // every amount of every action
    const mayReach = (reach: () => ReadonlyMap<string, FeatureReach>) =>
      !prune || !rowSearch || gradeRank(rowSearch.floor(reach()) * (1 - 1e-9)) <= targetRank;
    // where actions combined may move their features: anywhere
    const anywhere = (js: number[]) => new Map(js.flatMap((j) => actions[j]!.moves.map((f) => [f, 'any'] as const)));
    const limits = actions.map((a) => {
      const moved = a.apply(row, a.spec.step);
      return [...moved.keys()].some((f) => read.has(f)) ? a.limit(row) : 0;
    });
    const targetRank = rank(target);
    const reaches = (g: string) => rank(g) <= targetRank;
    /** the least amount of action j (the others fixed) that reaches the target, or null */
    const least = (j: number, fixed: number[], withZero: boolean, cap = Infinity): number | null => {
      const step = actions[j]!.spec.step;
      const others = fixed.flatMap((f, m) => (m !== j && f > 0 ? [m] : []));
      const all = candidates(limits[j]!, step, withZero);
      // only amounts of fewer steps than `cap` can be chosen: the grid up to the first of `cap` steps or
      // more (the steps below it are searched from the point before it, as on the whole grid)
      const over = prune ? all.findIndex((x) => x / step >= cap) : -1;
      const grid = over < 0 ? all : all.slice(0, over + 1);
      // the others at zero (the search's usual case): the action's own change, nothing combined
      const alone = fixed.every((f, m) => m === j || !(f > 0));
      const changed = (x: number) =>
        alone
          ? x > 0
            ? actions[j]!.apply(row, x)
            : new Map<string, number>()
          : applyAll(
              row,
              actions,
              fixed.map((f, m) => (m === j ? x : f)),
            );
      const moves = [j, ...others].flatMap((m) => actions[m]!.moves);
      // where the features go over amounts from..to (ascending; 0 only as the first): their ends bound them
      const reachBetween = (from: number, to: number, next: number) =>
        reachOver(
          changed(from > 0 ? from : next),
          changed(to),
          moves,
          from > 0 ? undefined : { changed: changed(0), row },
        );
      const whole = () => reachBetween(grid[0] ?? 0, limits[j]!, grid[1] ?? limits[j]!);
      if (!mayReach(whole)) return null;
      const firstReaching = (amounts: number[]) =>
        probabilities(amounts.map(changed)).findIndex((p) => gradeRank(p) <= targetRank);
      // the first amount that reaches the target. With a floor (a scorecard): halves of the amounts
      // whose features' reach cannot lift the row to the target are not scored, the lower half searched
      // first, down to eight amounts scored at once. Without one: scored in growing batches — most rows
      // reach it within a few steps, and the amounts after the first that reaches need no scoring
      const within = (amounts: number[], lo: number, hi: number): number => {
        if (hi - lo <= 8) {
          const k = firstReaching(amounts.slice(lo, hi));
          return k < 0 ? -1 : lo + k;
        }
        if (!mayReach(() => reachBetween(amounts[lo]!, amounts[hi - 1]!, amounts[lo + 1]!))) return -1;
        const mid = (lo + hi) >> 1;
        const left = within(amounts, lo, mid);
        return left >= 0 ? left : within(amounts, mid, hi);
      };
      const at = (amounts: number[]) => {
        if (prune && rowSearch) return within(amounts, 0, amounts.length);
        for (let a = 0, size = prune ? 8 : amounts.length; a < amounts.length; a += size, size *= 4) {
          const k = firstReaching(amounts.slice(a, a + size));
          if (k >= 0) return a + k;
        }
        return -1;
      };
      const f = at(grid);
      if (f < 0) return null;
      if (f === 0 || grid[f]! - grid[f - 1]! <= step + 1e-9) return grid[f]!;
      // between two geometric points: the steps in between, at most 200 of them
      const lo = grid[f - 1]!;
      const span = Math.ceil((grid[f]! - lo) / step);
      const stride = Math.max(1, Math.ceil(span / 200));
      const fine: number[] = [];
      for (let s = stride; s < span; s += stride) fine.push(lo + s * step);
      fine.push(grid[f]!);
      return fine[at(fine)] ?? grid[f]!;
    };
    let amounts: number[] | null = null;
    let best = Infinity;
    for (const [j, a] of actions.entries()) {
      if (!(limits[j]! > 0)) continue;
      const x = least(
        j,
        actions.map(() => 0),
        false,
        best,
      );
      if (x !== null && x / a.spec.step < best) {
        best = x / a.spec.step;
        amounts = actions.map((_, m) => (m === j ? x : 0));
      }
    }
    if (!amounts && mayReach(() => anywhere(actions.map((_, j) => j)))) {
      const all = [...limits];
      const atLimits = gradeLabels[gradeRank(probabilities([applyAll(row, actions, all)])[0]!)]!;
      if (reaches(atLimits)) {
        // each trimmed to its least with the others as they stand, again until none moves: an action trimmed
        // while a later one was still at its limit can go lower once that one is trimmed too
        for (let pass = 0, moved = true; moved && pass < 8; pass++) {
          moved = false;
          for (let j = 0; j < actions.length; j++) {
            if (!(all[j]! > 0)) continue;
            const x = least(j, all, true) ?? all[j]!;
            if (x < all[j]!) [all[j], moved] = [x, true];
          }
        }
        amounts = all;
      }
    }
    const chosen: number[] = amounts ?? actions.map(() => 0);
    const after = scoreModel(art, variants(ds, i, [applyAll(row, actions, chosen)], read));
    const grade = after.grade[0]!;
    const reached = amounts !== null && reaches(grade);
    const changes: CounterfactualChange[] = [];
    const words: { en: string; zh: string }[] = [];
    const movedSoFar = new Map<string, number>();
    const cur = movedRow(row, movedSoFar);
    actions.forEach((a, j) => {
      const x = chosen[j]!;
      if (!(x > 0) || !reached) return;
      const moved = a.apply(cur, x);
      const features: CounterfactualChange['features'] = {};
      for (const [f, v] of moved)
        if (read.has(f)) {
          const was = cur.get(f);
          features[f] = { from: typeof was === 'number' && Number.isFinite(was) ? was : null, to: v };
        }
      for (const [f, v] of moved) movedSoFar.set(f, v);
      changes.push({ action: a.spec.type === 'feature' ? a.spec.feature : a.spec.type, amount: x, features });
      words.push(a.words(x));
    });
    const who = subjectWords[o.subject];
    const names = (lang: 'en' | 'zh-CN') => actions.map((a) => actionName(a.spec, lang));
    const text = reached
      ? {
          en: `${words.map((w) => w.en).join(' and ')} moves ${who.en} from grade ${from} to ${grade}`,
          zh: `${words.map((w) => w.zh).join(' 并')} 可使${who.zh}由 ${from} 级升至 ${grade} 级`,
        }
      : {
          en: `no change of the actionable features (${names('en').join(', ') || 'none given'}) moves ${who.en} from grade ${from} to ${target}`,
          zh: `可操作特征（${names('zh-CN').join('、') || '未指定'}）的任何变动都无法使${who.zh}由 ${from} 级升至 ${target} 级`,
        };
    return {
      from_grade: from,
      target_grade: target,
      reached,
      grade: reached ? grade : from,
      probability_before: base.probability[i]!,
      probability_after: reached ? after.probability[0]! : base.probability[i]!,
      points_before: base.points[i]!,
      points_after: reached ? after.points[0]! : base.points[i]!,
      points_gain: reached ? after.points[0]! - base.points[i]! : 0,
      changes,
      text,
    };
  });
}

/** An action in words for a sentence: a book action by what the borrower does, a feature by its label (a table's column as named). */
function actionName(spec: ActionSpec, lang: 'en' | 'zh-CN'): string {
  if (spec.type === 'feature') return featureLabel(spec.feature, lang);
  const words = {
    pay_overdue: { en: 'paying the overdue amount', 'zh-CN': '偿还逾期金额' },
    prepay_principal: { en: 'prepaying principal', 'zh-CN': '提前偿还本金' },
  } as const;
  return words[spec.type][lang];
}
