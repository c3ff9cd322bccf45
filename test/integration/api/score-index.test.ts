import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestScores, ScoreIndex, type ServedScore } from '../../../api/score-index.ts';
import { runScore } from '../../../bin/commands/score.ts';
import { queryRows } from '../../../warehouse/connection.ts';
import { defaultTarget, targetName } from '../../../warehouse/feature-catalogue.ts';
import type { ModelVersion } from '../../../models/registry/registry.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { withScoredChampion } from '../../helpers/scored-champion.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/** The index's answer once it has one: an as-of month it does not hold yet is loaded beside the lookup (null until then). */
async function answered(index: ScoreIndex, ids: string[], asOf: string | undefined): Promise<ServedScore[]> {
  for (let i = 0; i < 200; i++) {
    const r = await index.lookup(ids, asOf);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`the index never answered as of ${String(asOf)}`);
}

const byId = (rows: ServedScore[]) => [...rows].sort((a, b) => a.loan_id.localeCompare(b.loan_id));

describe('score index: lookups with an as-of date from memory', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let champion: ModelVersion;
  let ids: string[] = [];
  const scored = ['2024-02-29', '2024-04-30', '2024-06-30'];

  beforeAll(async () => {
    wh = await warehouseWithBook('score-index', { loans: 800, months: 24, seed: 21 });
    champion = await withScoredChampion(wh, { scoreMonthEnds: scored });
    // loans scored at some month-ends only (closed or opened in between) with loans scored at every one, and an unknown id
    const rows = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${wh.database}.scores GROUP BY loan_id ORDER BY count() < 3 DESC, cityHash64(loan_id) LIMIT 60`,
    );
    ids = [...rows.map((r) => r.loan_id), 'no-such-loan'];
  }, 600_000);
  afterAll(() => disposeIfOpened(wh));

  it('answers every as-of date exactly as the warehouse does (before, on and between scored month-ends, and after)', async () => {
    const index = new ScoreIndex(wh, targetName(defaultTarget));
    const dates = ['2023-12-31', '2024-02-28', ...scored, '2024-03-15', '2024-05-31', '2024-07-15', '2030-01-01'];
    for (const asOf of [undefined, ...dates]) {
      const fromWarehouse = await latestScores(
        wh,
        { model_name: champion.model_name, version: champion.version },
        { ids, asOf },
      );
      expect(byId(await answered(index, ids, asOf)), String(asOf)).toEqual(byId(fromWarehouse));
    }
    // the loans scored at some month-ends only are in the comparison
    const counts = await queryRows<{ n: string }>(
      wh,
      `SELECT count() AS n FROM ${wh.database}.scores WHERE loan_id IN {ids:Array(String)} GROUP BY loan_id HAVING n < 3`,
      { ids },
    );
    expect(counts.length).toBeGreaterThan(0);
  });

  it("gives each score its loan's DPD at the scored month-end (the population check), past-due loans among them", async () => {
    const rows = await latestScores(wh, { model_name: champion.model_name, version: champion.version }, {});
    const snapshot = await queryRows<{ loan_id: string; me: string; dpd: number }>(
      wh,
      `SELECT loan_id, toString(month_end) AS me, dpd FROM ${wh.database}.loan_month
      WHERE month_end IN {months:Array(Date)}`,
      { months: scored },
    );
    const dpdAt = new Map(snapshot.map((r) => [`${r.loan_id}@${r.me}`, r.dpd]));
    for (const r of rows) expect(r.dpd, r.loan_id).toBe(dpdAt.get(`${r.loan_id}@${r.month_end}`) ?? null);
    expect(rows.filter((r) => r.dpd !== null && r.dpd > defaultTarget.dpdThreshold).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.dpd !== null && r.dpd <= defaultTarget.dpdThreshold).length).toBeGreaterThan(0);
  });

  it('holds a bounded number of earlier months and still answers the others', async () => {
    const index = new ScoreIndex(wh, targetName(defaultTarget));
    // more earlier as-of months than the index holds, back and forth: each answer stays the warehouse's
    for (const asOf of ['2024-02-29', '2024-04-30', '2024-03-31', '2024-02-29', '2024-05-15']) {
      const fromWarehouse = await latestScores(
        wh,
        { model_name: champion.model_name, version: champion.version },
        { ids, asOf },
      );
      expect(byId(await answered(index, ids, asOf)), asOf).toEqual(byId(fromWarehouse));
    }
  });

  it('loanwatch score counts the loans it scored past the population', async () => {
    const summary = await runScore(wh, {
      'as-of': '2024-06-30',
      model: undefined,
      'in-db': true,
      target: targetName(defaultTarget),
    });
    const rows = await latestScores(wh, { model_name: champion.model_name, version: champion.version }, {});
    const past = rows.filter((r) => r.month_end === '2024-06-30' && r.dpd !== null && r.dpd > 30);
    expect(past.length).toBeGreaterThan(0);
    expect('outsidePopulation' in summary ? summary.outsidePopulation : null).toBe(past.length);
  });

  it('gives null (the warehouse answers) while an earlier month is being loaded', async () => {
    const index = new ScoreIndex(wh, targetName(defaultTarget));
    await answered(index, ids, undefined);
    const first = await index.lookup(ids, '2024-03-31');
    expect(first).toBeNull();
  });
});
