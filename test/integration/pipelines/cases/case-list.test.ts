import { markSnapshotStale } from '../../../helpers/stale-snapshot.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseString } from '@fast-csv/parse';
import { buildCaseList, casesCsv, type Case } from '../../../../pipelines/cases/case-list.ts';
import { amountToCureAsOf, amountToCureFromHistory } from '../../../../pipelines/accrual/amount-to-cure.ts';
import { counterfactualSpec } from '../../../../models/counterfactual/kept.ts';
import { keepMonthEndCounterfactuals } from '../../../../pipelines/cases/month-end-counterfactuals.ts';
import type { ModelVersion } from '../../../../models/registry/registry.ts';
import { scoreMonthInDb } from '../../../../models/score.ts';
import { param, sql } from '../../../../warehouse/sql.ts';
import {
  defaultEscalation,
  defaultStrategyTable,
  escalateAction,
  recommendAction,
} from '../../../../pipelines/cases/strategy.ts';
import { assignExperiment, parseExperiment, storeAssignments } from '../../../../pipelines/cases/experiment.ts';
import { runCases, type CasesFlags } from '../../../../bin/commands/cases.ts';
import type { Output } from '../../../../bin/cli/output.ts';
import { loadConfig } from '../../../../warehouse/config.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentResults } from '../../../../pipelines/cases/experiment-results.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { activeDelinquencyQuery, delinquencyAsOf } from '../../../../pipelines/snapshot/delinquency-as-of.ts';
import { contactOrder } from '../../../../pipelines/collections/contact-rules.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { disposeIfOpened, tmpDir } from '../../../helpers/warehouse.ts';

const parseCsv = (text: string) =>
  new Promise<Record<string, string>[]>((resolve, reject) => {
    const rows: Record<string, string>[] = [];
    parseString<Record<string, string>, Record<string, string>>(text, { headers: true })
      .on('error', reject)
      .on('data', (r: Record<string, string>) => rows.push(r))
      .on('end', () => {
        resolve(rows);
      });
  });

