import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * GET /v1/warnings for a day the rules never ran for answered an empty 200, read as "nothing fired"
 * (review 4 §2): it is a 404 naming the command that computes the day and the latest day stored.
 */
const asOf = '2024-06-30';

describe('GET /v1/warnings for a day without stored warnings', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof unthrottledApp>;
  const keys = { admin: '', collector: '' };
  beforeAll(async () => {
    wh = await warehouseWithBook('warning_days', { loans: 300, months: 14, seed: 8 });
    app = unthrottledApp(wh);
    keys.admin = (await createApiKey(wh, { role: 'admin' })).key;
    keys.collector = (await createApiKey(wh, { role: 'collector', region: 'east' })).key;
  });
  afterAll(() => disposeIfOpened(wh));

  const get = async (path: string, key: string) => {
    const r = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
    return { status: r.status, body: (await r.json()) as { warnings?: unknown[]; error?: { message: string } } };
  };

  it('is a 404 naming `loanwatch warnings --as-of`, before any run and beside a day that ran; the day that ran lists', async () => {
    const none = await get(`/v1/warnings?as_of=${asOf}`, keys.admin);
    expect(none.status).toBe(404);
    expect(none.body.error?.message).toBe(
      `no warnings stored for ${asOf} (the rules never ran for it, or fired nothing in the whole book): run loanwatch warnings --as-of ${asOf}`,
    );
    await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: defaultWarningRules });
    for (const key of [keys.admin, keys.collector]) {
      const ran = await get(`/v1/warnings?as_of=${asOf}&limit=1`, key);
      expect(ran.status).toBe(200);
      const before = await get('/v1/warnings?as_of=2024-06-29&limit=1', key);
      expect(before.status).toBe(404);
      expect(before.body.error?.message).toMatch(
        /^no warnings stored for 2024-06-29 .*: run loanwatch warnings --as-of 2024-06-29; the latest day with warnings is 2024-06-30$/u,
      );
    }
    // a filter that leaves nothing on a day that ran is still an empty 200: the day was computed
    const filtered = await get(`/v1/warnings?as_of=${asOf}&severity=info&rule=overdue_3_months&limit=1`, keys.admin);
    expect(filtered).toEqual({ status: 200, body: { warnings: [], next_cursor: null } });
  });
});
