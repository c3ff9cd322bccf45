import type { ModelVersion } from './registry/registry.ts';
import { scoredAs } from './scorecard/scored-as.ts';
import { psiStatus, withCutOffs } from './evaluate/metrics.ts';
import type { ModelMetrics } from './model-types.ts';
import type { GateReport } from './data/quality-gate.ts';
import type { ProbabilityCalibration } from './calibration/calibrate.ts';
import { heldBackSaid } from './calibration/calibration-warnings.ts';
import {
  binTerm,
  defaultScaling,
  gradeLabels,
  pointsOf,
  type Scaling,
  type ScorecardArtifact,
} from './scorecard/scorecard.ts';
import { ruleLabel, type BinningTable } from './scorecard/binning-table.ts';
import { effectiveTrend, defaultTimeStableMinEvents } from './scorecard/binning.ts';
import { isJointScorecard, oppositeNote, pointsDirections } from './scorecard/points-direction.ts';

const scalingText = (s: Scaling) =>
  `${s.basePoints} points at odds ${s.baseOdds}:1 (good:bad), ${s.pdo} points to double the odds`;

/** Registered metrics with the data-quality gate's report (workflows.ts adds it; older versions have none). */
export interface GatedMetrics extends ModelMetrics {
  data_quality?: GateReport;
}

const pct = (x: number) => `${+(100 * x).toFixed(2)} %`;

/**
 * The gate's section: its settings, then one row per dropped or changed column with the reason. The
 * reasons never quote a value of an identifier-like, name or free-text column (quality-gate.ts).
 */
