import { querySql, type Warehouse } from '../../warehouse/connection.ts';
import { querySqlCompact } from '../../warehouse/compact-rows.ts';
import { csvChunks } from '../../warehouse/metrics/csv.ts';
import { monthsPastData } from '../../warehouse/metrics/request-bounds.ts';
import {
  assertWithinData,
  dataLastDate,
  firstSnapshotMonthEnd,
  PastTheDataError,
  requireSnapshotMonthEnd,
} from '../../warehouse/data-horizon.ts';
import { judgedThrough } from '../../warehouse/metrics/promise-sources.ts';
import { addMonthEnds } from '../../lib/dates.ts';
import { UserError } from '../../lib/user-error.ts';
import { handledLater } from '../../lib/handled-later.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import { anyOf, param, sql, trusted } from '../../warehouse/sql.ts';
import { runMetric, bucketOrder } from '../../warehouse/metrics/run.ts';
import { activeDelinquencySource, delinquencyAsOfSql, snapshotCovers } from '../snapshot/delinquency-as-of.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';
import { loanRangeParts } from '../../warehouse/loan-ranges.ts';
import { scoreUpdate } from './score-update.ts';
import { caseActions, type CaseActions } from './case-actions.ts';
import { brokenSinceSql } from './broken-since.ts';
import { openPlacements } from './case-placements.ts';
import { decideContact, loadLoanContacts, type ContactDecision } from './contact-filter.ts';
import { defaultContactRules, type ContactRules } from '../collections/contact-rules-config.ts';
import type { LoanContacts } from '../collections/contact-rules.ts';
import { loansWithPromisesSinceSnapshot } from '../collections/promises-since-snapshot.ts';
import { recentUnkeptPromises, type UnkeptPromise } from '../collections/promises.ts';
import { lastMonthEnd } from '../snapshot/build-snapshots.ts';
import { heldAccrualSql, owedToCureAsOf, owedToCureSource } from '../accrual/amount-to-cure.ts';
import { accrualRulesOf } from '../accrual/accrual-rules.ts';
import { forLoanSet } from '../../warehouse/loan-set.ts';
import type { SnapshotSettings } from '../snapshot/snapshot-settings.ts';
import { defaultGradeEdges, gradeOf } from '../../models/scorecard/scorecard.ts';
import { loadModel } from '../../models/registry/registry.ts';
import {
  counterfactualSpec,
  keptCounterfactualsSql,
  keptSentenceTexts,
  searchAndKeepCounterfactuals,
} from '../../models/counterfactual/kept.ts';
import {
  defaultWatchGrades,
  recommendAction,
  stageOf,
  defaultEscalation,
  escalateAction,
  type Action,
  type Grade,
  type Stage,
  type StrategyTable,
} from './strategy.ts';

export interface CaseFilters {
  region?: string[];
  team?: string[];
  product?: string[];
  stage?: Stage[];
}

export interface Case {
  rank: number;
  loan_id: string;
  region: string;
  product: string;
  team: string;
  /** the agency the loan is placed with on the date ('' when worked in house): the agency works it */
  placed_with: string;
  stage: Stage;
  dpd: number;
  bucket: string;
  balance: number;
  probability: number;
  /**
   * `model`: the champion's score of the list's own month-end, as scored; `model_updated`: its
   * latest score before the date, its odds moved by the roll rates of the loan's bucket then and
   * now (scoreUpdate); `roll_rate_matrix`: no score applies (DPD > 30, or the loan was not scored)
   */
  probability_source: ProbabilitySource;
  model: string | null;
  expected_loss: number;
  grade: Grade;
  reasons: string[];
  action: string;
  /**
   * the strategy table's action before a broken promise escalated it ('' when it did not — also when the
   * loan's latest promise was made after the broken one and is still open on the date: not escalated)
   */
  escalated_from?: string;
  /** the action through the contact rules on the date (contact-filter.ts): the blocking rule, the next allowed moment, what to do instead */
  action_blocked_by?: ContactDecision['action_blocked_by'];
  next_allowed_at?: string;
  allowed_action?: string;
  /** the smallest payment that moves the loan to the next better grade under the champion (models/counterfactual), '' without a model score */
  counterfactual?: string;
  counterfactual_zh?: string;
  /**
   * What the borrower must pay on the date to be current again: overdue principal and interest plus
   * the penalty interest, compound interest and fees outstanding under the accrual rules
   * (pipelines/accrual); null for a loan read from a performance tape (no payments to accrue on)
   */
  amount_to_cure: number | null;
  /** of which penalty interest, compound interest and fees (null as above) */
  charges_owed: number | null;
  last_contacts: { date: string; channel: string; outcome: string }[];
  open_promises: { date: string; amount: number }[];
}

