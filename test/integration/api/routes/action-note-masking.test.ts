// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * Phone and ID numbers typed into a note or a reason never reach the answers, the audit log or the
 * corrections' trail: masked where the note is stored (a recorded or corrected action), and when
 * shown (an action stored before masking).
 */
describe('notes and reasons: phone and ID numbers masked where stored and shown', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'note_masking',
      {
        'loans.csv': [
          'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,region',
          'L1,c1,consumer,2023-12-15,600.00,0.2,6,east',
        ],
      },
      false,
    );
    admin = (await createApiKey(wh, { role: 'admin', label: 'adm' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const send = async (method: string, path: string, body?: unknown) => {
    const r = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, text: await r.text() };
  };
  const action = { loan_id: 'L1', action_date: '2024-02-20', channel: 'phone', outcome: 'contacted' };
  const storedNote = async (id: string) =>
    (
      await queryRows<{ note: string }>(
        wh,
        `SELECT note FROM ${wh.database}.collection_actions WHERE action_id = {id:String}`,
        {
          id,
        },
      )
    )[0]?.note;

  it.each([
    ['A1', '13812345678 is his new number', '138****5678 is his new number'],
    ['A2', '新号码13812345678，周五再打', '新号码138****5678，周五再打'],
    ['A3', 'wife answered, call 010-12345678', 'wife answered, call 010-****5678'],
  ])('%s: recorded with a number in its note, stored and answered masked', async (id, note, masked) => {
    const r = await send('POST', '/v1/collection-actions', { action_id: id, ...action, note });
    expect(r.status).toBe(201);
    expect(r.text).not.toContain('12345678');
    expect(await storedNote(id)).toBe(masked);
    const listed = await send('GET', '/v1/collection-actions?loan_id=L1');
    expect(listed.text).toContain(masked);
    expect(listed.text).not.toContain('12345678');
  });

  it('a correction and a withdrawal: the new note and the reasons masked in the audit log and the trail', async () => {
    const put = await send('PUT', '/v1/collection-actions/A1', {
      ...action,
      note: 'id 11010519491231002X confirmed',
      reason: 'he gave 13912345678 instead',
    });
    expect(put.status).toBe(200);
    expect(await storedNote('A1')).toBe('id 110***********002X confirmed');
    const w = await send('POST', '/v1/collection-actions/A2/withdraw', { reason: 'wrong party, 13700001111' });
    expect(w.status).toBe(200);
    const logged = await queryRows<{ details: string }>(
      wh,
      `SELECT details FROM ${wh.database}.audit_log WHERE action LIKE 'collection_actions.%'`,
    );
    const trail = await queryRows<{ reason: string }>(wh, `SELECT reason FROM ${wh.database}.row_corrections`);
    const all = [...logged.map((l) => l.details), ...trail.map((t) => t.reason)].join('\n');
    expect(all).toContain('139****5678');
    expect(all).toContain('137****1111');
    expect(all).not.toMatch(/13912345678|13700001111|110105194912310|12345678/u);
  });

  it('an action stored before masking is answered masked', async () => {
    await exec(
      wh,
      `INSERT INTO ${wh.database}.collection_actions (action_id, loan_id, action_date, channel, outcome, ingest_id, source, recorded_by, note)
      VALUES ('OLD', 'L1', '2024-02-21', 'phone', 'contacted', 'api', 'api', 'k', 'old note 13812345678')`,
    );
    const listed = await send('GET', '/v1/collection-actions?loan_id=L1');
    expect(listed.text).toContain('old note 138****5678');
    expect(listed.text).not.toContain('13812345678');
  });
});