function dataQualitySection(g: GateReport | undefined): string[] {
  if (!g) return [];
  const changed = g.decisions.filter((d) => d.action !== 'keep' || d.reason !== '');
  const s = g.settings;
  return [
    '## Data quality gate',
    '',
    `Decided on the ${g.rows} training rows (docs/models.md): identifiers (≥ ${pct(s.uniqueShare)} unique text, integer sequences), personal names and free text dropped; dates (days or months) dropped; numbers written as \`1,169\` or \`12%\` read as numbers (a percentage in percentage points); categoricals with more than ${s.maxCategories} levels dropped; constant and near-constant (one value in ≥ ${pct(s.nearConstantShare)} of rows) dropped; sentinel codes binned as special values; a column alone with AUC > ${s.leakAuc} or a known post-outcome name leaks the outcome${s.allowLeaky.length ? ` (kept on purpose: ${s.allowLeaky.join(', ')})` : ''}${s.dropLeaky ? ' (dropped: --drop-leaky)' : ''}. Missing markers: ${s.missingMarkers.map((m) => (m === '' ? '(empty)' : `\`${m}\``)).join(', ')}.`,
    '',
    ...(changed.length
      ? [
          '| column | decision | rule | reason |',
          '|---|---|---|---|',
          ...changed.map((d) => `| ${d.column} | ${d.action} | ${d.rule} | ${d.reason.replace(/\|/gu, '\\|')} |`),
          '',
          `${g.decisions.length - changed.length} other columns kept as loaded.`,
        ]
      : [`All ${g.decisions.length} columns kept as loaded.`]),
    '',
    ...(g.review?.length
      ? [
          'For review (the gate flags, the modeler decides):',
          '',
          '| column | flag | kept | reason |',
          '|---|---|---|---|',
          ...g.review.map(
            (r) =>
              `| ${r.column} | ${r.flag} | ${r.action === 'kept' ? 'yes' : 'no'} | ${r.reason.replace(/\|/gu, '\\|')} |`,
          ),
          '',
        ]
      : []),
  ];
}

/**
 * Probability calibration: the method and the part it was fitted on, then the test part's
 * reliability curve (ten equal-count bins) and ECE before and after.
 */
function calibrationSection(c: ProbabilityCalibration | undefined): string[] {
  if (!c) return [];
  const before = c.test.reliability_before;
  const after = c.test.reliability_after;
  const method =
    c.method === 'none'
      ? 'Not calibrated (`--calibration none`): the probabilities are the model’s own. Reliability curve of the test part:'
      : c.skipped
        ? `Not calibrated although Platt scaling was asked for: ${c.skipped} (${c.held_back}, ${c.rows} rows, ${c.bads} bad). Reliability curve of the test part:`
        : `Platt scaling: calibrated probability = σ(a·z + b) of the model’s log-odds z, a = ${c.a.toFixed(6)}, b = ${c.b.toFixed(6)} (${c.fitted}), fitted on ${c.held_back} — ${c.rows} rows (${c.bads} bad) no model was fitted on; the test part is never used. It is folded into the model’s parameters${c.a > 0 ? ', so ranking, AUC, KS and reason codes are unchanged' : ''}; the quality, gains and calibration tables above, the points, the grades, the exported SQL and every score are calibrated. Platt rather than isotonic: strictly monotonic (no ties, so AUC and the champion gate are untouched), two parameters that stay stable on a few hundred held-back bads, and one expression in every scorer.`;
  return [
    '## Probability calibration',
    '',
    method,
    '',
    `Expected calibration error (ECE, Σ share of rows × |mean predicted − observed| over ten equal-count bins): test ${f4(c.test.ece_before)} → ${f4(c.test.ece_after)}; held-back part ${f4(c.held_back_ece.before)} → ${f4(c.held_back_ece.after)} (in-sample for the fit).`,
    ...(c.method === 'platt' && !c.skipped
      ? [
          '',
          `Rule: the calibration is fitted and kept on the held-back part alone, never by the test rows (choosing by them would leave no unseen rows to judge the model on).${c.test.ece_after > c.test.ece_before ? ` **It did not improve the test part** (ECE ${f4(c.test.ece_before)} → ${f4(c.test.ece_after)}); ${heldBackSaid(c)}: consider \`--calibration none\` or a larger held-back part (see Warnings).` : c.test.ece_after < c.test.ece_before ? ' It improved the test ECE.' : ''}`,
        ]
      : []),
    '',
    '| bin | n | observed | mean predicted before | mean predicted after |',
    '|---|---|---|---|---|',
    ...before.map(
      (r, k) =>
        `| ${r.band} | ${r.n} | ${f4(r.observed_rate)} | ${f4(r.mean_predicted)} | ${f4(after[k]?.mean_predicted)} |`,
    ),
    '',
  ];
}

const trendText = (t: BinningTable['trend']) =>
  !t ? '–' : t.requested === t.chosen ? t.chosen : `${t.requested} → ${t.chosen}`;

const heldText = (t: BinningTable) => {
  const st = t.stability;
  if (!st) return '–';
  return st.order_held_share === null
    ? `– (no period judged)`
    : `${st.held}/${st.judged} (${pct(st.order_held_share)})`;
};

/**
 * The binning: the options, one overview row per binned feature (trend, bins, IV, the stability
 * figure), then each kept variable's binning table; the JSON card holds every feature's table.
 */
function binningSection(a: ScorecardArtifact): string[] {
  const tables = a.binningTables;
  if (!tables) return [];
  const o = a.binning;
  const minEvents = o.timeStableMinEvents ?? defaultTimeStableMinEvents;
  const kept = new Set(a.variables.map((v) => v.feature));
  // a joint scorecard's fine ranges take no trend: the direction is the fit's, its points' (points-direction.ts)
  const fitted = isJointScorecard(a) ? new Map(pointsDirections(a).map((d) => [d.feature, d.points])) : null;
  const trendOf = (t: BinningTable) => {
    const d = fitted?.get(t.feature);
    return d ? `none; points ${d} (joint fit)` : trendText(t.trend);
  };
  const lines = [
    '## Binning',
    '',
    `${o.method === 'tree' ? 'Decision-tree' : 'Chi-merge'} coarse classing of ${o.fineBins} equal-frequency fine bins into at most ${o.maxBins} bins of at least ${pct(o.minBinShare)} of the rows each; missing and special values in bins of their own. Trend over a numeric feature's ranges: \`${effectiveTrend(o)}\`${effectiveTrend(o) === 'auto' ? ' (of ascending, descending, concave, convex, peak and valley, the one whose bins have the lowest BIC = −2·log-likelihood gain + bins·ln rows; a tie goes to the more restrictive)' : effectiveTrend(o) === 'auto-asc-desc' ? ' (ascending or descending, by the sign of the correlation between fine-bin order and event rate)' : ''}. Time-stable: ${o.timeStable ? `yes — neighbouring bins merged until their event-rate order holds in every training period where both have at least ${minEvents} bads` : 'no'}.`,
    '',
    `Stability across the training periods: *order held* counts the periods in which every pair of neighbouring bins with at least ${minEvents} bads each kept the order of their event rates over the whole window; *max period PSI* is the largest PSI of one period's bin distribution against the whole window's.`,
    '',
    '| variable | kept | trend | bins | IV | order held | max period PSI | time-stable merges |',
    '|---|---|---|---|---|---|---|---|',
    ...tables.map(
      (t) =>
        `| ${t.feature} | ${kept.has(t.feature) ? 'yes' : 'no'} | ${trendOf(t)} | ${t.rows.length} | ${f4(t.iv)} | ${heldText(t)} | ${f4(t.stability?.max_period_psi)} | ${t.time_stable_merges?.length ?? '–'} |`,
    ),
    '',
  ];
  for (const t of tables.filter((x) => kept.has(x.feature))) {
    const st = t.stability;
    lines.push(
      `### ${t.feature}`,
      '',
      `IV ${f4(t.iv)} (the sum of the bins' IV terms); trend ${trendOf(t)}${t.trend && t.trend.binsBefore !== t.trend.binsAfter ? ` (${t.trend.binsBefore} → ${t.trend.binsAfter} ranges)` : ''}${st ? `; order held in ${heldText(t)} judged periods of ${st.periods}${st.flipped_periods.length ? `, flipped in ${st.flipped_periods.join(', ')}` : ''}; max period PSI ${f4(st.max_period_psi)}` : ''}.`,
      ...(t.trend?.candidates
        ? [
            '',
            `auto candidates (bins, BIC): ${t.trend.candidates.map((c) => `${c.trend} ${c.bins}, ${c.bic.toFixed(1)}`).join('; ')}.`,
          ]
        : []),
      ...(t.time_stable_merges?.length
        ? [
            '',
            `Time-stable merges: ${t.time_stable_merges.map((m) => `${m.merged[0]} + ${m.merged[1]} (order flipped in ${m.periods.join(', ')})`).join('; ')}.`,
          ]
        : []),
      '',
      '| bin | count | share | bads | event rate | WoE | IV |',
      '|---|---|---|---|---|---|---|',
      ...t.rows.map(
        (r) =>
          `| ${r.bin.replace(/\|/gu, '\\|')} | ${r.count} | ${pct(r.share)} | ${r.bads} | ${f4(r.event_rate)} | ${r.woe.toFixed(4)} | ${f4(r.iv)} |`,
      ),
      '',
    );
  }
  return lines;
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(4));

