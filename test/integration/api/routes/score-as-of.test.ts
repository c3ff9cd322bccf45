import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { dataFirstDate, dataLastDate } from '../../../../warehouse/data-horizon.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { withScoredChampion } from '../../../helpers/scored-champion.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

interface Refusal {
  error: { code: string; message: string; details: { fields: { field: string }[] } };
}

/**
 * A score lookup's as_of outside the data is refused as the other dated routes refuse it
 * (warehouse/data-horizon.ts): as_of=2030-01-31 answered 200 with the latest score, a score "as of"
 * a day the data does not reach.
 */
describe('score lookups: an as_of outside the data is a 400 naming the bound', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let key = '';
  let loan = '';
  let first = '';
  let last = '';
  beforeAll(async () => {
    wh = await warehouseWithBook('score-as-of', { loans: 800, months: 24, seed: 21 });
    await withScoredChampion(wh, { scoreMonthEnds: ['2024-06-30'] });
    app = unthrottledApp(wh);
    key = (await createApiKey(wh, { role: 'modeler', label: 'as-of' })).key;
    const [s] = await queryRows<{ loan_id: string }>(
      wh,
      `SELECT loan_id FROM ${wh.database}.scores ORDER BY loan_id LIMIT 1`,
    );
    loan = s!.loan_id;
    first = (await dataFirstDate(wh))!;
    last = (await dataLastDate(wh))!;
  }, 600_000);
  afterAll(() => disposeIfOpened(wh));

  const call = (path: string, body?: unknown) =>
    app.request(path, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const refused = async (r: Response) => {
    expect(r.status).toBe(400);
    const body = (await r.json()) as Refusal;
    expect(body.error.code).toBe('bad_request');
    expect(body.error.details.fields.map((f) => f.field)).toEqual(['as_of']);
    return body.error.message;
  };

  it("as_of far past the data's last day: 400 naming the last day and the 7 days allowed, for the lookup and the batch", async () => {
    const past = new RegExp(`^as_of 2030-01-31 is \\d+ days after the data's last day ${last} \\(at most 7\\)`, 'u');
    expect(await refused(await call(`/v1/loans/${loan}/score?as_of=2030-01-31`))).toMatch(past);
    // asked again (the verdict is kept): still refused
    expect(await refused(await call(`/v1/loans/${loan}/score?as_of=2030-01-31`))).toMatch(past);
    expect(await refused(await call('/v1/scores', { loan_ids: [loan], as_of: '2030-01-31' }))).toMatch(past);
    // a stored score counts nothing as unpaid: the refusal says what a score past the data would be
    const message = await refused(await call(`/v1/loans/${loan}/score?as_of=2030-01-31`));
    expect(message).not.toContain('would count as unpaid');
    expect(message).toContain('the score on a day the data does not reach');
  });

  it("as_of before the data's first day: 400 naming it; a day within the data answers the score", async () => {
    expect(await refused(await call(`/v1/loans/${loan}/score?as_of=2001-01-31`))).toBe(
      `as_of 2001-01-31 is before the data's first day ${first}: there is nothing on it`,
    );
    const within = await call(`/v1/loans/${loan}/score?as_of=2024-06-30`);
    expect(within.status).toBe(200);
    expect(await within.json()).toMatchObject({ loan_id: loan, month_end: '2024-06-30' });
    expect((await call(`/v1/loans/${loan}/score`)).status).toBe(200);
  });
});
