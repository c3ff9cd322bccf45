import { Rng } from '../../lib/random.ts';
import { indicesWhere, subset, type Dataset } from '../data/dataset.ts';
import { auc } from '../evaluate/metrics.ts';
import { binningTable } from './binning-table.ts';
import { fineBins, fitJoint, type JointFit } from './joint-card.ts';
import {
  scorecardProbability,
  trainScorecard,
  withPoints,
  type FoldChoice,
  type ScorecardArtifact,
  type ScorecardOptions,
  type ScorecardVariable,
} from './scorecard.ts';

/**
 * A table's choice of scorecard (docs/models.md). The classic scorecard and the joint scorecard at
 * each λ are each fitted k times on the fitting rows less one fold and judged by their AUC on that
 * fold. The best joint λ replaces the classic scorecard only when its mean lead over the classic on
 * the same folds exceeds twice that lead's standard error (the spread of the k paired leads / √k; about
 * a one-sided 5 % test on 4 degrees of freedom): a newer, finer scorecard replaces the incumbent only
 * when the folds agree it ranks better. On a small table the folds differ by more than the two
 * scorecards do, and the classic scorecard, with its held-back choices and refinement, is kept. The held-back part stays unseen by every fit here, for
 * the calibration. Too few bads or goods for every fold to hold both: no choice (null).
 */
export const foldChoiceRule =
  "the classic scorecard and the joint scorecard at each λ, each fitted on the fitting rows less one fold and scored on that fold, for every fold; the best joint λ is kept when its mean lead over the classic exceeds twice the lead's standard error across the folds, else the classic scorecard (with its held-back choices)";

export interface FoldVerdict {
  report: FoldChoice;
  /** the joint scorecard fitted on all the fitting rows, when it won; null: keep the classic */
  joint: ScorecardArtifact | null;
}

/** Each row's fold: a seeded shuffle dealt round, so fold sizes differ by one at most. */
export function foldsOf(n: number, k: number, seed: number): Uint8Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed * 104_729 + 3);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Uint8Array(n);
  order.forEach((row, r) => (fold[row] = r % k));
  return fold;
}

/** Mean and standard error of paired per-fold differences. */
export function pairedLead(a: number[], b: number[]): { lead: number; se: number } {
  const d = a.map((x, f) => x - b[f]!);
  const k = d.length;
  const lead = d.reduce((s, x) => s + x, 0) / k;
  const variance = k > 1 ? d.reduce((s, x) => s + (x - lead) ** 2, 0) / (k - 1) : Infinity;
  return { lead, se: Math.sqrt(variance / k) };
}

interface Candidate {
  name: string;
  lambda: number | null;
  fit: (ds: Dataset) => Promise<ScorecardArtifact>;
}

export async function chooseByFolds(
  fitting: Dataset,
  features: string[],
  o: ScorecardOptions,
  seed: number,
  log: (s: string) => void = () => undefined,
): Promise<FoldVerdict | null> {
  const k = o.folds;
  let bads = 0;
  for (const y of fitting.label) bads += y;
  // every fold must hold both outcomes to have an AUC, and a few of each for it to mean anything
  if (k < 2 || o.joint.lambdas.length === 0 || Math.min(bads, fitting.n - bads) < 10 * k) return null;
  // the classic scorecard as the folds see it: no held-back part, so its first correlation limit and no refinement
  const classic = { ...o, refine: { ...o.refine, lambdas: [] } };
  const candidates: Candidate[] = [
    { name: 'classic', lambda: null, fit: (ds) => trainScorecard(ds, features, classic) },
    ...o.joint.lambdas.map((lambda): Candidate => ({
      name: `joint λ=${lambda}`,
      lambda,
      fit: (ds) => Promise.resolve(jointArtifact(ds, features, o, lambda)),
    })),
  ];
  const fold = foldsOf(fitting.n, k, seed);
  const foldAuc = candidates.map(() => [] as number[]);
  for (let f = 0; f < k; f++) {
    const rest = subset(
      fitting,
      indicesWhere(fitting.n, (i) => fold[i] !== f),
    );
    const judged = subset(
      fitting,
      indicesWhere(fitting.n, (i) => fold[i] === f),
    );
    for (const [c, cand] of candidates.entries())
      foldAuc[c]!.push(auc(scorecardProbability(await cand.fit(rest), judged), judged.label));
    log(
      `scorecard: fold ${f + 1} of ${k}: ${candidates.map((c, i) => `${c.name} AUC ${foldAuc[i]!.at(-1)!.toFixed(4)}`).join(', ')}`,
    );
  }
  const mean = foldAuc.map((a) => a.reduce((s, x) => s + x, 0) / a.length);
  const best = mean.indexOf(Math.max(...mean.slice(1)), 1);
  const { lead, se } = pairedLead(foldAuc[best]!, foldAuc[0]!);
  const won = lead > 2 * se;
  log(
    `scorecard: ${won ? `${candidates[best]!.name} kept` : 'classic kept'}: mean fold AUC ${candidates.map((c, i) => `${c.name} ${mean[i]!.toFixed(4)}`).join(', ')}; ${candidates[best]!.name} leads the classic by ${lead.toFixed(4)} (standard error ${se.toFixed(4)}), ${won ? 'more' : 'not more'} than twice the standard error`,
  );
  const joint = won ? jointArtifact(fitting, features, o, candidates[best]!.lambda!) : null;
  const report: FoldChoice = {
    rule: foldChoiceRule,
    folds: k,
    tried: candidates.map((c, i) => ({
      candidate: c.name,
      lambda: c.lambda,
      fold_auc: foldAuc[i]!,
      mean_auc: mean[i]!,
    })),
    best_joint: { candidate: candidates[best]!.name, lead, se },
    chosen: won ? candidates[best]!.name : 'classic',
    ...(joint?.foldChoice?.merges === undefined ? {} : { merges: joint.foldChoice.merges }),
  };
  return { report, joint: joint && { ...joint, foldChoice: report } };
}