/** A model card (Markdown) from a registered version: data, method, quality, stability, selection, points table. */
export function modelCardMarkdown(m: ModelVersion): string {
  const a = m.artifact;
  const q = m.metrics;
  const lines = [
    `# Model card: ${m.model_name} v${m.version}`,
    '',
    `- kind: ${a.kind}; target: \`${m.target}\`; created ${m.created_at} by ${m.created_by}; seed ${m.seed}`,
    `- training-data fingerprint (sha256 of ids, periods, labels and values): \`${m.fingerprint}\``,
    `- split: ${q.split}; training ${q.train.n} rows (${q.train.bads} bad), test ${q.test.n} rows (${q.test.bads} bad); training took ${q.train_seconds.toFixed(1)} s`,
    ...(q.split_file
      ? [
          `- train/test membership: \`${q.split_file}\` next to this card (row number among the data rows, part: train, held_back — training rows no model was fitted on, the early-stopping and calibration part — or test)`,
        ]
      : []),
    ...(q.target_missing_rows
      ? [
          `- ${q.target_missing_rows} rows of the table were left out because their target was missing (empty or a missing marker): not in the training or test part, nor in the membership file`,
        ]
      : []),
    `- WoE convention: WoE = ln(%bad / %good) (positive = riskier); probabilities are of the bad outcome`,
    '',
    ...(q.warnings?.length ? ['## Warnings', '', ...q.warnings.map((w) => `- ${w}`), ''] : []),
    ...dataQualitySection((q as GatedMetrics).data_quality),
    '## Quality',
    '',
    '| sample | AUC | Gini | KS | Brier |',
    '|---|---|---|---|---|',
    `| train | ${f4(q.train.auc)} | ${f4(q.train.gini)} | ${f4(q.train.ks)} | ${f4(q.train.brier)} |`,
    `| test | ${f4(q.test.auc)} | ${f4(q.test.gini)} | ${f4(q.test.ks)} | ${f4(q.test.brier)} |`,
    '',
    `Score PSI train → test: ${f4(q.score_psi)} (${psiStatus(q.score_psi)}).`,
    '',
    '## Gains (test, riskiest band first)',
    '',
    'Each row is a cut-off: this band and every riskier one rejected (rejection rate, the bads they',
    'catch and their bad rate), the rest approved (approval rate, their bad rate).',
    '',
    '| band | n | bad rate | lift | rejection rate | bad capture | cumulative bad rate | approval rate | approved bad rate |',
    '|---|---|---|---|---|---|---|---|---|',
    ...withCutOffs(q.gains).map(
      (g) =>
        `| ${g.band} | ${g.n} | ${f4(g.bad_rate)} | ${g.lift.toFixed(2)} | ${f4(g.rejection_rate)} | ${f4(g.cumulative_bad_capture)} | ${f4(g.cumulative_bad_rate)} | ${f4(g.approval_rate)} | ${g.approved_bad_rate === null ? '—' : f4(g.approved_bad_rate)} |`,
    ),
    '',
    '## Calibration (test)',
    '',
    '| band | n | mean predicted | observed |',
    '|---|---|---|---|',
    ...q.calibration.map((c) => `| ${c.band} | ${c.n} | ${f4(c.mean_predicted)} | ${f4(c.observed_rate)} |`),
    '',
    ...calibrationSection(q.probability_calibration),
  ];
  if (a.kind !== 'scorecard')
    lines.push(`## Scaling\n\n${scalingText(a.scaling ?? defaultScaling)}: the points of its probability.\n`);
  if (a.kind === 'scorecard') {
    lines.push(
      `## Scaling\n\n${scalingText(a.scaling)}; intercept ${a.intercept.toFixed(6)}.\n`,
      ...gradeSection(a),
      '## Variable selection',
      '',
      '| variable | IV | PSI early→late | kept | reason |',
      '|---|---|---|---|---|',
      ...a.selection.map(
        (s) => `| ${s.feature} | ${f4(s.iv)} | ${f4(s.psi)} | ${s.kept ? 'yes' : 'no'} | ${s.reason} |`,
      ),
      '',
      ...foldChoiceSection(a),
      ...correlationSection(a),
      ...refinementSection(a),
      ...binningSection(a),
      ...pointsSection(a),
    );
  } else if (a.kind === 'gbm') {
    lines.push(
      '## Gradient-boosted trees',
      '',
      `Features (${a.features.length}): ${a.features.map((f) => f.name).join(', ')}.`,
      `${a.trees.length} trees (best of ${a.training.rounds} rounds by validation log-loss ${a.training.validationLoss.toFixed(5)}), learning rate ${a.learningRate}. Reason codes by path attribution: along a row's path in each tree, every split moves the prediction from its node's value to its child's; these moves summed per feature over the trees add up to the row's log-odds less the roots', and the (at most three) features with the largest positive sums — what raised this row's risk — are its reasons (docs/models.md).`,
    );
  } else {
    lines.push(
      '## Network',
      '',
      `Inputs (${a.inputs.length}): ${a.inputs.map((i) => `${i.feature} (${i.type})`).join(', ')}.`,
      `Layers: ${a.layers.map((l) => `${l.bias.length} ${l.activation}`).join(' → ')}. Validation: ${a.training.validation}; ${a.training.epochs} epochs, best ${a.training.bestEpoch} (loss ${a.training.validationLoss.toFixed(5)}).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The points table, after each variable's direction of points against its own bad rate and how the
 * reason codes read them. A joint scorecard has no coefficient on WoE (every bin its own term), so
 * its table has none, where a column of 0.0000 would read "no weight".
 */
function pointsSection(a: ScorecardArtifact): string[] {
  const joint = isJointScorecard(a);
  const dirs = pointsDirections(a);
  const labelOf = (feature: string) => (k: number) =>
    ruleLabel(a.variables.find((v) => v.feature === feature)!.bins[k]!.rule);
  const note = (d: (typeof dirs)[number]) => oppositeNote(d, labelOf(d.feature));
  const notes = dirs.map(note).filter((n): n is string => n !== null);
  const lines = [
    '## Points table',
    '',
    `Direction of the points as a numeric variable's value rises (fewer points = riskier), against the direction of its bins' own bad rate (one variable alone)${joint ? "; the joint fit sets each variable's direction given the others, so it can run against the bad rate" : ''}:`,
    '',
    '| variable | points | own bad rate | note |',
    '|---|---|---|---|',
    ...dirs.map(
      (d) =>
        `| ${d.feature} | ${d.points ?? '– (categorical)'} | ${d.bad_rate ?? '–'} | ${note(d) ?? (d.points === null ? 'bins ordered by their points' : 'agree')} |`,
    ),
    '',
    ...(notes.length
      ? [
          `**Points against the bad rate (${notes.length}):** ${notes.join('; ')}. Such a variable's reason code names the range the fit finds riskier given the other variables, not the range with the higher bad rate of its own.`,
          '',
        ]
      : []),
    `Reason codes: the three variables whose bin cost the most points against that variable's best bin (its most points)${joint ? ' — on a joint scorecard the points of the joint fit' : ''}; a variable in its best bin is never a reason.`,
    '',
    joint
      ? '| variable | bin | count | bad rate | WoE | log-odds term | points |'
      : '| variable | coefficient | bin | count | bad rate | WoE | log-odds term | points |',
    joint ? '|---|---|---|---|---|---|---|' : '|---|---|---|---|---|---|---|---|',
  ];
  for (const v of a.variables)
    for (const b of v.bins) {
      // a bin no training row fell in is named as the bin it scores as, with that bin's WoE
      const as = scoredAs(v.bins, b);
      const label = `${ruleLabel(b.rule)}${as ? ` (scored as ${ruleLabel(as.rule)})` : ''}`.replace(/\|/gu, '\\|');
      lines.push(
        `| ${v.feature} |${joint ? '' : ` ${v.coef.toFixed(4)} |`} ${label} | ${b.count} | ${b.count ? f4(b.bad / b.count) : '–'} | ${(as ?? b).woe.toFixed(4)} | ${binTerm(v, b).toFixed(4)} | ${b.points.toFixed(1)} |`,
      );
    }
  return lines;
}

