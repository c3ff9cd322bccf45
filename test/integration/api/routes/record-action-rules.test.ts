// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { count, disposeIfOpened } from '../../../helpers/warehouse.ts';

/*
 * The routes that record a collection action (POST /v1/collection-actions, the console's outcome
 * form) hold the recorded row to the ingest's rules: a contact before the loan's origination is
 * refused with the reason a file's row is quarantined with (one rule, pipelines/ingest/origination-rule.ts),
 * and the note, which a file's row has not, to a file's text rules (no control character).
 */
const asOf = '2024-06-30';
const files = {
  'loans.csv': [
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
    'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
    'L2,c2,consumer,2024-06-30,600.00,0.2,6,east',
  ],
};

interface ErrorBody {
  error: {
    code: string;
    message: string;
    request_id: string;
    details: { fields: { field: string; message: string }[] };
  };
}

describe('recording an action keeps to the ingest rules', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let collector = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('record_rules', files, asOf);
    admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    collector = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'east' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  let n = 0;
  const post = async (key: string, body: Record<string, unknown>) => {
    const r = await app.request('/v1/collection-actions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action_id: `rr-${++n}`, channel: 'phone', outcome: 'contacted', ...body }),
    });
    return { status: r.status, body: (await r.json()) as ErrorBody };
  };
  const refused = (r: { status: number; body: ErrorBody }, field: string, message: RegExp) => {
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(r.body.error.message).toMatch(message);
    expect(r.body.error.details.fields.map((f) => f.field)).toContain(field);
  };

  it("POST /v1/collection-actions: a contact before the loan's origination is refused with the ingest's reason", async () => {
    const before = await count(wh, 'collection_actions');
    for (const key of [admin, collector]) {
      for (const [loan, date, origination] of [
        ['L1', '2023-12-14', '2023-12-15'],
        ['L1', '2019-01-01', '2023-12-15'],
        ['L2', '2024-06-29', '2024-06-30'],
      ] as const) {
        refused(
          await post(key, { loan_id: loan, action_date: date }),
          'action_date',
          new RegExp(`^action_date: ${date} is before the loan's origination ${origination}$`, 'u'),
        );
        // a promise made that day: the origination's reason first, with the promise's own terms
        const p = await post(key, {
          loan_id: loan,
          action_date: date,
          outcome: 'promise_to_pay',
          promised_amount: '100.00',
          promised_date: origination,
        });
        refused(
          p,
          'action_date',
          new RegExp(`^action_date: ${date} is before the loan's origination ${origination}`, 'u'),
        );
      }
    }
    expect(await count(wh, 'collection_actions')).toBe(before);
    // on the origination day itself, and after it: recorded
    expect((await post(collector, { loan_id: 'L1', action_date: '2023-12-15' })).status).toBe(201);
    expect((await post(collector, { loan_id: 'L2', action_date: '2024-06-30' })).status).toBe(201);
    expect(await count(wh, 'collection_actions')).toBe(before + 2);
  });

  it('POST /v1/collection-actions: a control character in the note (first, inside, last) is refused naming it; tab and line breaks are text', async () => {
    const before = await count(wh, 'collection_actions');
    for (const [ch, code] of [
      ['\u001b', '001B'],
      ['\u0000', '0000'],
      ['\u0007', '0007'],
    ] as const) {
      for (const note of [`${ch}[31mcalled`, `called ${ch} back`, `called back${ch}`]) {
        refused(
          await post(collector, { loan_id: 'L1', action_date: asOf, note }),
          'note',
          new RegExp(`^note: control character U\\+${code}$`, 'u'),
        );
      }
    }
    // the fields the file contract has were already held to it: the same reason as a file's row
    refused(
      await post(admin, { loan_id: 'L1', action_date: asOf, team: 'east\u001b[0m' }),
      'team',
      /^team: control character U\+001B$/u,
    );
    refused(
      await post(admin, { loan_id: 'L1', action_date: asOf, note: 'x'.repeat(1001) }),
      'note',
      /note: longer than 1000 characters/u,
    );
    expect(await count(wh, 'collection_actions')).toBe(before);
    const ok = await post(collector, { loan_id: 'L1', action_date: asOf, note: 'called\tback\nsaid\r\nnext week' });
    expect(ok.status).toBe(201);
    // characters, not bytes: a collector's note of 1000 Chinese characters (3,000 bytes) is within the limit
    const chinese = await post(collector, { loan_id: 'L1', action_date: asOf, note: '已'.repeat(1000) });
    expect(chinese.status).toBe(201);
  });

  it("the console's outcome form: the same refusals in the page's words, nothing stored", async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(collector);
    const page = `/console/loans/L1?as_of=${asOf}`;
    const form = (f: Record<string, string>) => ({
      action_date: asOf,
      action_time: '10:00',
      channel: 'phone',
      outcome: 'contacted',
      promised_amount: '',
      promised_date: '',
      note: '',
      ...f,
    });
    const before = await count(wh, 'collection_actions');
    const early = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: form({ _csrf: await b.csrf(page), action_id: 'form-early', action_date: '2023-12-14' }),
    });
    expect(early.status).toBe(400);
    expect(await early.text()).toMatch(
      /id="form-error"[^>]*>[^<]*Date: before the loan(&#39;|')s origination date 2023-12-15/u,
    );
    const esc = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: form({ _csrf: await b.csrf(page), action_id: 'form-esc', note: 'called \u001b back' }),
    });
    expect(esc.status).toBe(400);
    expect(await esc.text()).toMatch(/id="form-error"[^>]*>[^<]*Note: holds a control character U\+001B/u);
    expect(await count(wh, 'collection_actions')).toBe(before);
    const ok = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: form({ _csrf: await b.csrf(page), action_id: 'form-ok', action_date: '2023-12-15', note: 'first call' }),
    });
    expect(ok.status).toBe(303);
    expect(await count(wh, 'collection_actions')).toBe(before + 1);
  });
});
