import { defaultTarget, targetName } from '../feature-catalogue.ts';
import { param, sql, trusted, type Sql } from '../sql.ts';
import type { SourceContext } from './sources.ts';

/**
 * Sources of warning effectiveness (监控效果评估, issue 22 item 6): stored warnings and champion
 * grades against what the snapshot shows happened next. Definitions: docs/metrics.md, "Warning
 * effectiveness".
 *
 * A warning month is the month-end of the warning's date (a warning fired on 2024-05-20 belongs to
 * 2024-05-31): the loan is judged at that month-end and its outcome read at the month-ends after.
 * A loan-month (loan, m) is eligible for level X (30 or 90) and horizon h (1 or 3 months) when the
 * loan is active at m with DPD ≤ X and the month-end h months after m is on or before {as_of}; it
 * rolled when DPD > X at some month-end in m+1 … m+h (the early-warning target of SPEC §6).
 */

/** The horizons (months) and levels (DPD above) every loan-month is judged on. */
export const warningHorizons = [1, 3] as const;
export const warningLevels = [30, 90] as const;
/** The champion's grades, best first (SPEC §6). */
export const championGrades = ['A', 'B', 'C', 'D', 'E'] as const;

/** Candidate thresholds around a rule's configured one (its latest stored threshold): the grid of the dominance check. */
export const thresholdGrid = {
  /** months of the consecutive-overdue streak: the configured count plus these */
  monthOffsets: [-2, -1, 0, 1, 2, 3],
  /** overdue-amount limits: the configured limit times these */
  amountFactors: [0.25, 0.5, 0.75, 1, 1.5, 2, 3],
  /** score thresholds and jumps: the configured one times these (kept inside 0 … 1) */
  scoreFactors: [0.5, 0.6, 0.8, 1, 1.25, 1.5, 2],
} as const;

/** the current champion of the default early-warning target: the last decision in champion_history */
const champion = (c: SourceContext) => sql`
  SELECT argMax((model_name, version), (decided_at, model_name, version)) FROM ${c.db}.champion_history
  WHERE target = ${param(targetName(defaultTarget), 'String')}`;

/** the loan's collector at m: the team and agent of its latest action on or before m (lwq_c, actionsOf) */
const collectorAt = trusted(`
      ifNull(nullIf(arrayLast(lwq_a -> lwq_a.1 <= lwq_w.month_end, lwq_c.acts).3, ''), concat('unassigned:', lwq_w.region)) AS team,
      ifNull(nullIf(arrayLast(lwq_a -> lwq_a.1 <= lwq_w.month_end, lwq_c.acts).4, ''), concat('unassigned:', lwq_w.region)) AS agent`);
const actionsOf = (c: SourceContext) => sql`
    LEFT JOIN (SELECT loan_id, arraySort(groupArray((action_date, action_id, team, agent_id))) AS acts
               FROM ${c.db}.collection_actions WHERE action_date <= {p_to:Date} GROUP BY loan_id) AS lwq_c ON lwq_c.loan_id = lwq_w.loan_id`;

/**
 * One row per loan-month of the period (the warning months) that is eligible for some (horizon,
 * level): the loan's segment, DPD, overdue amount and consecutive-overdue streak at m, and its
 * eligible pairs, each as (horizon, level, rolled, event month-end, event day) — the snapshot's
 * pairs (warehouse/warning-facts.ts) whose horizon ends on or before {as_of}. The loan's collector
 * at m: the team and agent of its latest collection action on or before m, `unassigned:<region>`
 * when it has none — read only when `collector` (a request grouping by team or agent); ''
 * otherwise. The pairs stay an array: most loan-months count the same in every pair, and copying
 * each four times before counting was most of these metrics' time.
 */