/**
 * The grades' master scale: each grade's probability range and the points it spans under the
 * scaling (points fall as the probability rises, so a grade's points are the other way round).
 */
function gradeSection(a: ScorecardArtifact): string[] {
  const e = a.gradeEdges;
  const pts = (p: number) => pointsOf(p, a.scaling).toFixed(1);
  return [
    '## Grades',
    '',
    'Master scale on the probability of the bad outcome; a probability on an edge takes the riskier grade.',
    '',
    '| grade | probability | points |',
    '|---|---|---|',
    ...gradeLabels.slice(0, e.length + 1).map((g, k) => {
      const lo = k === 0 ? null : e[k - 1]!;
      const hi = k < e.length ? e[k]! : null;
      return `| ${g} | ${lo === null ? '' : `${pct(lo)} ≤ `}p${hi === null ? '' : ` < ${pct(hi)}`} | ${hi === null ? '' : `> ${pts(hi)}`}${lo !== null && hi !== null ? ' and ' : ''}${lo === null ? '' : `≤ ${pts(lo)}`} |`;
    }),
    '',
  ];
}

/** The joint refinement's λ tried on the held-back part and the one kept (refine.ts). */
function refinementSection(a: ScorecardArtifact): string[] {
  const r = a.refinement;
  if (!r) return [];
  if (r.not_tried) return [`Joint refinement of the points: not tried — ${r.not_tried}; the classic fit is kept.`, ''];
  const kept =
    r.chosen === null
      ? 'the classic fit kept (no refinement ranked the held-back rows better by more than its standard error)'
      : `λ = ${r.chosen} kept${r.added.length ? `; added: ${r.added.join(', ')}` : ''}`;
  return [
    `Joint refinement of the points: ${kept}. Rule: ${r.rule}. A refined bin's log-odds term is its own (the points table); the coefficient is the classic fit's, 0 for an added variable.`,
    '',
    '| λ | variables | merges | held-back AUC | best − this (standard error) |',
    '|---|---|---|---|---|',
    ...r.tried.map(
      (t) =>
        `| ${t.lambda ?? 'classic'} | ${t.variables} | ${t.merges} | ${f4(t.held_back_auc)} | ${f4(t.gap_to_best)} (${f4(t.gap_se)}) |`,
    ),
    '',
  ];
}