export const probabilitySources = ['model', 'model_updated', 'roll_rate_matrix'] as const;
export type ProbabilitySource = (typeof probabilitySources)[number];

/** P(bucket i at a month-end is worse at the next) by balance over the 12 months to `monthEnd` — the fallback roll probability. */
async function rollForward(wh: Warehouse, monthEnd: string): Promise<ReadonlyMap<string, number>> {
  // read from loan_month alone, which only a snapshot run (whole or refresh) writes: kept per run, so
  // every list of the month-end (each filter, team or date of the month) reads them once, not again
  // per build (a tenth of a second of the engine before a list's first statement on the 1M book)
  const [run] = await querySql<{ at: string; fingerprint: string }>(
    wh,
    sql`SELECT toString(max(started_at)) AS at, argMax(fingerprint, started_at) AS fingerprint FROM ${trusted(tableRef(wh, 'snapshot_runs'))}`,
  );
  const key = [wh.database, monthEnd, run?.at ?? '', run?.fingerprint ?? ''].join('\u0000');
  const kept = rollRatesByRun.get(key);
  if (kept) return kept;
  const read = rollRatesOf(wh, monthEnd);
  rollRatesByRun.set(key, read);
  // one month-end per database kept: a new run or month-end replaces it; a failed read is not kept
  for (const k of rollRatesByRun.keys())
    if (k !== key && k.startsWith(`${wh.database}\u0000`)) rollRatesByRun.delete(k);
  read.catch(() => rollRatesByRun.delete(key));
  return read;
}
// shared by every list that reads them: read-only
const rollRatesByRun = new Map<string, Promise<ReadonlyMap<string, number>>>();

async function rollRatesOf(wh: Warehouse, monthEnd: string): Promise<Map<string, number>> {
  const r = await runMetric(wh, 'roll_rate', { to: monthEnd });
  const out = new Map<string, number>();
  for (const row of r.rows) {
    const from = String(row.from_bucket);
    const worse = bucketOrder.indexOf(String(row.to_bucket)) > bucketOrder.indexOf(from);
    if (worse) out.set(from, (out.get(from) ?? 0) + Number(row.flow_share));
  }
  return out;
}

/** A case-list date the list cannot be built for (before the first month-end, or far past the data): exit 2 / HTTP 400. */
export class CaseRequestError extends UserError {}

/** The roll-rate fallback needs a month-end before the date, and a date far past the data is only work without answers (the metrics' bound). */
async function assertCaseDate(wh: Warehouse, asOf: string, me: string, label: string) {
  if (me < '1970-01-31')
    throw new CaseRequestError(`${label} ${asOf}: there is no month-end before it to take roll rates from`);
  // asked at once (each is a round trip before the list's statements), judged in this order
  const [last, pastTheData, first] = await Promise.all([
    requireSnapshotMonthEnd(wh),
    assertWithinData(wh, asOf, label).then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    ),
    firstSnapshotMonthEnd(wh),
  ]);
  // the data's own bound first: it is the nearer one, and naming the 12 months sent a user to a date refused next
  if (pastTheData instanceof PastTheDataError) throw pastTheData;
  const limit = addMonthEnds(last, monthsPastData);
  if (asOf > limit)
    throw new CaseRequestError(
      `${label} ${asOf}: too far past the data, which ends ${last}; dates may reach ${monthsPastData} months past it (${limit})`,
    );
  // before the snapshot's first month-end no loan has a month-end row: a list of nothing, not an answer
  // (judged before the data's first day, which it implies, for the reason a case list needs)
  if (first && me < first)
    throw new CaseRequestError(
      `${label} ${asOf}: before the data's first month-end ${first}; a case list needs a month-end before its date to start from`,
    );
  if (pastTheData) throw pastTheData;
}

