import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * A score answer says whether its loan was in the model's population (DPD ≤ 30 at the month-end):
 * `loanwatch score` scores every active loan, and a loan 95 days past due read as a plain grade.
 * A lookup and a batch, for a loan inside and one past it.
 */
describe('score answers: in_population and its reason', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let key = '';
  const monthEnd = '2024-06-30';
  beforeAll(async () => {
    wh = await warehouseWithBook('score-population', { loans: 800, months: 24, seed: 21 });
    await withScoredChampion(wh, { scoreMonthEnds: [monthEnd] });
    app = unthrottledApp(wh);
    key = (await createApiKey(wh, { role: 'modeler', label: 'population' })).key;
  }, 600_000);
  afterAll(() => disposeIfOpened(wh));

  const loanAt = async (past: boolean) => {
    const [r] = await queryRows<{ loan_id: string; dpd: number }>(
      wh,
      `SELECT s.loan_id AS loan_id, m.dpd AS dpd FROM ${wh.database}.scores AS s
      INNER JOIN ${wh.database}.loan_month AS m ON m.loan_id = s.loan_id AND m.month_end = s.month_end
      WHERE s.month_end = {me:Date} AND ${past ? 'm.dpd > 30' : 'm.dpd <= 30'} ORDER BY m.dpd DESC, s.loan_id LIMIT 1`,
      { me: monthEnd },
    );
    return r!;
  };
  const get = async (path: string, body?: unknown) =>
    (await (
      await app.request(path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
    ).json()) as Record<string, unknown>;

  it('a loan past DPD 30 is outside, with its DPD and month-end in the reason; one inside is inside', async () => {
    const past = await loanAt(true);
    const inside = await loanAt(false);
    const outside = await get(`/v1/loans/${past.loan_id}/score`);
    expect(outside.in_population).toBe(false);
    expect(outside.population_reason).toMatch(
      new RegExp(`^DPD ${past.dpd} at ${monthEnd}, past the model's population \\(DPD ≤ 30 at the month-end\\)`, 'u'),
    );
    expect(await get(`/v1/loans/${inside.loan_id}/score`)).toMatchObject({
      in_population: true,
      population_reason: null,
    });
    const batch = (await get('/v1/scores', { loan_ids: [past.loan_id, inside.loan_id] })) as {
      scores: { loan_id: string; in_population: boolean }[];
    };
    expect(Object.fromEntries(batch.scores.map((s) => [s.loan_id, s.in_population]))).toEqual({
      [past.loan_id]: false,
      [inside.loan_id]: true,
    });
  });
});