/** A table's choice between the classic and the joint scorecard by folds of the fitting rows (fold-choice.ts). */
function foldChoiceSection(a: ScorecardArtifact): string[] {
  const c = a.foldChoice;
  if (!c || c.tried.length === 0) return [];
  const lead = c.best_joint
    ? ` The best joint scorecard (${c.best_joint.candidate}) led the classic by ${f4(c.best_joint.lead)} (standard error ${f4(c.best_joint.se)}).`
    : '';
  return [
    `Classic or joint scorecard: ${c.chosen} kept${c.merges === undefined ? '' : ` (${c.merges} neighbouring ranges merged to keep each feature monotonic)`}.${lead} Rule: ${c.rule}.`,
    '',
    ...weakKeptLines(a),
    `| candidate | ${c.tried[0]!.fold_auc.map((_, f) => `fold ${f + 1} AUC`).join(' | ')} | mean |`,
    `|---|${c.tried[0]!.fold_auc.map(() => '---|').join('')}---|`,
    ...c.tried.map((t) => `| ${t.candidate} | ${t.fold_auc.map(f4).join(' | ')} | ${f4(t.mean_auc)} |`),
    '',
  ];
}

/** A joint scorecard's variables below the classic IV floor, named (the selection table gives each reason). */
function weakKeptLines(a: ScorecardArtifact): string[] {
  if (!isJointScorecard(a)) return [];
  const weak = a.selection.filter((s) => s.kept && s.reason.includes('below the classic floor'));
  return weak.length
    ? [
        `Variable selection of the joint scorecard: no IV floor — it keeps the features of the largest IV on fine bins and lets the fit, judged by the folds, weigh them. Kept below the classic floor (${weak.length}): ${weak.map((s) => `${s.feature} (IV ${f4(s.iv)})`).join(', ')}.`,
        '',
      ]
    : [];
}