const judgedMonths = (c: SourceContext, o: { collector: boolean }) => {
  const facts = (pairs: Sql, months: Sql) => sql`
      SELECT lwq_w.loan_id AS loan_id, lwq_w.month_end AS month_end, lwq_w.product AS product, lwq_w.region AS region,
        lwq_w.branch AS branch, lwq_w.channel AS channel, lwq_w.dpd AS dpd, lwq_w.overdue AS overdue, lwq_w.streak AS streak,
        ${pairs} AS pairs
      FROM ${c.db}.warning_facts AS lwq_w
      WHERE ${months} AND ${c.where({ period: 'lwq_w.month_end', product: 'lwq_w.product', region: 'lwq_w.region', branch: 'lwq_w.branch', channel: 'lwq_w.channel', cohort: 'lwq_w.cohort_month' })}`;
  const lastEnded = trusted(`toLastDayOfMonth(addMonths({as_of:Date}, -${String(Math.max(...warningHorizons))}))`);
  return sql`
  SELECT * FROM (
    SELECT lwq_w.loan_id AS loan_id, lwq_w.month_end AS month_end, lwq_w.product AS product, lwq_w.region AS region,
      lwq_w.branch AS branch, lwq_w.channel AS channel, lwq_w.dpd AS dpd, lwq_w.overdue AS overdue, lwq_w.streak AS streak,
      lwq_w.pairs AS pairs, ${o.collector ? collectorAt : trusted("'' AS team, '' AS agent")}
    -- the snapshot's per loan-month facts (warehouse/warning-facts.ts): active loan-months with DPD ≤ the highest level,
    -- their overdue streak and the pairs they can be judged on. Every horizon has ended by {as_of} for all but the
    -- last few month-ends: their pairs are read as stored, only the others' filtered (one if() over both cost as much
    -- as reading the pairs)
    FROM (${facts(trusted('lwq_w.pairs'), sql`lwq_w.month_end <= ${lastEnded}`)}
      UNION ALL
      ${facts(trusted('arrayFilter(lwq_p -> toLastDayOfMonth(addMonths(lwq_w.month_end, lwq_p.1)) <= {as_of:Date}, lwq_w.pairs)'), sql`lwq_w.month_end > ${lastEnded}`)}) AS lwq_w
    ${o.collector ? actionsOf(c) : trusted('')}
    -- the collector's actions (a small side) hashed, whatever join the query around it merges
    ${o.collector ? trusted("SETTINGS join_algorithm = 'hash'") : trusted('')})
  WHERE notEmpty(pairs)`;
};

/** the champion's grade and probability per loan and month-end (the period's months and the one before, for jumps) */
const championScores = (c: SourceContext) => sql`
  SELECT loan_id, month_end, grade, probability FROM ${c.db}.scores
  WHERE (model_name, model_version) = (${champion(c)}) AND month_end <= {p_to:Date}
    AND month_end >= {p_start:Date}`;

/** stored loan warnings per rule, loan and warning month: the first date it fired that month */
const storedWarnings = (c: SourceContext) => sql`
  SELECT rule_id, loan_id, toLastDayOfMonth(as_of) AS month_end, min(as_of) AS warned_on FROM ${c.db}.warnings
  WHERE loan_id != '' AND kind != 'model_drift' AND as_of <= {as_of:Date}
    -- only the period's months can meet a judged loan-month ({p_start} is the month-end before the first)
    AND as_of > {p_start:Date} AND as_of <= {p_to:Date}
  GROUP BY rule_id, loan_id, month_end`;

/**
 * The subjects judged: every loan rule with a stored warning up to {as_of} (whether or not it fired
 * in the period), then the champion's grades A–E ("warned" = scored in that grade at m).
 */
const subjects = (c: SourceContext) => sql`
  arrayConcat(arrayMap(lwq_r -> ('rule', lwq_r), (SELECT arraySort(groupUniqArray(rule_id)) FROM ${c.db}.warnings
      WHERE loan_id != '' AND kind != 'model_drift' AND as_of <= {as_of:Date})),
    arrayMap(lwq_g -> ('grade', lwq_g), ${param(championGrades, 'Array(String)')}))`;

/**
 * One row per eligible loan-month: its pairs (judgedMonths) and the subjects that warned it, each
 * as (kind, subject, warned on): each stored rule warning of that loan and month (its first date in
 * the month), and the champion grade it was scored in at m (warned on m).
 */