/** One case as the build's statement returns it. */
interface CaseRow {
  loan_id: string;
  dpd: number;
  bucket: string;
  balance: number;
  region: string;
  product: string;
  probability: number | null;
  grade: string | null;
  reasons: string[];
  bucket_then: string;
  broken: number;
  /** amount to cure and charges owed from the snapshot's accrual rows of the date, when it holds the date (owed_held 1) */
  owed_held: number;
  cure: number;
  charges: number;
  /** the score's time (unix seconds) and its kept counterfactual sentence, when one is kept for that score */
  scored_at: number;
  cf_kept: number;
  /** the kept sentence pair's id in the month-end's sentences (keptSentenceTexts) */
  cf_id: string;
}

/** Loans per part of a case-list build: a part's statement stays short enough for lookups to pass between parts. */
export const caseListLoansPerPart = 250_000;

/**
 * The book in `count` ranges of loan ids (about equal numbers of loans; default one per 250,000):
 * the tables a case list reads are ordered by loan id (or month and loan id), so each range reads
 * its own granules only.
 */
async function caseListParts(wh: Warehouse, count?: number): Promise<LoanPart[]> {
  if (count !== undefined) return loanRangeParts(wh, count);
  const [r] = await querySql<{ n: string }>(wh, sql`SELECT count() AS n FROM ${trusted(tableRef(wh, 'loans'))}`);
  const loans = Number(r?.n ?? 0);
  return loanRangeParts(wh, Math.max(1, Math.ceil(loans / caseListLoansPerPart)), 'loans', loans);
}

/** The champion's latest scored month-end on or before the date ('' when it scored none). */
async function latestScoredMonthEnd(wh: Warehouse, champion: { name: string; version: number }, asOf: string) {
  const [r] = await querySql<{ m: string }>(
    wh,
    sql`SELECT toString(max(month_end)) AS m FROM ${trusted(tableRef(wh, 'scores'))}
      WHERE model_name = ${param(champion.name, 'String')} AND model_version = ${param(champion.version, 'UInt32')}
        AND month_end <= ${param(asOf, 'Date')} HAVING count() > 0`,
  );
  return r?.m ?? '';
}

/**
 * The case list for a date (SPEC §7): active loans with DPD on that date, ranked by expected loss
 * = probability of rolling forward × balance. DPD comes from the last month-end's state plus what
 * happened since (activeDelinquencySource; `delinquencyFrom: 'history'` forces the replay of every
 * loan's history, for tests and benchmarks). The probability is the champion's latest score on or
 * before the date for loans it scored there that are at DPD ≤ 30 now — as scored on the list's own
 * month-end, else updated for the bucket now and broken promises since (scoreUpdate) — otherwise
 * the roll-rate matrix's share of the loan's bucket that moved to a worse bucket; each case says
 * which. Last three contacts and promises not yet due (promised date ≥ the date) come along; the
 * action is the strategy table's.
 */