/** The correlation limits tried on the held-back part, when the scorecard chose one. */
function correlationSection(a: ScorecardArtifact): string[] {
  const c = a.correlationChoice;
  if (!c) return [];
  return [
    `Correlation limit ${c.chosen}, chosen on the held-back part: ${c.rule}.`,
    '',
    '| limit | held-back AUC | best − this (standard error) | variables |',
    '|---|---|---|---|',
    ...c.tried.map(
      (t) =>
        `| ${t.limit} | ${f4(t.held_back_auc)} | ${f4(t.gap_to_best)} (${f4(t.gap_se)}) | ${t.variables.join(', ')} |`,
    ),
    '',
  ];
}

export function modelCardJson(m: ModelVersion) {
  const { artifact, ...rest } = m;
  return {
    ...rest,
    kind: artifact.kind,
    woe_convention: 'ln(%bad / %good)',
    scaling: artifact.scaling ?? defaultScaling,
    ...(artifact.kind === 'scorecard' && artifact.binningTables ? { binning: artifact.binningTables } : {}),
    ...(artifact.kind === 'scorecard' && artifact.correlationChoice
      ? { correlation_choice: artifact.correlationChoice }
      : {}),
    ...(artifact.kind === 'scorecard' && artifact.refinement ? { refinement: artifact.refinement } : {}),
    variables:
      artifact.kind === 'scorecard'
        ? artifact.selection
        : artifact.kind === 'network'
          ? artifact.inputs.map((i) => ({ feature: i.feature, type: i.type }))
          : artifact.features.map((f) => ({ feature: f.name, type: f.kind })),
  };
}
