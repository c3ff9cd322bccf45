// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { formPage } from '../../../../api/console/session-auth.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';

/*
 * The loan page's Correct / Withdraw: links on the actions the signed-in key may change, a form
 * prefilled with the stored values (or a reason), posted with the session's CSRF token to the API's
 * own functions; refusals shown on the page as the record form's, in English and Chinese.
 */
const asOf = '2024-06-30';
const files = oneLoanBook({ date: '2024-06-30', channel: 'sms', outcome: 'no_contact' });
const page = `/console/loans/L1?as_of=${asOf}`;

describe("the loan page's correction and withdrawal forms", () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let mine = '';
  let peer = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('console_changes', files, asOf);
    mine = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'a' })).key;
    peer = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'b' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const stored = async (id: string) =>
    (
      await queryRows<{ n: string; amount: string | null; date: string | null; note: string }>(
        wh,
        `SELECT toString(count()) AS n, toDecimalString(any(promised_amount), 2) AS amount, toString(any(promised_date)) AS date, any(note) AS note
        FROM ${wh.database}.collection_actions WHERE action_id = {id:String}`,
        { id },
      )
    )[0]!;
  const rowOf = (htmlText: string, id: string) =>
    new RegExp(`<tr data-action="${id}">[\\s\\S]*?</tr>`, 'u').exec(htmlText)?.[0] ?? '';

  it('a recorded promise: Correct opens the form prefilled; posted, the stored action changes and the page says so', async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(mine);
    const recorded = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: {
        _csrf: await b.csrf(page),
        action_id: 'C1',
        action_date: '2024-06-28',
        action_time: '10:00',
        channel: 'phone',
        outcome: 'promise_to_pay',
        promised_amount: '100',
        promised_date: '2024-07-05',
        note: 'will pay friday',
      },
    });
    expect(recorded.status).toBe(303);
    const html = await (await b.request(page)).text();
    // his recorded action has the links, the file's action not
    expect(rowOf(html, 'C1')).toMatch(
      /href="\/console\/loans\/L1\?as_of=2024-06-30&(amp;)?correct=C1#change"\s*>Correct</u,
    );
    expect(rowOf(html, 'C1')).toMatch(/withdraw=C1#change"\s*>Withdraw</u);
    expect(rowOf(html, 'F1')).not.toMatch(/correct=/u);
    const form = await (await b.request(`${page}&correct=C1`)).text();
    expect(form).toContain('action="/console/loans/L1/actions/C1/correct?as_of=2024-06-30#change-section"');
    const section = /<section aria-labelledby="change"[\s\S]*?<\/section>/u.exec(form)?.[0] ?? '';
    for (const v of [
      'value="2024-06-28"',
      'value="10:00"',
      'value="100.00"',
      'value="2024-07-05"',
      '>will pay friday</textarea>',
    ])
      expect(section).toContain(v);
    expect(section).toMatch(/<option value="promise_to_pay" selected>/u);
    expect(section).toMatch(/name="_csrf" value="[^"]+"/u);

    const fields = {
      action_date: '2024-06-28',
      action_time: '10:00',
      channel: 'phone',
      outcome: 'promise_to_pay',
      promised_amount: '1,500.00',
      promised_date: '2024-07-10',
      note: 'will pay friday',
      reason: 'amount misheard',
    };
    // without the page's token: refused, nothing changed
    const forged = await b.request(`/console/loans/L1/actions/C1/correct?as_of=${asOf}`, {
      method: 'POST',
      form: { ...fields, _csrf: 'not-the-token' },
    });
    expect(forged.status).toBe(403);
    expect((await stored('C1')).amount).toBe('100.00');
    const saved = await b.request(`/console/loans/L1/actions/C1/correct?as_of=${asOf}`, {
      method: 'POST',
      form: { ...fields, _csrf: await b.csrf(page) },
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${page}&corrected=C1#saved`);
    expect(await stored('C1')).toEqual({ n: '1', amount: '1500.00', date: '2024-07-10', note: 'will pay friday' });
    const after = await (await b.request(saved.headers.get('location')!)).text();
    expect(after).toMatch(/class="ok" role="status" id="saved">Corrected: 2024-06-28 10:00 · /u);
  });

  it('a refused correction is shown above the form with the values typed, in the page language; nothing changes', async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(mine);
    for (const lang of ['en', 'zh-CN'] as const) {
      const r = await b.request(`/console/loans/L1/actions/C1/correct?as_of=${asOf}&lang=${lang}`, {
        method: 'POST',
        form: {
          _csrf: await b.csrf(page),
          action_date: '2024-06-28',
          action_time: '10:00',
          channel: 'phone',
          outcome: 'promise_to_pay',
          promised_amount: '200.00',
          promised_date: '2024-06-20',
          note: 'typed again',
        },
      });
      expect(r.status).toBe(400);
      const text = await r.text();
      expect(text).toMatch(/id="change-error"/u);
      expect(text).toContain(lang === 'en' ? 'Not saved: ' : '未保存：');
      // the title names the stored action in words, its id small
      expect(text).toMatch(
        lang === 'en'
          ? /<h2 id="change">Correct action: 2024-06-28 10:00 · Phone · Promise to pay · 1,500.00 @ 2024-07-10\s*<small class="note action-id"[^>]*>C1<\/small>/u
          : /<h2 id="change">更正催收记录：2024-06-28 10:00 · 电话 · 承诺还款 · 1,500.00 @ 2024-07-10\s*<small class="note action-id"[^>]*>C1<\/small>/u,
      );
      expect(text).toContain('value="200.00"');
      expect(text).toContain('>typed again</textarea>');
    }
    expect((await stored('C1')).amount).toBe('1500.00');
  });

  it("another collector's page has no links, and his post is refused on the page", async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(peer);
    const html = await (await b.request(page)).text();
    expect(rowOf(html, 'C1')).not.toMatch(/correct=C1/u);
    // asked for by hand, the form is not shown either
    expect(await (await b.request(`${page}&correct=C1`)).text()).not.toContain('/actions/C1/correct');
    const r = await b.request(`/console/loans/L1/actions/C1/withdraw?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), reason: 'not mine' },
    });
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/id="change-error"/u);
    expect((await stored('C1')).n).toBe('1');
  });

  it('Withdraw asks for a reason (en and zh), then removes the action; the page says so', async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(mine);
    const zh = await (await b.request(`${page}&withdraw=C1&lang=zh-CN`)).text();
    expect(zh).toMatch(/<h2 id="change">撤回催收记录：2024-06-28 10:00 · /u);
    expect(zh).toMatch(/<input\s+type="text"\s+name="reason"[^>]*required/u);
    const en = await (await b.request(`${page}&withdraw=C1&lang=en`)).text();
    expect(en).toContain('action="/console/loans/L1/actions/C1/withdraw?as_of=2024-06-30#change-section"');
    const blank = await b.request(`/console/loans/L1/actions/C1/withdraw?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), reason: '  ' },
    });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toMatch(/id="change-error"[^>]*>Not saved: /u);
    expect((await stored('C1')).n).toBe('1');
    const done = await b.request(`/console/loans/L1/actions/C1/withdraw?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), reason: 'recorded on the wrong loan' },
    });
    expect(done.status).toBe(303);
    expect((await stored('C1')).n).toBe('0');
    const after = await (await b.request(done.headers.get('location')!)).text();
    expect(after).toMatch(/class="ok" role="status" id="saved">Withdrawn: 2024-06-28 10:00 · /u);
    expect(rowOf(after, 'C1')).toBe('');
    // a crafted link's text, or an action not withdrawn, gets no banner
    for (const id of ['All%20debts%20forgiven', 'F1'])
      expect(await (await b.request(`${page}&withdrawn=${id}`)).text()).not.toMatch(/Withdrawn:/u);
  });

  it('a form posted after the session ended leads back to the loan page', () => {
    expect(formPage('/console/loans/L1/actions/C1/correct')).toBe('/console/loans/L1');
    expect(formPage('/console/loans/L1/actions/C1/withdraw')).toBe('/console/loans/L1');
    expect(formPage('/console/loans/L1/actions')).toBe('/console/loans/L1');
  });
});