export async function buildCaseList(
  wh: Warehouse,
  o: {
    asOf: string;
    settings: SnapshotSettings;
    strategy: StrategyTable;
    filters?: CaseFilters;
    champion: { name: string; version: number } | null;
    delinquencyFrom?: 'state' | 'history';
    /** parts of the book by loan id, one statement each (default: one per 250,000 loans) */
    parts?: number;
    /** the contact rules the recommended action passes through (default: the defaults) */
    contactRules?: ContactRules;
    /** every loan's contacts up to the date under those rules, when the caller reads them for its own use too (an experiment's arms) */
    contactsRead?: Promise<Map<string, LoanContacts>>;
    /** how the caller names the date in a refusal (`--as-of` on the CLI; default `as_of`, the API's field) */
    label?: string;
  },
): Promise<Case[]> {
  const me = lastMonthEnd(o.asOf);
  // the date's checks and the statements below are sent together: the engine runs them in turn off the
  // main thread while Node reads each answer as it comes (chdb runs one bound statement at a time; a
  // server, side by side); a refused date is answered first, whatever the others did with it
  const dateChecked = handledLater(assertCaseDate(wh, o.asOf, me, o.label ?? 'as_of'));
  // whether the snapshot holds every file loaded: where the state at the date comes from, and whether its facts hold the promises' states
  const covers = handledLater(snapshotCovers(wh, me, o.settings));
  const prelude = handledLater(
    Promise.all([
      rollForward(wh, me),
      o.champion ? latestScoredMonthEnd(wh, o.champion, o.asOf) : '',
      // at a month-end the snapshot built, what each case owes is its accrual row: joined, not folded again
      heldAccrualSql(wh, { asOf: o.asOf, rules: accrualRulesOf(o.settings) }),
      // the book in parts by loan id: each part is one statement, and the API's cheap lookups run between them (api/query-gate.ts)
      caseListParts(wh, o.parts),
      o.delinquencyFrom === 'history'
        ? (p: LoanPart) => ({ sql: delinquencyAsOfSql(wh, o.asOf, o.settings, p) })
        : covers.then((c) => activeDelinquencySource(wh, o.asOf, o.settings, c)),
      covers,
      dataLastDate(wh),
      // with a fresh snapshot its facts give the promises' states, but for the loans people changed since
      covers.then((c) => (c ? loansWithPromisesSinceSnapshot(wh) : [])),
    ]),
  );
  await dateChecked;
  const [roll, scoredAt, held, parts, delinquency, factsFresh, dataLast, changedLoans] = await prelude;
  const model = scoredAt && o.champion ? await loadModel(wh, o.champion.name, o.champion.version) : null;
  const edges = model?.artifact.gradeEdges ?? defaultGradeEdges;
  // current loans are cases only when watch-graded: filter them in the engine, not after shipping every active loan to Node
  const currentUnscoredWatch = stageOf(0, gradeOf(roll.get('C') ?? 0, defaultGradeEdges) as Grade) === 'watch';
  const asOf = param(o.asOf, 'Date');
  const scoreMe = param(scoredAt || '1970-01-01', 'Date');
  const through = param(judgedThrough(o.asOf, dataLast), 'Date');
  const champion = { name: o.champion?.name ?? '', version: o.champion?.version ?? 0 };
  const kept = { model: champion, monthEnd: scoredAt, spec: counterfactualSpec() };
  const owedJoin = (p: LoanPart) =>
    held
      ? sql`LEFT JOIN (${held(p)}) AS o ON o.loan_id = d.loan_id`
      : trusted(`LEFT JOIN (SELECT '' AS loan_id, toDecimal64(0, 2) AS amount_to_cure,
      toDecimal64(0, 2) AS overdue_principal, toDecimal64(0, 2) AS overdue_interest) AS o ON o.loan_id = d.loan_id`);
  // on the scored month-end itself the model saw the loan's bucket now, and no promise fell due in between
  const thenJoins = scoredAt !== o.asOf;
  // the month-end's kept sentences, by the id each case's row names (a few thousand pairs): read ahead of the parts
  const sentencesRead = handledLater(
    model ? keptSentenceTexts(wh, { ...kept, monthEnd: scoreMe }) : Promise.resolve(new Map<string, never>()),
  );
  const partRows = parts.map((p) => {
    const is = (column: string) => inLoanPart(column, p);
    const dq = delinquency(p);
    return querySqlCompact<CaseRow>(
      wh,
      sql`
    SELECT d.loan_id AS loan_id, d.dpd AS dpd, d.bucket AS bucket, toFloat64(toDecimal128(d.principal_balance, 2)) AS balance,
      l.region AS region, l.product AS product,
      if(s.loan_id = '', NULL, s.probability) AS probability, if(s.loan_id = '', NULL, s.grade) AS grade, s.reasons AS reasons,
      ${thenJoins ? trusted("toString(ifNull(t.bucket, '')) AS bucket_then, toUInt32(ifNull(bp.broken, 0)) AS broken") : trusted('d.bucket AS bucket_then, toUInt32(0) AS broken')},
      toUInt8(o.loan_id != '') AS owed_held, toFloat64(o.amount_to_cure) AS cure,
      toFloat64(o.amount_to_cure - o.overdue_principal - o.overdue_interest) AS charges,
      toUInt32(s.scored_at) AS scored_at, toUInt8(k.loan_id != '' AND k.scored_at = s.scored_at) AS cf_kept, k.text_id AS cf_id
    FROM (${dq.sql}) AS d
    INNER JOIN (SELECT loan_id, region, product FROM ${trusted(tableRef(wh, 'loans'))} WHERE ${is('loan_id')}) AS l ON l.loan_id = d.loan_id
    LEFT JOIN (SELECT loan_id, probability, grade, reasons, scored_at FROM ${trusted(tableRef(wh, 'scores'))}
               WHERE model_name = ${param(champion.name, 'String')} AND model_version = ${param(champion.version, 'UInt32')}
                 AND month_end = ${scoreMe} AND ${is('loan_id')}) AS s ON s.loan_id = d.loan_id
    LEFT JOIN (${keptCounterfactualsSql(wh, { ...kept, monthEnd: scoreMe }, p)}) AS k ON k.loan_id = d.loan_id
    ${owedJoin(p)}
    ${
      thenJoins
        ? sql`
    -- the bucket the model saw: the loan's row at the scored month-end
    LEFT JOIN (SELECT loan_id, bucket FROM ${trusted(tableRef(wh, 'loan_month'))} WHERE month_end = ${scoreMe} AND ${is('loan_id')}) AS t ON t.loan_id = d.loan_id
    -- promises whose deadline (promised date + 3 days) fell after the scored month-end and before the date, not paid in full from the promise on
    LEFT JOIN (${brokenSinceSql(wh, { asOf, scoreMe, through, factsFresh, part: p, changedLoans })}) AS bp ON bp.loan_id = d.loan_id`
        : trusted('')
    }
    WHERE d.status = 'active'
      -- a current loan is a case when its (updated) score is a watch grade: unchanged since the score, that is the scored grade
      AND (d.dpd > 0 OR (s.loan_id != '' AND (s.grade IN ${param(defaultWatchGrades, 'Array(String)')} OR ${thenJoins ? trusted("t.bucket != 'C' OR bp.broken > 0") : trusted("d.bucket != 'C'")}))
        OR (s.loan_id = '' AND ${param(currentUnscoredWatch ? 1 : 0, 'UInt8')} = 1))
      AND ${anyOf(o.filters?.region, 'l.region')}
      AND ${anyOf(o.filters?.product, 'l.product')}`,
      { join_use_nulls: 0 },
    );
  });
  // off a held month-end, where what the cases owe is carried from: asked now, behind the parts, not
  // after the cases are known (each of its two reads waited for Node to finish parsing a large answer)
  const owedSource = held
    ? null
    : handledLater(owedToCureSource(wh, { asOf: o.asOf, rules: accrualRulesOf(o.settings) }));
  // sent behind the parts, needing none of their rows: broken promises in the escalation's look-back
  // and what the contact rules need (every loan's, looked up per case); Node builds the cases meanwhile
  const escalation = o.strategy.escalation ?? defaultEscalation;
  const contactRules = o.contactRules ?? defaultContactRules;
  const unkeptRead = handledLater(
    escalation.steps > 0
      ? recentUnkeptPromises(wh, {
          asOf: o.asOf,
          lookbackDays: escalation.lookback_days,
          graceDays: escalation.grace_days,
          states: escalation.on,
          factsFresh,
          dataLast,
          changedLoans,
        })
      : Promise.resolve(new Map<string, UnkeptPromise>()),
  );
  const contactsRead = handledLater(o.contactsRead ?? loadLoanContacts(wh, contactRules, o.asOf));
  const placementsRead = handledLater(openPlacements(wh, o.asOf));
  // team, last contacts and open promises of the list's loans only (the team filter applies to them),
  // asked for each part's cases as soon as its rows arrive: the engine reads one part's actions while
  // Node parses the next part's rows, instead of all of them after the last part
  const actionsReads = partRows.map((read, i) =>
    handledLater(
      read.then((partCases) =>
        caseActions(
          wh,
          o.asOf,
          partCases.map((r) => r.loan_id),
          [parts[i]!],
          escalation.grace_days,
        ),
      ),
    ),
  );
  const rows = (await Promise.all(partRows)).flat();
  const modelName = o.champion ? `${o.champion.name}@${o.champion.version}` : null;
  const built: Case[] = [];
  // each case's row, at the case's index in built (until the ranking reorders built): no lookup by loan id
  const builtRows: CaseRow[] = [];
  for (const r of rows) {
    const dpd = r.dpd;
    const scored = r.probability !== null && dpd <= 30;
    const asScored = scored && scoredAt === o.asOf;
    const update =
      scored && !asScored
        ? scoreUpdate({
            probability: Number(r.probability),
            bucketThen: r.bucket_then || r.bucket,
            bucketNow: r.bucket,
            brokenPromises: r.broken,
            roll,
          })
        : null;
    const probability = update ? update.probability : scored ? Number(r.probability) : (roll.get(r.bucket) ?? 0);
    const grade = (asScored && r.grade ? r.grade : gradeOf(probability, scored ? edges : defaultGradeEdges)) as Grade;
    const stage = stageOf(dpd, grade);
    if (!stage || (o.filters?.stage?.length && !o.filters.stage.includes(stage))) continue;
    const balance = r.balance;
    built.push({
      // numbered once ranked, team and collection history set once read: the keys keep this order
      rank: 0,
      loan_id: r.loan_id,
      region: r.region,
      product: r.product,
      team: '',
      placed_with: '',
      stage,
      dpd,
      bucket: r.bucket,
      balance,
      probability,
      probability_source: asScored ? 'model' : update ? 'model_updated' : 'roll_rate_matrix',
      model: scored ? modelName : null,
      expected_loss: Math.round(probability * balance * 100) / 100,
      grade,
      reasons: update ? [...update.reasons, ...r.reasons] : scored ? r.reasons : [],
      action: recommendAction(o.strategy, stage, grade),
      counterfactual: '',
      counterfactual_zh: '',
      amount_to_cure: null,
      charges_owed: null,
      last_contacts: [],
      open_promises: [],
      // set below, every key from the start: added later, each case would grow a property store of its own
      escalated_from: undefined,
      action_blocked_by: '',
      next_allowed_at: '',
      allowed_action: '',
    });
    builtRows.push(r);
  }
  // off a month-end, what each case owes is folded in the engine (seconds on a large list): sent now, behind
  // the reads already sent, while Node decides contacts and searches the sentences none was kept for —
  // but for a team's list only once the team filter has kept its cases (a few of the book's)
  const owedFor = (loans: readonly Case[]) =>
    handledLater(
      owedOnDate(
        wh,
        { asOf: o.asOf, settings: o.settings, source: owedSource ?? undefined },
        loans.map((c) => c.loan_id),
      ),
    );
  const owedEarly = held || o.filters?.team?.length ? null : owedFor(built);
  // a broken promise in the look-back moves the action up the contact-intensity ladder (the table's escalation),
  // unless the loan's latest promise was made after it and is still open on the date: the case's actions say
  // so, read behind the parts — the cases it would move wait for them, their contact decision with them
  const unkept = await unkeptRead;
  const escalating = new Map<Case, UnkeptPromise>();
  if (escalation.steps > 0) {
    for (const c of built) {
      const p = unkept.get(c.loan_id);
      c.escalated_from = '';
      if (p && escalateAction(escalation, c.action as Action) !== c.action) escalating.set(c, p);
    }
  }
  // the recommended action through the contact rules on the date: blocked by a rule, when allowed again, what instead
  const contacts = await contactsRead;
  // a loan with nothing recorded in the window, no contact event and not on the configured list is
  // decided by the rules alone: once per stage and action, not once per loan
  const doNotContact = new Set(contactRules.do_not_contact.list.map((l) => l.loan_id));
  const quiet = new Map<string, ContactDecision>();
  const decideFor = (c: Case) => {
    const loan = contacts.get(c.loan_id);
    if (!loan && !doNotContact.has(c.loan_id)) {
      const key = `${c.stage}\u0000${c.action}`;
      let decided = quiet.get(key);
      if (!decided) {
        const none = { loan_id: c.loan_id, actions: [], events: [] };
        decided = decideContact(contactRules, o.strategy, none, c.stage, c.action as Action, o.asOf);
        quiet.set(key, decided);
      }
      setContactDecision(c, decided);
    } else {
      const own = loan ?? { loan_id: c.loan_id, actions: [], events: [] };
      setContactDecision(c, decideContact(contactRules, o.strategy, own, c.stage, c.action as Action, o.asOf));
    }
  };
  for (const c of built) if (!escalating.has(c)) decideFor(c);
  // what needs no action of the loans is done while the engine reads them: the kept sentences, what the
  // snapshot holds owed, the ranking (the team filter below keeps the order)
  // the cases left to search, with when their score was made
  const missing = new Map<Case, number>();
  const sentences = await sentencesRead;
  built.forEach((c, i) => {
    const r = builtRows[i]!;
    if (held && r.owed_held) {
      c.amount_to_cure = r.cure;
      c.charges_owed = Math.round(r.charges * 100) / 100;
    }
    if (!model || c.probability_source === 'roll_rate_matrix') return;
    // the sentence starts from the grade the loan was scored at: a case whose grade has moved since
    // (updated for its bucket now) would read "from grade B" beside its grade E — it gets none
    if (r.grade !== c.grade) return;
    // the sentence for each case the champion scored, from its features at the scored month-end: kept
    // (searched with the score, or by an earlier list of it), else searched below and kept
    // (a pair kept by another list after the sentences were read is searched again, as if not kept)
    const text = r.cf_kept ? sentences.get(r.cf_id) : undefined;
    if (text) {
      c.counterfactual = text.en;
      c.counterfactual_zh = text.zh;
    } else missing.set(c, r.scored_at);
  });
  built.sort((a, b) => b.expected_loss - a.expected_loss || (a.loan_id < b.loan_id ? -1 : 1));
  const actions = new Map<string, CaseActions>();
  for (const read of actionsReads) for (const [loan, acted] of await read) actions.set(loan, acted);
  for (const [c, p] of escalating) {
    // a promise made after the broken one and not yet past its deadline: the collector has a fresh
    // promise to follow up, the action stays the table's (no reason line)
    if (!newerOpenPromise(p, actions.get(c.loan_id)?.latest_open_promise[0])) {
      const up = escalateAction(escalation, c.action as Action);
      c.reasons = [...c.reasons, `${p.status} promise (${p.action_id}, deadline ${p.deadline}): ${c.action} → ${up}`];
      c.escalated_from = c.action;
      c.action = up;
    }
    decideFor(c);
  }
  const placed = await placementsRead;
  const teams = o.filters?.team ?? [];
  const cases: Case[] = [];
  for (const c of built) {
    const acted = actions.get(c.loan_id);
    c.team = acted?.team ?? '';
    if (teams.length && !teams.includes(c.team)) continue;
    c.placed_with = placed.get(c.loan_id) ?? '';
    c.last_contacts = acted?.contacts ?? [];
    c.open_promises = acted?.promises ?? [];
    cases.push(c);
  }
  const owedRead = held ? null : (owedEarly ?? owedFor(cases));
  const unsearched = cases.filter((c) => missing.has(c));
  if (model && unsearched.length) {
    const found = await searchAndKeepCounterfactuals(
      wh,
      model.artifact,
      kept,
      unsearched.map((c) => ({ loan_id: c.loan_id, scored_at: missing.get(c) ?? 0 })),
    );
    for (const c of unsearched) {
      c.counterfactual = found.get(c.loan_id)?.en ?? '';
      c.counterfactual_zh = found.get(c.loan_id)?.zh ?? '';
    }
  }
  if (owedRead) {
    const owed = await owedRead;
    for (const c of cases) {
      const a = owed.get(c.loan_id);
      if (a) {
        c.amount_to_cure = a.amount_to_cure;
        c.charges_owed = a.charges_owed;
      }
    }
  }
  cases.forEach((c, i) => (c.rank = i + 1));
  return cases;
}