const judgedSubjects = (c: SourceContext) => sql`
  lwq_months AS (
    SELECT lwq_b.loan_id AS loan_id, lwq_b.month_end AS month_end, lwq_b.product AS product, lwq_b.region AS region,
      lwq_b.branch AS branch, lwq_b.channel AS channel, lwq_b.team AS team, lwq_b.agent AS agent, lwq_b.pairs AS pairs,
      lwq_k.lwq_ws AS subjects
    FROM (${judgedMonths(c, { collector: c.grouped('team') || c.grouped('agent') })}) AS lwq_b
    -- one join for both kinds of subject: each join of the 5.5M loan-months costs more than building its small side
    LEFT JOIN (
      SELECT loan_id, month_end, groupArray((lwq_kind, lwq_subject, warned_on)) AS lwq_ws FROM (
        SELECT loan_id, month_end, 'rule' AS lwq_kind, rule_id AS lwq_subject, warned_on FROM (${storedWarnings(c)})
        UNION ALL
        SELECT loan_id, month_end, 'grade' AS lwq_kind, toString(grade) AS lwq_subject, month_end AS warned_on
        FROM (${championScores(c)}) WHERE toString(grade) IN ${param(championGrades, 'Array(String)')})
      GROUP BY loan_id, month_end) AS lwq_k ON lwq_k.loan_id = lwq_b.loan_id AND lwq_k.month_end = lwq_b.month_end
    -- merged, not hashed: with a year of scores the subjects are as many as the judged months (a quarter less time)
    SETTINGS join_algorithm = 'full_sorting_merge')`;

/**
 * The count rows' keys: each dimension a request may group by, and a constant for a dimension the
 * request does not group by — its rows need not be kept apart (grouping 21M rows by month, segment,
 * team and agent was half of this metric's time on the 1M book).
 */
const countKeyDims = ['month_end', 'product', 'region', 'branch', 'channel', 'team', 'agent'] as const;
const blankOf = (d: (typeof countKeyDims)[number]) => (d === 'month_end' ? 'toDate(0)' : "''");
const countKeyList = trusted(countKeyDims.map((d) => `k_${d}`).join(', '));
/** the same dimensions as folded (foldedMonths), before the copy for events blanks them */
const foldKeyList = trusted(countKeyDims.map((d) => `g_${d}`).join(', '));

/**
 * The loan-months folded before they meet their pairs and subjects: counted together with every
 * loan-month of the same grouped dimensions, eligible pairs and subjects (a loan-month that neither
 * rolled nor was warned by a rule has no dates of its own there: 5.5M loan-months of the 1M book
 * make a handful of groups) — except a detected loan-month (a subject warned it and it rolled in
 * some pair), kept on its own: its event needs its loan, dates and segment.
 */
const foldedMonths = (c: SourceContext) => sql`
  SELECT ${foldKeyList}, lwq_kl, lwq_km, count() AS lwq_n,
    any(loan_id) AS loan_id, any(month_end) AS month_end, any(product) AS product, any(region) AS region,
    any(branch) AS branch, any(channel) AS channel, any(team) AS team, any(agent) AS agent, any(pairs) AS lwq_pairs,
    any(subjects) AS lwq_subjects
  FROM (
    SELECT *, ${trusted(countKeyDims.map((d) => `${c.grouped(d) ? d : blankOf(d)} AS g_${d}`).join(', '))},
      notEmpty(subjects) AND arrayExists(lwq_p -> lwq_p.3 = 1, pairs) AS lwq_detected,
      if(lwq_detected, loan_id, '') AS lwq_kl, if(lwq_detected, month_end, toDate(0)) AS lwq_km
    FROM lwq_months)
  GROUP BY ${foldKeyList}, pairs, subjects, lwq_kl, lwq_km`;

/**
 * Per subject (rules and grades) and the dimensions a request may group by: eligible loan-months
 * (n), rolled, warned, detected — the loan-months counted once (subject '') and their counts given to
 * every subject after aggregation (a row per subject per loan-month would multiply the rows by the
 * subjects); plus one row per detected event (warned and rolled, per loan, subject, horizon, level
 * and event month-end) with its lead time: days from the first warning (or grade month-end) of the
 * event's loan-months in the period to the day DPD first exceeded the level. Both from one read of
 * the rows: a CTE read twice is computed twice, and computing them is most of this metric's time.
 */
