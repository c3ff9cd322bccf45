import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules, parseWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * GET /v1/warnings answered an empty 200 both for a day the rules never ran for and for a day they
 * ran and fired nothing. fc418ad made the first a 404 but, with no run record, the second too
 * (reverted in abcc252). With warning_runs: never run → 404 naming the command; ran and fired
 * nothing → an empty 200 with the run's time.
 */
const asOf = '2024-06-30';
/** fires nothing on a 14-month book: a quiet day */
const quietRules = parseWarningRules({
  rules: [{ id: 'overdue_10_years', kind: 'consecutive_overdue', months: 120, severity: 'critical' }],
});
const time = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/u;

interface Listed {
  warnings?: unknown[];
  computed_at?: string;
  skipped_rules?: string[];
  next_cursor?: string | null;
  error?: { code: string; message: string };
}

describe('GET /v1/warnings: a day never computed is a 404, a quiet day an empty 200 with its run time', () => {
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

  const get = async (path: string, key = keys.admin, accept = 'application/json') => {
    const r = await app.request(path, { headers: { authorization: `Bearer ${key}`, accept } });
    const text = await r.text();
    return { status: r.status, text, body: (accept === 'text/csv' && r.ok ? {} : JSON.parse(text)) as Listed };
  };

  it('never run: 404 naming loanwatch warnings --as-of, for every role that reads warnings', async () => {
    for (const key of [keys.admin, keys.collector]) {
      const none = await get(`/v1/warnings?as_of=${asOf}`, key);
      expect(none.status).toBe(404);
      expect(none.body.error).toMatchObject({
        code: 'not_found',
        message: `warnings not computed for ${asOf}: the rules never ran for it — run loanwatch warnings --as-of ${asOf}`,
      });
    }
  });

  it('ran and fired nothing: an empty 200 with computed_at, JSON and CSV; another day still 404 naming the latest computed', async () => {
    const outcome = await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: quietRules });
    expect(outcome.map((o) => o.fired)).toEqual([0]);
    for (const key of [keys.admin, keys.collector]) {
      const quiet = await get(`/v1/warnings?as_of=${asOf}`, key);
      expect(quiet.status).toBe(200);
      expect(quiet.body).toEqual({
        warnings: [],
        computed_at: expect.stringMatching(time) as string,
        skipped_rules: [],
        next_cursor: null,
      });
    }
    const csv = await get(`/v1/warnings?as_of=${asOf}`, keys.admin, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n')).toHaveLength(1);
    const before = await get('/v1/warnings?as_of=2024-06-29');
    expect(before.status).toBe(404);
    expect(before.body.error?.message).toBe(
      `warnings not computed for 2024-06-29: the rules never ran for it — run loanwatch warnings --as-of 2024-06-29 (the latest day computed is ${asOf})`,
    );
  });

  it('a day that fired lists, and filters that leave nothing on it are an empty 200 with the latest run time', async () => {
    const quiet = await get(`/v1/warnings?as_of=${asOf}`);
    await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: defaultWarningRules });
    const fired = await get(`/v1/warnings?as_of=${asOf}&limit=1`);
    expect(fired.status).toBe(200);
    expect(fired.body.warnings).toHaveLength(1);
    expect(fired.body.computed_at! >= quiet.body.computed_at!).toBe(true);
    const filtered = await get(`/v1/warnings?as_of=${asOf}&severity=info&limit=1`);
    expect(filtered.body).toEqual({
      warnings: [],
      computed_at: fired.body.computed_at,
      skipped_rules: ['high_score', 'score_jump', 'model_drift'],
      next_cursor: null,
    });
    // a rule the run skipped (no champion) lists nothing because it never ran, and says so
    const skipped = await get(`/v1/warnings?as_of=${asOf}&rule=high_score,broken_promise`);
    expect(skipped.body).toMatchObject({ skipped_rules: ['high_score'] });
    const byKind = await get(`/v1/warnings?as_of=${asOf}&kind=score_jump`);
    expect(byKind.body).toEqual({
      warnings: [],
      computed_at: fired.body.computed_at,
      skipped_rules: ['score_jump'],
      next_cursor: null,
    });
  });
});