/**
 * The loan's latest promise, open on the date (CaseActions.latest_open_promise), was made after the
 * unkept one: later by action date, then action id.
 */
export function newerOpenPromise(
  unkept: Pick<UnkeptPromise, 'action_date' | 'action_id'>,
  latestOpen: { made: string; action_id: string } | undefined,
): boolean {
  if (!latestOpen) return false;
  return (
    latestOpen.made > unkept.action_date ||
    (latestOpen.made === unkept.action_date && latestOpen.action_id > unkept.action_id)
  );
}

function setContactDecision(c: Case, d: ContactDecision) {
  c.action_blocked_by = d.action_blocked_by;
  c.next_allowed_at = d.next_allowed_at;
  c.allowed_action = d.allowed_action;
}

/** Amount to cure and charges owed on the date (accrual rules) for the given loans, by loan id. */
async function owedOnDate(
  wh: Warehouse,
  o: { asOf: string; settings: SnapshotSettings; source: Promise<string | null> | undefined },
  loanIds: readonly string[],
) {
  const out = new Map<string, { amount_to_cure: number; charges_owed: number }>();
  await forLoanSet(wh, loanIds, async (loans) => {
    for (const r of await owedToCureAsOf(wh, { ...o, loans })) {
      // amount to cure = overdue principal and interest + the charges outstanding
      const cure = r.amount_to_cure;
      const charges = cure - r.overdue_principal - r.overdue_interest;
      out.set(r.loan_id, { amount_to_cure: cure, charges_owed: Math.round(charges * 100) / 100 });
    }
  });
  return out;
}