const warningOutcomes = (c: SourceContext) => sql`
  SELECT if(lwq_tag = 0, k_month_end, m_month_end) AS month_end, lwq_t.1 AS subject_kind, lwq_t.2 AS subject, horizon, level,
    if(lwq_tag = 0, k_product, m_product) AS product, if(lwq_tag = 0, k_region, m_region) AS region,
    if(lwq_tag = 0, k_branch, m_branch) AS branch, if(lwq_tag = 0, k_channel, m_channel) AS channel,
    if(lwq_tag = 0, k_team, m_team) AS team, if(lwq_tag = 0, k_agent, m_agent) AS agent,
    if(lwq_tag = 0, n0, 0) AS n, if(lwq_tag = 0, n_warned0, 0) AS n_warned, if(lwq_tag = 0, n_rolled0, 0) AS n_rolled,
    if(lwq_tag = 0, n_detected0, 0) AS n_detected, toUInt64(lwq_tag) AS n_events,
    if(lwq_tag = 1, toNullable(dateDiff('day', m_warned_on, m_event_day)), NULL) AS lead_days
  FROM (
    SELECT lwq_tag, lwq_sk, lwq_sj, horizon, level, ${countKeyList},
      sumIf(lwq_n, NOT warned) AS n0, sumIf(lwq_n, NOT warned AND rolled) AS n_rolled0, sumIf(lwq_n, warned) AS n_warned0,
      sumIf(lwq_n, warned AND rolled) AS n_detected0,
      min(month_end) AS m_month_end, any(product) AS m_product, any(region) AS m_region, any(branch) AS m_branch,
      any(channel) AS m_channel, argMin(team, month_end) AS m_team, argMin(agent, month_end) AS m_agent,
      min(warned_on) AS m_warned_on, any(event_day) AS m_event_day
    FROM (
      -- each folded row per eligible pair and subject: a count group per pair with subject '' and each of
      -- its subjects; a detected loan-month per rolled pair and each subject that warned it
      SELECT lwq_g.*, lwq_p.1 AS horizon, lwq_p.2 AS level, lwq_p.3 AS rolled, lwq_p.4 AS event_me, lwq_p.5 AS event_day,
        lwq_s.1 AS lwq_sk, lwq_s.2 AS lwq_sj, lwq_s.3 AS warned_on, toUInt8(lwq_sk != '') AS warned,
        ${trusted(countKeyDims.map((d) => `if(lwq_tag = 0, g_${d}, ${blankOf(d)}) AS k_${d}`).join(', '))},
        if(lwq_tag = 1, loan_id, '') AS k_loan, if(lwq_tag = 1, event_me, toDate(0)) AS k_event_me
      -- each folded row once for its counts (tag 0) and, a detected loan-month, once more for its events (tag 1)
      FROM (SELECT *, arrayJoin(if(lwq_kl != '', [0, 1], [0])) AS lwq_tag FROM (${foldedMonths(c)})) AS lwq_g
      ARRAY JOIN if(lwq_tag = 0, lwq_pairs, arrayFilter(lwq_x -> lwq_x.3 = 1, lwq_pairs)) AS lwq_p
      ARRAY JOIN if(lwq_tag = 0, arrayConcat([('', '', toDate(0))], lwq_subjects), lwq_subjects) AS lwq_s)
    GROUP BY lwq_tag, lwq_sk, lwq_sj, horizon, level, ${countKeyList}, k_loan, k_event_me)
  ARRAY JOIN if(lwq_tag = 0 AND lwq_sk = '', ${subjects(c)}, [(lwq_sk, lwq_sj)]) AS lwq_t`;

/**
 * Each stored threshold rule's candidates, ascending: its latest stored threshold and the grid
 * around it. Every rule's test is monotone in its threshold (a value warns at every candidate below
 * it), so a loan-month warns at a prefix of them.
 */
const ruleGrids = (c: SourceContext) => sql`
    -- the current threshold itself always (a grid point rounded from it may differ in the last digits)
    SELECT rule_id, kind, current, arraySort(arrayDistinct(arrayConcat([current], multiIf(
        kind = 'consecutive_overdue', arrayFilter(lwq_v -> lwq_v >= 1, arrayMap(lwq_d -> current + lwq_d, ${param(thresholdGrid.monthOffsets, 'Array(Float64)')})),
        kind = 'overdue_amount', arrayMap(lwq_f -> round(current * lwq_f, 2), ${param(thresholdGrid.amountFactors, 'Array(Float64)')}),
        arrayFilter(lwq_v -> lwq_v > 0 AND lwq_v < 1, arrayMap(lwq_f -> round(current * lwq_f, 4), ${param(thresholdGrid.scoreFactors, 'Array(Float64)')})))))) AS cands
    FROM (SELECT rule_id, argMax(kind, as_of) AS kind, argMax(threshold, as_of) AS current FROM ${c.db}.warnings
          WHERE loan_id != '' AND as_of <= {as_of:Date} GROUP BY rule_id)
    WHERE kind IN ('consecutive_overdue', 'overdue_amount', 'score_above', 'score_jump')`;

