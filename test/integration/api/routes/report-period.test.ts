import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { firstSnapshotMonthEnd } from '../../../../warehouse/data-horizon.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * GET /v1/reports/… for a month before the data rendered a pack of "—" and a header-less one-byte CSV
 * with 200 (review 4 §3); 1900-01 was refused naming `as_of`, a parameter the client never sent. Both
 * are a 400 naming `period` and the data's first month-end, as metrics and bureau refuse such a date.
 */
describe('GET /v1/reports: a period before the data', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  let admin = '';
  let first = '';
  beforeAll(async () => {
    wh = await warehouseWithBook('report_period', { loans: 150, months: 14, seed: 3 });
    app = unthrottledApp(wh);
    admin = (await createApiKey(wh, { role: 'admin' })).key;
    first = (await firstSnapshotMonthEnd(wh))!;
  });
  afterAll(() => disposeIfOpened(wh));

  const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${admin}` } });

  it('is a 400 on period with the first month-end named, for a chart and a pack; the first month itself renders', async () => {
    const month = first.slice(0, 7);
    const before = `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;
    for (const path of [
      `/v1/reports/overdue-trend?period=${before}&format=csv`,
      '/v1/reports/overdue-trend?period=2001-01&format=json',
      '/v1/reports/management?period=2001-01&format=html&lang=en',
      '/v1/reports/overdue-trend?period=1900-01&format=csv',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      const body = (await r.json()) as { error: { message: string; details: { fields: { field: string }[] } } };
      expect(body.error.message).toMatch(
        new RegExp(
          `^period \\d{4}-\\d{2} is before the data's first month-end ${first}: there is nothing to report`,
          'u',
        ),
      );
      expect(body.error.details.fields.map((f) => f.field)).toEqual(['period']);
    }
    const ok = await get(`/v1/reports/overdue-trend?period=${month}&format=csv`);
    expect(ok.status).toBe(200);
    expect((await ok.text()).split('\n')[0]).not.toBe('');
  });
});