/**
 * The CSV's columns: one value per cell for spreadsheet users — reason codes as text joined by
 * "; ", the latest contact and the nearest open promise as their own columns (with how many there
 * are), no JSON in any cell. The JSON output keeps the nested lists (Case).
 */
const csvColumns = [
  'rank',
  'loan_id',
  'region',
  'product',
  'team',
  'placed_with',
  'stage',
  'dpd',
  'bucket',
  'balance',
  'probability',
  'probability_source',
  'model',
  'expected_loss',
  'amount_to_cure',
  'charges_owed',
  'grade',
  'reasons',
  'action',
  'escalated_from',
  'action_blocked_by',
  'next_allowed_at',
  'allowed_action',
  'counterfactual',
  'counterfactual_zh',
  'last_contact_date',
  'last_contact_channel',
  'last_contact_outcome',
  'contacts_shown',
  'open_promise_date',
  'open_promise_amount',
  'open_promises',
] as const;

type CsvCase = Record<(typeof csvColumns)[number] | 'arm' | 'agent_id', string | number | null>;

/** money as the metrics CSV writes it: two decimals ("2057417.70", not a float's "2057417.7") */
const money = (x: number | null) => (x === null ? null : x.toFixed(2));

/** A case as one flat CSV row (see csvColumns): amounts to the cent, the probability to 6 decimals. */
export function flatCase(c: Case & { arm?: string; agent_id?: string }): CsvCase {
  const last = c.last_contacts[0];
  // the promise falling due first is the one a collector follows up
  const next = [...c.open_promises].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))[0];
  return {
    rank: c.rank,
    loan_id: c.loan_id,
    region: c.region,
    product: c.product,
    team: c.team,
    placed_with: c.placed_with,
    stage: c.stage,
    dpd: c.dpd,
    bucket: c.bucket,
    balance: money(c.balance),
    probability: c.probability.toFixed(6),
    probability_source: c.probability_source,
    model: c.model,
    expected_loss: money(c.expected_loss),
    amount_to_cure: money(c.amount_to_cure),
    charges_owed: money(c.charges_owed),
    grade: c.grade,
    reasons: c.reasons.join('; '),
    action: c.action,
    escalated_from: c.escalated_from ?? '',
    action_blocked_by: c.action_blocked_by ?? '',
    next_allowed_at: c.next_allowed_at ?? '',
    allowed_action: c.allowed_action ?? '',
    counterfactual: c.counterfactual ?? '',
    counterfactual_zh: c.counterfactual_zh ?? '',
    last_contact_date: last?.date ?? null,
    last_contact_channel: last?.channel ?? null,
    last_contact_outcome: last?.outcome ?? null,
    contacts_shown: c.last_contacts.length,
    open_promise_date: next?.date ?? null,
    open_promise_amount: money(next?.amount ?? null),
    open_promises: c.open_promises.length,
    arm: c.arm ?? null,
    agent_id: c.agent_id ?? null,
  };
}

/**
 * Cases as CSV pieces (flat columns, csvColumns), the same for the CLI and the API; an
 * experiment's arm and the assigned agent as last columns when cases carry them. Pieces, so a
 * whole book's list is written or sent as it is produced, not held as one string.
 */
export function casesCsvChunks(cases: readonly (Case & { arm?: string; agent_id?: string })[]): Generator<string> {
  const cols = [
    ...csvColumns,
    ...(cases.some((c) => c.arm !== undefined) ? (['arm'] as const) : []),
    ...(cases.some((c) => c.agent_id !== undefined) ? (['agent_id'] as const) : []),
  ];
  return csvChunks(
    cols,
    (function* () {
      for (const c of cases) yield flatCase(c);
    })(),
  );
}

/** Cases as one CSV string (every line ended, the last one too: csvChunks). */
export const casesCsv = (cases: (Case & { arm?: string; agent_id?: string })[]) => [...casesCsvChunks(cases)].join('');