describe('case list', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let cases: Case[] = [];
  let champion: ModelVersion;
  const asOf = '2024-06-15';
  const options = () => ({
    asOf,
    settings: defaultSettings,
    strategy: defaultStrategyTable,
    champion: { name: champion.model_name, version: champion.version },
  });
  beforeAll(async () => {
    wh = await warehouseWithBook('cases', { loans: 2000, months: 24, seed: 12 });
    champion = await withScoredChampion(wh, { scoreMonthEnds: ['2024-05-31'] });
    cases = await buildCaseList(wh, options());
  });
  afterAll(() => disposeIfOpened(wh));

  it('says which cases are placed with an agency on the date (their latest placement event of that agency not recalled)', async () => {
    const events = await queryRows<{ loan_id: string; note: string; type: string }>(
      wh,
      `SELECT loan_id, note, toString(type) AS type FROM ${wh.database}.loan_events
       WHERE type IN ('agency_placement', 'agency_recall') AND event_date <= {d:Date} ORDER BY loan_id, event_date, event_id`,
      { d: asOf },
    );
    const open = new Map<string, Set<string>>();
    for (const e of events) {
      const agencies = open.get(e.loan_id) ?? new Set<string>();
      if (e.type === 'agency_placement') agencies.add(e.note);
      else agencies.delete(e.note);
      open.set(e.loan_id, agencies);
    }
    const placed = cases.filter((c) => c.placed_with !== '');
    expect(placed.length).toBeGreaterThan(0);
    for (const c of cases) {
      const agencies = open.get(c.loan_id) ?? new Set<string>();
      if (c.placed_with) expect(agencies.has(c.placed_with), c.loan_id).toBe(true);
      else expect(agencies.size, c.loan_id).toBe(0);
    }
  });

  it('holds every delinquent active loan on the date, ranked by expected loss', async () => {
    const dq = (await delinquencyAsOf(wh, asOf, defaultSettings)).filter((d) => d.status === 'active' && d.dpd > 0);
    const delinquent = cases.filter((c) => c.stage !== 'watch');
    expect(delinquent.map((c) => c.loan_id).sort()).toEqual(dq.map((d) => d.loan_id).sort());
    for (let i = 1; i < cases.length; i++)
      expect(cases[i]!.expected_loss).toBeLessThanOrEqual(cases[i - 1]!.expected_loss);
    expect(cases.map((c) => c.rank)).toEqual(cases.map((_, i) => i + 1));
  });

  it('each case carries what it takes to cure on the date: its overdue amounts and outstanding charges under the accrual rules', async () => {
    const owed = new Map((await amountToCureAsOf(wh, { asOf, settings: defaultSettings })).map((r) => [r.loan_id, r]));
    const dq = new Map((await delinquencyAsOf(wh, asOf, defaultSettings)).map((d) => [d.loan_id, d]));
    for (const c of cases) {
      const a = owed.get(c.loan_id);
      if (!a) {
        expect([c.amount_to_cure, c.charges_owed]).toEqual([null, null]);
        continue;
      }
      expect(c.amount_to_cure).toBe(a.amount_to_cure);
      const d = dq.get(c.loan_id)!;
      // the overdue part is the snapshot's; the rest are charges, never negative
      expect(c.amount_to_cure! - c.charges_owed!).toBeCloseTo(
        Number(d.overdue_principal) + Number(d.overdue_interest),
        2,
      );
      expect(c.charges_owed).toBeGreaterThanOrEqual(0);
      if (c.dpd > 0) expect(c.amount_to_cure).toBeGreaterThan(0);
    }
    expect(cases.filter((c) => c.dpd > 30 && (c.charges_owed ?? 0) > 0).length).toBeGreaterThan(0);
  });

  it('stage, probability source, grade and action follow the rules', () => {
    for (const c of cases) {
      expect(c.stage).toBe(c.dpd > 90 ? 'late' : c.dpd > 30 ? 'mid' : c.dpd > 0 ? 'early' : 'watch');
      if (c.stage === 'watch') expect(['D', 'E']).toContain(c.grade);
      // the table's action, or (a promise broken in the last 30 days) one rung up the contact-intensity ladder
      const table = recommendAction(defaultStrategyTable, c.stage, c.grade);
      if (c.escalated_from) {
        expect(c.escalated_from).toBe(table);
        expect(c.action).toBe(escalateAction(defaultEscalation, table));
        expect(c.action).not.toBe(table);
      } else expect(c.action).toBe(table);
      expect(c.expected_loss).toBeCloseTo(c.probability * c.balance, 1);
      if (c.dpd > 30) expect(c.probability_source).toBe('roll_rate_matrix');
    }
    // the generated book's broken promises escalate some cases
    expect(cases.some((c) => c.escalated_from !== '')).toBe(true);
    // the champion scored 2024-05-31; the list is of 2024-06-15, so its scores are carried and updated
    expect(cases.some((c) => c.probability_source === 'model_updated' && c.model === 'dpd30_3m_scorecard@1')).toBe(
      true,
    );
    expect(cases.some((c) => c.last_contacts.length > 0)).toBe(true);
  });

  it('the champion ranks a mid-month list: its month-end score updated by the roll rates of the bucket then and now', async () => {
    const [m] = await queryRows<{ model_name: string; version: number }>(
      wh,
      `SELECT model_name, model_version AS version FROM ${wh.database}.scores LIMIT 1`,
    );
    const scores = new Map(
      (
        await queryRows<{ loan_id: string; probability: number; grade: string }>(
          wh,
          `SELECT loan_id, probability, grade FROM ${wh.database}.scores WHERE month_end = '2024-05-31'`,
        )
      ).map((r) => [r.loan_id, r]),
    );
    const then = new Map(
      (
        await queryRows<{ loan_id: string; bucket: string }>(
          wh,
          `SELECT loan_id, bucket FROM ${wh.database}.loan_month WHERE month_end = '2024-05-31'`,
        )
      ).map((r) => [r.loan_id, r.bucket]),
    );
    const ranked = cases.filter((c) => c.probability_source === 'model_updated');
    // not the roll-rate fallback's single grade per bucket: the model spreads early cases over grades
    expect(ranked.length).toBeGreaterThan(10);
    expect(new Set(cases.filter((c) => c.stage === 'early').map((c) => c.grade)).size).toBeGreaterThan(1);
    let moved = 0;
    for (const c of ranked) {
      const s = scores.get(c.loan_id)!;
      expect(c.dpd).toBeLessThanOrEqual(30);
      const odds = (p: number) => p / (1 - p);
      const shifted = c.reasons.find((r) => r.startsWith('odds × '));
      if (!shifted) {
        // nothing changed since the score: it stands as scored, with its grade
        expect(then.get(c.loan_id)).toBe(c.bucket);
        expect(c.probability).toBe(s.probability);
        expect(c.grade).toBe(s.grade);
        continue;
      }
      moved++;
      // the printed odds ratio is the one applied (to its two decimals)
      const ratio = Number(/odds × ([\d.]+)/.exec(shifted)![1]);
      expect(odds(c.probability) / odds(s.probability)).toBeCloseTo(ratio, 1);
      // monotone: a loan worse now than when scored is riskier, one that cured is safer
      const order = ['C', 'M1', 'M2'];
      const [a, b] = [order.indexOf(then.get(c.loan_id)!), order.indexOf(c.bucket)];
      if (b > a) expect(c.probability).toBeGreaterThan(s.probability);
      if (b < a && !c.reasons.some((r) => r.startsWith('broken promise')))
        expect(c.probability).toBeLessThan(s.probability);
    }
    expect(moved).toBeGreaterThan(0);
    // on the scored month-end itself the scores stand as scored
    const atMonthEnd = await buildCaseList(wh, {
      asOf: '2024-05-31',
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: { name: m!.model_name, version: m!.version },
    });
    const asScored = atMonthEnd.filter((c) => c.probability_source === 'model');
    expect(asScored.length).toBeGreaterThan(10);
    for (const c of asScored) expect(c.probability).toBe(scores.get(c.loan_id)!.probability);
    expect(atMonthEnd.some((c) => c.probability_source === 'model_updated')).toBe(false);
  });

  it('the CSV is flat for spreadsheets: parsed with a CSV library, no cell holds JSON; JSON keeps the lists', async () => {
    const rows = await parseCsv(casesCsv(cases));
    expect(rows).toHaveLength(cases.length);
    const isJsonContainer = (cell: string) => {
      try {
        const v: unknown = JSON.parse(cell);
        return typeof v === 'object' && v !== null;
      } catch {
        return false;
      }
    };
    for (const r of rows) for (const cell of Object.values(r)) expect(isJsonContainer(cell), cell).toBe(false);
    const withContacts = cases.filter((c) => c.last_contacts.length > 0);
    const withPromises = cases.filter((c) => c.open_promises.length > 0);
    const withReasons = cases.filter((c) => c.reasons.length > 1);
    expect(withContacts.length * withReasons.length).toBeGreaterThan(0);
    const byId = new Map(rows.map((r) => [r.loan_id!, r]));
    for (const c of cases) {
      const r = byId.get(c.loan_id)!;
      expect(r.reasons).toBe(c.reasons.join('; '));
      expect(r.last_contact_date).toBe(c.last_contacts[0]?.date ?? '');
      expect(r.last_contact_channel).toBe(c.last_contacts[0]?.channel ?? '');
      expect(r.last_contact_outcome).toBe(c.last_contacts[0]?.outcome ?? '');
      const next = [...c.open_promises].sort((a, b) => a.date.localeCompare(b.date))[0];
      expect(r.open_promise_date).toBe(next?.date ?? '');
      expect(r.open_promise_amount).toBe(next === undefined ? '' : next.amount.toFixed(2));
      expect(Number(r.open_promises)).toBe(c.open_promises.length);
      expect(Number(r.balance)).toBe(c.balance);
    }
    expect(withPromises.length + withContacts.length).toBeGreaterThan(0);
    expect(Array.isArray(cases[0]!.last_contacts)).toBe(true);
  });

  it('filters by region, stage and product', async () => {
    const region = cases[0]!.region;
    const some = await buildCaseList(wh, {
      asOf,
      settings: defaultSettings,
      strategy: defaultStrategyTable,
      champion: null,
      filters: { region: [region], stage: ['mid', 'late'] },
    });
    expect(some.length).toBeGreaterThan(0);
    for (const c of some) {
      expect(c.region).toBe(region);
      expect(['mid', 'late']).toContain(c.stage);
      expect(c.probability_source).toBe('roll_rate_matrix');
    }
    expect(
      await buildCaseList(wh, {
        asOf,
        settings: defaultSettings,
        strategy: defaultStrategyTable,
        champion: null,
        filters: { product: ["'; DROP TABLE loans --"] },
      }),
    ).toEqual([]);
  });

  it("each case's team, last three contacts and open promises are its actions' on or before the date; a team filter keeps that team's cases, ranked as in the whole list", async () => {
    const actions = await queryRows<{
      loan_id: string;
      action_id: string;
      action_date: string;
      action_time: string;
      channel: string;
      outcome: string;
      team: string;
      promised_date: string | null;
      promised_amount: number | null;
    }>(
      wh,
      `SELECT loan_id, action_id, toString(action_date) AS action_date, action_time, toString(channel) AS channel,
         toString(outcome) AS outcome, team, toString(promised_date) AS promised_date, toFloat64(promised_amount) AS promised_amount
       FROM ${wh.database}.collection_actions WHERE action_date <= '${asOf}'`,
    );
    const byLoan = new Map<string, typeof actions>();
    for (const a of actions) byLoan.set(a.loan_id, [...(byLoan.get(a.loan_id) ?? []), a]);
    // the recorded order of the contact rules (date, time of day with an unrecorded one first, id), latest first
    const latestFirst = (a: (typeof actions)[number], b: (typeof actions)[number]) =>
      contactOrder(
        { action_id: b.action_id, date: b.action_date, time: b.action_time, channel: '', outcome: '' },
        { action_id: a.action_id, date: a.action_date, time: a.action_time, channel: '', outcome: '' },
      );
    let withPromise = 0;
    for (const c of cases) {
      const own = [...(byLoan.get(c.loan_id) ?? [])].sort(latestFirst);
      expect(c.team).toBe(own[0]?.team ?? '');
      expect(c.last_contacts).toEqual(
        own.slice(0, 3).map((a) => ({ date: a.action_date, channel: a.channel, outcome: a.outcome })),
      );
      const open = own
        .filter((a) => a.outcome === 'promise_to_pay' && (a.promised_date ?? a.action_date) >= asOf)
        .map((a) => ({ date: a.promised_date ?? a.action_date, amount: a.promised_amount ?? 0 }));
      expect([...c.open_promises].sort((a, b) => a.date.localeCompare(b.date) || a.amount - b.amount)).toEqual(
        open.sort((a, b) => a.date.localeCompare(b.date) || a.amount - b.amount),
      );
      if (open.length) withPromise++;
    }
    expect(withPromise).toBeGreaterThan(0);
    const teams = [...new Set(cases.map((c) => c.team))];
    expect(teams.length).toBeGreaterThan(1);
    for (const team of teams.slice(0, 2)) {
      const some = await buildCaseList(wh, { ...options(), filters: { team: [team] } });
      const strip = (l: Case[]) => l.map(({ rank: _, ...c }) => c);
      expect(strip(some)).toEqual(strip(cases.filter((c) => c.team === team)));
    }
  });

  it('measures an experiment afterwards: cure rate and amount collected per arm and segment, on the issued list', async () => {
    const e = parseExperiment({
      name: 'exp-1',
      arms: [
        { name: 'control', weight: 1 },
        { name: 'challenger', weight: 1 },
      ],
    });
    // no arm has a table of its own: the contact rules' decider is never asked
    const assigned = assignExperiment(e, cases, defaultStrategyTable, () => {
      throw new Error('an arm without a table of its own keeps the list’s decision');
    });
    await storeAssignments(wh, e, asOf, assigned);
    await storeAssignments(wh, e, asOf, assigned); // re-issuing the same date replaces, never doubles
    const until = '2024-06-30';
    const total = await experimentResults(wh, {
      experiment: 'exp-1',
      control: 'control',
      asOf,
      until,
      segment: 'all',
      settings: defaultSettings,
    });
    const byStage = await experimentResults(wh, {
      experiment: 'exp-1',
      control: 'control',
      asOf,
      until,
      segment: 'stage',
      settings: defaultSettings,
    });
    // the same numbers computed independently from DPD on the date and the raw payments
    const later = new Map((await delinquencyAsOf(wh, until, defaultSettings)).map((d) => [d.loan_id, d]));
    const paid = new Map(
      (
        await queryRows<{ loan_id: string; s: number }>(
          wh,
          `SELECT loan_id, toFloat64(sum(amount)) AS s FROM ${wh.database}.payments
      WHERE paid_date > {a:Date} AND paid_date <= {u:Date} GROUP BY loan_id`,
          { a: asOf, u: until },
        )
      ).map((r) => [r.loan_id, r.s]),
    );
    for (const arm of ['control', 'challenger']) {
      const mine = assigned.filter((c) => c.arm === arm);
      const delinquent = mine.filter((c) => c.dpd > 0);
      const cured = delinquent.filter((c) => {
        const d = later.get(c.loan_id)!;
        return d.status === 'paid_off' || (d.status === 'active' && d.dpd === 0);
      });
      const r = total.find((x) => x.arm === arm)!;
      expect(r).toMatchObject({
        segment: 'all',
        cases: mine.length,
        delinquent_cases: delinquent.length,
        cured: cured.length,
      });
      expect(r.collected).toBeCloseTo(
        mine.reduce((s, c) => s + (paid.get(c.loan_id) ?? 0), 0),
        2,
      );
      expect(r.balance).toBeCloseTo(
        mine.reduce((s, c) => s + c.balance, 0),
        1,
      );
      expect(byStage.filter((x) => x.arm === arm).reduce((s, x) => s + x.cases, 0)).toBe(mine.length);
    }
    expect(cases.length).toBeGreaterThan(0);
    const ch = total.find((x) => x.arm === 'challenger')!;
    expect(ch.cure_rate_vs_control).toBeCloseTo(ch.cure_rate! - total.find((x) => x.arm === 'control')!.cure_rate!, 12);
    expect(Number.isFinite(ch.z)).toBe(true);
    await expect(
      experimentResults(wh, {
        experiment: 'nope',
        control: 'a',
        asOf,
        until,
        segment: 'all',
        settings: defaultSettings,
      }),
    ).rejects.toThrow(/no cases were assigned/);
  });

  it("a region's pull under an experiment stores its own cases and keeps the other regions' assignments; the whole list re-issues", async () => {
    const file = join(tmpDir('exp-scope'), 'exp.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'exp-scope',
        arms: [
          { name: 'control', weight: 1 },
          { name: 'challenger', weight: 1 },
        ],
      }),
    );
    const out: Output = { line: () => undefined, write: () => Promise.resolve() };
    const flags: CasesFlags = {
      'as-of': asOf,
      region: undefined,
      team: undefined,
      product: undefined,
      stage: undefined,
      strategy: undefined,
      'contact-rules': undefined,
      experiment: file,
      agents: undefined,
      'assign-by': 'count',
      format: 'csv',
    };
    const config = loadConfig({});
    const stored = () =>
      queryRows<{ loan_id: string; arm: string; region: string }>(
        wh,
        `SELECT loan_id, arm, region FROM ${wh.database}.case_assignments
         WHERE experiment = 'exp-scope' AND as_of = {d:Date} ORDER BY loan_id`,
        { d: asOf },
      );
    const whole = await runCases(wh, config, out, flags);
    const issued = await stored();
    expect(issued.map((r) => r.loan_id)).toEqual(whole.map((c) => c.loan_id).sort());
    const region = whole[0]!.region;
    const some = await runCases(wh, config, out, { ...flags, region: [region] });
    expect(some.length).toBeLessThan(whole.length);
    expect(await stored()).toEqual(issued);
    // the whole list is a re-issue: it replaces the date's issue, a loan no longer a case included
    await exec(
      wh,
      `INSERT INTO ${wh.database}.case_assignments (experiment, as_of, loan_id, arm, stage, grade, action, product, region, dpd, balance, assigned_at)
       VALUES ('exp-scope', {d:Date}, 'GONE', 'control', 'early', 'A', 'sms_reminder', 'consumer', {r:String}, 1, 1, 0)`,
      { d: asOf, r: region },
    );
    await runCases(wh, config, out, flags);
    expect(await stored()).toEqual(issued);
  });

  it('a list built in ranges of loan ids (one statement each) is the list built whole, on a month-end and after it', async () => {
    for (const o of [options(), { ...options(), asOf: '2024-05-31' }]) {
      const whole = await buildCaseList(wh, { ...o, parts: 1 });
      expect(whole.length).toBeGreaterThan(50);
      for (const parts of [3, 7]) expect(await buildCaseList(wh, { ...o, parts })).toEqual(whole);
    }
  });

  it("a month-end list takes what each case owes from the snapshot's accrual rows: what folding each loan's history gives", async () => {
    const me = '2024-05-31';
    const list = await buildCaseList(wh, { ...options(), asOf: me });
    const ids = param(
      list.map((c) => c.loan_id),
      'Array(String)',
    );
    const folded = new Map(
      (
        await amountToCureFromHistory(wh, { asOf: me, settings: defaultSettings, loans: sql`SELECT arrayJoin(${ids})` })
      ).map((r) => [r.loan_id, r]),
    );
    expect(list.filter((c) => (c.charges_owed ?? 0) > 0).length).toBeGreaterThan(10);
    for (const c of list) {
      const f = folded.get(c.loan_id)!;
      expect(c.amount_to_cure).toBe(f.amount_to_cure);
      expect(c.charges_owed).toBeCloseTo(f.amount_to_cure - f.overdue_principal - f.overdue_interest, 2);
    }
  });

  it('a counterfactual searched once is kept for its score: the next list reads it, not one of another score, and a re-score forgets it', async () => {
    const table = `${wh.database}.loan_counterfactuals`;
    const keptRows = () =>
      queryRows<{ loan_id: string; text_en: string; scored_at: number }>(
        wh,
        `SELECT loan_id, text_en, toUInt32(scored_at) AS scored_at FROM ${table} WHERE month_end = '2024-05-31'`,
      );
    const scored = cases.filter((c) => c.probability_source !== 'roll_rate_matrix');
    expect(scored.filter((c) => c.counterfactual).length).toBeGreaterThan(10);
    const kept = new Map((await keptRows()).map((r) => [r.loan_id, r]));
    for (const c of scored) if (c.counterfactual) expect(kept.get(c.loan_id)?.text_en).toBe(c.counterfactual);
    // a sentence starts from the case's own grade: a case whose grade moved since its score has none
    for (const c of scored.filter((x) => x.counterfactual))
      expect(c.counterfactual, c.loan_id).toMatch(new RegExp(`from grade ${c.grade} `, 'u'));
    expect(scored.some((c) => !c.counterfactual && c.probability_source === 'model_updated')).toBe(true);
    expect(await buildCaseList(wh, options())).toEqual(cases);

    // what the list shows is the kept row of its score; a row of an earlier score is searched again
    const [x, y] = scored.filter((c) => c.counterfactual);
    const scoredAt = kept.get(x!.loan_id)!.scored_at;
    await exec(wh, `TRUNCATE TABLE ${table}`);
    const row = { model_name: champion.model_name, model_version: champion.version, month_end: '2024-05-31' };
    await wh.client.insert({
      table,
      format: 'JSONEachRow',
      values: [
        {
          ...row,
          loan_id: x!.loan_id,
          spec: counterfactualSpec(),
          scored_at: scoredAt,
          text_en: 'kept',
          text_zh: '留',
        },
        {
          ...row,
          loan_id: y!.loan_id,
          spec: counterfactualSpec(),
          scored_at: scoredAt - 60,
          text_en: 'old',
          text_zh: '旧',
        },
      ],
    });
    const read = await buildCaseList(wh, options());
    expect(read.find((c) => c.loan_id === x!.loan_id)).toMatchObject({
      counterfactual: 'kept',
      counterfactual_zh: '留',
    });
    expect(read.filter((c) => c.loan_id !== x!.loan_id)).toEqual(cases.filter((c) => c.loan_id !== x!.loan_id));

    await scoreMonthInDb(wh, champion, '2024-05-31');
    expect(await keptRows()).toEqual([]);
  });

  it("a month-end's likely cases are searched when it is scored: its list then searches none, with the same sentences", async () => {
    const me = '2024-05-31';
    const table = `${wh.database}.loan_counterfactuals`;
    const keptRows = () =>
      queryRows<{ loan_id: string; text_en: string; scored_at: number }>(
        wh,
        `SELECT loan_id, text_en, toUInt32(scored_at) AS scored_at FROM ${table} WHERE month_end = {me:Date} ORDER BY loan_id`,
        { me },
      );
    await exec(wh, `TRUNCATE TABLE ${table}`);
    const searchedByList = await buildCaseList(wh, { ...options(), asOf: me });
    await exec(wh, `TRUNCATE TABLE ${table}`);

    const { searched } = await keepMonthEndCounterfactuals(wh, champion, me);
    const kept = await keptRows();
    expect(searched).toBe(kept.length);
    const withModel = searchedByList.filter((c) => c.probability_source !== 'roll_rate_matrix');
    expect(withModel.filter((c) => c.counterfactual).length).toBeGreaterThan(10);
    // every case the model ranks is kept already (nothing left for the list to search), and nothing else
    expect(kept.map((k) => k.loan_id)).toEqual(withModel.map((c) => c.loan_id).sort());
    const list = await buildCaseList(wh, { ...options(), asOf: me });
    expect(await keptRows()).toEqual(kept);
    expect(list).toEqual(searchedByList);
    // searched once per score
    expect(await keepMonthEndCounterfactuals(wh, champion, me)).toEqual({ searched: 0 });
  });

  it('a month-end reads the fresh snapshot, with the same answer as evaluating the history; other dates and stale snapshots evaluate', async () => {
    const me = '2024-05-31';
    const q = await activeDelinquencyQuery(wh, me, defaultSettings);
    expect(q.source).toBe('snapshot');
    const fromSnapshot = await queryRows<Record<string, unknown>>(
      wh,
      `SELECT * FROM (${q.query}) ORDER BY loan_id`,
      q.query_params,
    );
    const fromHistory = (await delinquencyAsOf(wh, me, defaultSettings)).filter((d) => d.status === 'active');
    expect(fromSnapshot.length).toBeGreaterThan(100);
    expect(fromSnapshot.map((r) => ({ ...r, dpd: Number(r.dpd) }))).toEqual(fromHistory);
    expect((await activeDelinquencyQuery(wh, '2024-05-30', defaultSettings)).source).toBe('month_end_state');
    expect((await activeDelinquencyQuery(wh, me, { ...defaultSettings, bucketBounds: [15, 30, 60, 90] })).source).toBe(
      'history',
    );
    // an ingest that finished after the snapshot read its inputs makes it stale
    await markSnapshotStale(wh, 'payments');
    expect((await activeDelinquencyQuery(wh, me, defaultSettings)).source).toBe('history');
    expect((await activeDelinquencyQuery(wh, '2024-06-15', defaultSettings)).source).toBe('history');
  });
});