/** the lowest candidate of each rule kind (+∞ without a rule of that kind): below it a value warns at no candidate */
const lowestCandidates = (c: SourceContext) => sql`
  SELECT ifNull(minIf(toNullable(cands[1]), kind = 'consecutive_overdue'), inf) AS streak,
    ifNull(minIf(toNullable(cands[1]), kind = 'overdue_amount'), inf) AS amount,
    ifNull(minIf(toNullable(cands[1]), kind = 'score_above'), inf) AS score,
    ifNull(minIf(toNullable(cands[1]), kind = 'score_jump'), inf) AS jump
  FROM (${ruleGrids(c)})`;

/** the lowest candidate of a kind, as a scalar (the engine computes an identical scalar subquery once) */
const lowest = (c: SourceContext, kind: 'streak' | 'amount' | 'score' | 'jump') =>
  sql`(SELECT ${trusted(kind)} FROM (${lowestCandidates(c)}))`;

/** the DPD at a month-end up to which a loan is in the model's population (a score rule warns only there) */
const scorePopulationDpd = () => param(defaultTarget.dpdThreshold, 'UInt32');

/** the champion's probability per loan at each month-end of the period (p_now) and at the one before (p_prev) */
const scoresNowAndBefore = (c: SourceContext) => sql`
  SELECT loan_id, month_end, anyIf(probability, lwq_o = 0) AS p_now, anyIf(probability, lwq_o = 1) AS p_prev,
    countIf(lwq_o = 0) > 0 AS has_now, countIf(lwq_o = 1) > 0 AS has_prev
  FROM (SELECT loan_id, probability, lwq_o, if(lwq_o = 0, lwq_at, toLastDayOfMonth(addMonths(lwq_at, 1))) AS month_end
        FROM (SELECT loan_id, month_end AS lwq_at, probability FROM (${championScores(c)})) ARRAY JOIN [0, 1] AS lwq_o)
  GROUP BY loan_id, month_end`;

/** the grid's keys: a dimension the request does not group by is a constant (its rows need not be kept apart) */
const gridKeyDims = ['month_end', 'product', 'region', 'branch', 'channel'] as const;
const gridKeys = (c: SourceContext) =>
  trusted(gridKeyDims.map((d) => `${c.grouped(d) ? `lwq_b.${d}` : blankOf(d)} AS ${d}`).join(', '));

/**
 * The threshold grid: for every stored threshold rule (consecutive overdue, overdue amount, score
 * above, score jump) its latest stored threshold and candidates around it, re-evaluated at each
 * eligible loan-month of the period from the snapshot and the champion's scores (the rules' own
 * tests, at month-ends: streak ≥ months; overdue principal + interest > limit; probability >
 * threshold; probability − the previous month-end's > delta), as counts (n) of loan-months per
 * rule, candidate, pair and grouped dimension that are warned or rolled (the others count in no
 * measure). A loan-month that neither rolled nor reaches the lowest candidate of any kind is dropped
 * before it meets the rules (most loan-months are current); each one left meets each rule once, as
 * the number of its candidates it warns at, and is counted with the others of the same; the counts
 * then meet the candidates (a copy per loan-month and candidate was most of this metric's time).
 */