/**
 * Why the joint scorecard holds a feature. It does not apply the classic IV floor: a feature weak
 * alone can carry risk given the others (Taiwan's bill amounts), and the folds, not its IV, judged
 * the whole fit; a feature below the floor says so, so a reader sees which weak ones it kept.
 */
function jointKeptReason(iv: number, o: ScorecardOptions, lambda: number, candidates: number): string {
  const among =
    candidates > o.joint.maxVariables
      ? `among the ${o.joint.maxVariables} features of the largest IV on fine bins`
      : `every feature with more than one non-empty fine bin (at most ${o.joint.maxVariables})`;
  const weak =
    iv < o.selection.minIv
      ? `; kept with IV ${iv.toFixed(4)} below the classic floor ${o.selection.minIv}: the joint fit keeps a feature weak alone for its effect given the others, judged with the whole fit by the folds`
      : '';
  return `joint scorecard (λ ${lambda}): ${among}, its ranges merged to its fitted direction${weak}`;
}

/**
 * The joint scorecard at λ as a scorecard artifact: each bin carries its own term (coefficient 0,
 * as a variable the refinement added), so every reader of a scorecard — points, reasons, the SQL
 * export, counterfactuals — reads it as it reads a refined one.
 */
export function jointArtifact(ds: Dataset, features: string[], o: ScorecardOptions, lambda: number): ScorecardArtifact {
  const fine = fineBins(ds, features, o.binning, o.joint);
  const fit: JointFit = fitJoint(ds, fine, lambda);
  const variables: ScorecardVariable[] = fit.vars.map((v, j) => ({
    feature: v.feature,
    kind: v.kind,
    coef: 0,
    iv: v.iv,
    fallback: v.fallback,
    bins: v.bins.map((b, i) => ({ ...b, term: fit.terms[j]![i]!, points: 0 })),
  }));
  const inFit = new Set(fit.vars.map((v) => v.feature));
  return {
    kind: 'scorecard',
    woeConvention: 'ln(%bad / %good)',
    intercept: fit.intercept,
    scaling: o.scaling,
    gradeEdges: o.gradeEdges,
    variables: withPoints(variables, fit.intercept, o.scaling),
    selection: features.map((f) => {
      const v = fit.vars.find((x) => x.feature === f) ?? fine.find((x) => x.feature === f);
      return {
        feature: f,
        iv: v?.iv ?? 0,
        psi: null,
        kept: inFit.has(f),
        reason: inFit.has(f)
          ? jointKeptReason(v!.iv, o, lambda, features.length)
          : v
            ? `not among the ${o.joint.maxVariables} features of the largest IV on fine bins`
            : 'a single non-empty bin: no effect to fit',
      };
    }),
    binning: {
      ...o.binning,
      trend: 'none',
      maxBins: o.joint.maxBins,
      minBinShare: o.joint.minBinShare,
      chiThreshold: 0,
    },
    binningTables: fit.vars.map(binningTable),
    baseline: { scoreEdges: [], scoreCounts: [] },
    foldChoice: { rule: foldChoiceRule, folds: 0, tried: [], chosen: `joint λ=${lambda}`, merges: fit.merges },
  };
}