const thresholdRows = (c: SourceContext) => sql`
  SELECT month_end, horizon, level, product, region, branch, channel, rule_id, kind, current_threshold,
    lwq_cand AS threshold, is_rolled, toUInt8(lwq_i <= lwq_passed) AS is_warned, n
  FROM (
    SELECT ${gridKeys(c)}, lwq_b.horizon AS horizon, lwq_b.level AS level, lwq_r.rule_id AS rule_id, lwq_r.kind AS kind,
      lwq_r.current AS current_threshold, any(lwq_r.cands) AS lwq_cands, lwq_b.rolled AS is_rolled,
      arrayCount(lwq_t -> multiIf(
        lwq_r.kind = 'consecutive_overdue', lwq_b.streak >= lwq_t,
        lwq_r.kind = 'overdue_amount', toFloat64(lwq_b.overdue) > lwq_t,
        lwq_r.kind = 'score_above', lwq_b.has_now AND lwq_b.p_now > lwq_t,
        lwq_b.has_now AND lwq_b.has_prev AND lwq_b.p_now - lwq_b.p_prev > lwq_t), lwq_r.cands) AS lwq_passed,
      count() AS n
    FROM (
      -- the loan-months that roll in some pair or reach the lowest candidate of some kind, then one row per
      -- eligible pair that rolled or, for a loan-month reaching a candidate, every eligible pair
      SELECT lwq_e.month_end AS month_end, lwq_q.1 AS horizon, lwq_q.2 AS level, lwq_e.product AS product, lwq_e.region AS region,
        lwq_e.branch AS branch, lwq_e.channel AS channel, lwq_q.3 AS rolled, lwq_e.streak AS streak, lwq_e.overdue AS overdue,
        lwq_e.p_now AS p_now, lwq_e.p_prev AS p_prev, lwq_e.has_now AS has_now, lwq_e.has_prev AS has_prev
      FROM (
        -- named one by one: a star over a join names the columns both sides have (loan_id, month_end) after their table
        SELECT lwq_m.month_end AS month_end, lwq_m.product AS product, lwq_m.region AS region, lwq_m.branch AS branch,
          lwq_m.channel AS channel, lwq_m.pairs AS pairs, lwq_m.streak AS streak, lwq_m.overdue AS overdue, lwq_p.p_now AS p_now,
          -- a score rule warns only inside the model's population, as the stored rules do (pipelines/warnings/rule-sql.ts)
          lwq_p.p_prev AS p_prev, lwq_p.has_now AND lwq_m.dpd <= ${scorePopulationDpd()} AS has_now, lwq_p.has_prev AS has_prev,
          lwq_m.streak >= ${lowest(c, 'streak')} OR toFloat64(lwq_m.overdue) > ${lowest(c, 'amount')}
            OR (has_now AND lwq_p.p_now > ${lowest(c, 'score')})
            OR (has_now AND lwq_p.has_prev AND lwq_p.p_now - lwq_p.p_prev > ${lowest(c, 'jump')}) AS reaches
        -- only the loan-months that may count meet the scores: a join of every judged loan-month cost more than the rest
        FROM (SELECT * FROM (${judgedMonths(c, { collector: false })})
              WHERE arrayExists(lwq_x -> lwq_x.3 = 1, pairs) OR streak >= ${lowest(c, 'streak')} OR toFloat64(overdue) > ${lowest(c, 'amount')}
                OR (loan_id, month_end) IN (SELECT loan_id, month_end FROM (${scoresNowAndBefore(c)})
                  WHERE has_now AND (p_now > ${lowest(c, 'score')} OR (has_prev AND p_now - p_prev > ${lowest(c, 'jump')})))) AS lwq_m
        LEFT JOIN (${scoresNowAndBefore(c)}) AS lwq_p ON lwq_p.loan_id = lwq_m.loan_id AND lwq_p.month_end = lwq_m.month_end
        WHERE reaches OR arrayExists(lwq_x -> lwq_x.3 = 1, lwq_m.pairs)) AS lwq_e
      ARRAY JOIN if(lwq_e.reaches, lwq_e.pairs, arrayFilter(lwq_x -> lwq_x.3 = 1, lwq_e.pairs)) AS lwq_q) AS lwq_b
    CROSS JOIN (${ruleGrids(c)}) AS lwq_r
    GROUP BY ${trusted(gridKeyDims.join(', '))}, horizon, level, rule_id, kind, current_threshold, is_rolled, lwq_passed)
  ARRAY JOIN lwq_cands AS lwq_cand, arrayEnumerate(lwq_cands) AS lwq_i
  WHERE is_warned OR is_rolled`;

export const warningSources = {
  /** eligible loan-months × warning subjects with outcomes, and detected events with lead times (see warningOutcomes) */
  warning_outcomes: (c: SourceContext): Sql => sql`WITH ${judgedSubjects(c)} SELECT * FROM (${warningOutcomes(c)})`,
  /** the threshold grid of the stored threshold rules, per eligible loan-month that is warned at a candidate or rolled */
  warning_thresholds: (c: SourceContext): Sql => thresholdRows(c),
};
