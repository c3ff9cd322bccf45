// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';

/*
 * The loan page's correction and withdrawal forms when a save is refused: a form opened on an older
 * version of the action (another tab, the team lead), an action withdrawn meanwhile, a blank reason.
 */
const asOf = '2024-06-30';
const files = oneLoanBook({ date: '2024-06-30', channel: 'sms', outcome: 'no_contact' });
const page = `/console/loans/L1?as_of=${asOf}`;
const langs = ['en', 'zh-CN'] as const;

describe('refused corrections and withdrawals on the loan page', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let mine = '';
  let lead = '';
  beforeAll(async () => {
    wh = await warehouseWithFiles('console_change_refusals', files, asOf);
    mine = (await createApiKey(wh, { role: 'collector', region: 'east', agent_id: 'ag-a', label: 'a' })).key;
    lead = (await createApiKey(wh, { role: 'admin', label: 'lead' })).key;
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const amountOf = async (id: string) =>
    (
      await queryRows<{ amount: string }>(
        wh,
        `SELECT toDecimalString(any(promised_amount), 2) AS amount FROM ${wh.database}.collection_actions WHERE action_id = {id:String}`,
        { id },
      )
    )[0]?.amount;
  const signedIn = async (key: string) => {
    const b = consoleBrowser(() => app);
    await b.signIn(key);
    return b;
  };
  const section = (html: string) => /<section aria-labelledby="change"[\s\S]*?<\/section>/u.exec(html)?.[0] ?? '';
  const versionIn = (html: string) => /name="version" value="([^"]*)"/u.exec(section(html))?.[1] ?? '';
  const promise = (amount: string) => ({
    action_date: '2024-06-28',
    action_time: '10:00',
    channel: 'phone',
    outcome: 'promise_to_pay',
    promised_amount: amount,
    promised_date: '2024-07-10',
    note: '',
  });
  let n = 0;
  /** a promise recorded by the collector in the console: its id */
  const recordPromise = async (b: ReturnType<typeof consoleBrowser>) => {
    const id = `R${++n}`;
    const r = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), action_id: id, ...promise('1500') },
    });
    expect(r.status).toBe(303);
    return id;
  };
  const post = async (
    b: ReturnType<typeof consoleBrowser>,
    id: string,
    kind: string,
    form: Record<string, string>,
    lang = 'en',
  ) =>
    b.request(`/console/loans/L1/actions/${id}/${kind}?as_of=${asOf}&lang=${lang}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), ...form },
    });

  it('a correction form opened before another correction is refused (409), says by whom and when, and shows the current values', async () => {
    const b = await signedIn(mine);
    for (const lang of langs) {
      const id = await recordPromise(b);
      // two tabs open the form on the same version
      const tab1 = await (await b.request(`${page}&correct=${id}`)).text();
      const tab2 = await (await b.request(`${page}&correct=${id}&lang=${lang}`)).text();
      expect(versionIn(tab1)).not.toBe('');
      expect(versionIn(tab2)).toBe(versionIn(tab1));
      const first = await post(b, id, 'correct', { ...promise('15,000'), version: versionIn(tab1) });
      expect(first.status).toBe(303);
      const stale = await post(b, id, 'correct', { ...promise('2000'), version: versionIn(tab2) }, lang);
      expect(stale.status).toBe(409);
      const html = await stale.text();
      expect(section(html)).toMatch(
        lang === 'en'
          ? /id="change-error"[^>]*>Not saved: This action was changed by \S+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC since you opened the form/u
          : /id="change-error"[^>]*>未保存：您打开此表单后，该记录已于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（UTC）被 \S+ 修改/u,
      );
      // the form refilled from what is stored now, and saving it again goes against the current version
      expect(section(html)).toContain('value="15000.00"');
      expect(section(html)).not.toContain('value="2000"');
      // what the user typed is not lost: it stands in words beside the refilled form
      expect(section(html)).toMatch(
        lang === 'en'
          ? /id="change-unsaved">\s*What you typed \(not saved\): 2024-06-28 10:00 · Phone · Promise to pay · 2000 @ 2024-07-10\s*</u
          : /id="change-unsaved">\s*您填写但未保存的内容：2024-06-28 10:00 · 电话 · 承诺还款 · 2000 @ 2024-07-10\s*</u,
      );
      expect(await amountOf(id)).toBe('15000.00');
      const again = await post(b, id, 'correct', { ...promise('2000'), version: versionIn(html) });
      expect(again.status).toBe(303);
      expect(section(await (await b.request(`${page}&correct=${id}`)).text())).not.toContain('change-unsaved');
      expect(await amountOf(id)).toBe('2000.00');
    }
  });

  it("the lead's correction is not wiped out by the collector's older form; a stale withdrawal is refused too", async () => {
    const b = await signedIn(mine);
    const l = await signedIn(lead);
    const id = await recordPromise(b);
    const opened = versionIn(await (await b.request(`${page}&withdraw=${id}`)).text());
    const correctOpened = versionIn(await (await b.request(`${page}&correct=${id}`)).text());
    expect(opened).toBe(correctOpened);
    expect(
      (
        await post(l, id, 'correct', {
          ...promise('900'),
          version: versionIn(await (await l.request(`${page}&correct=${id}`)).text()),
        })
      ).status,
    ).toBe(303);
    expect((await post(b, id, 'correct', { ...promise('2000'), version: correctOpened })).status).toBe(409);
    const w = await post(b, id, 'withdraw', { reason: 'wrong loan', version: opened });
    expect(w.status).toBe(409);
    expect(section(await w.text())).toMatch(/This action was changed by \S+ at/u);
    expect(await amountOf(id)).toBe('900.00');
  });

  it('a form posted without a version (a page older than the field) saves as before', async () => {
    const b = await signedIn(mine);
    const id = await recordPromise(b);
    expect((await post(b, id, 'correct', promise('700'))).status).toBe(303);
    expect((await post(b, id, 'correct', promise('800'))).status).toBe(303);
    expect(await amountOf(id)).toBe('800.00');
  });

  it('correcting an action another tab withdrew says it was withdrawn, by whom, when and why (en, zh)', async () => {
    const b = await signedIn(mine);
    for (const lang of langs) {
      const id = await recordPromise(b);
      const correctForm = await (await b.request(`${page}&correct=${id}`)).text();
      const withdrawForm = await (await b.request(`${page}&withdraw=${id}`)).text();
      const w = await post(b, id, 'withdraw', { reason: 'wrong loan', version: versionIn(withdrawForm) });
      expect(w.status).toBe(303);
      const r = await post(b, id, 'correct', { ...promise('2000'), version: versionIn(correctForm) }, lang);
      expect(r.status).toBe(409);
      const html = section(await r.text());
      expect(html).toMatch(
        lang === 'en'
          ? /Not saved: This action was withdrawn by \S+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(reason: wrong loan\): it can no longer be corrected/u
          : /未保存：该记录已于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（UTC）被 \S+ 撤回（原因：wrong loan），不能再更正/u,
      );
      expect(html).not.toMatch(/other content|不同内容/u);
    }
  });

  /** the fragment of the refused page's form(s) and the element it names: the error must sit in it */
  const errorInFragment = (html: string, formPath: string) => {
    const actions = [...html.matchAll(/<form\s+method="post"\s+action="([^"]*)"/gu)].map((m) =>
      m[1]!.replace(/&amp;/gu, '&'),
    );
    const action = actions.find((a) => a.split('?')[0] === formPath);
    expect(action).toBeDefined();
    const fragment = /#([\w-]+)$/u.exec(action!)?.[1];
    expect(fragment).toBeDefined();
    const named = new RegExp(`<section[^>]*\\sid="${fragment!}"[\\s\\S]*?</section>`, 'u').exec(html)?.[0] ?? '';
    expect(named).toMatch(/class="error" role="alert"/u);
    // the only error of the page is there
    expect(html.match(/role="alert"/gu)?.length).toBe(1);
  };

  it('a refused save opens at its form: the form posts to a fragment naming the section that holds the error', async () => {
    const b = await signedIn(mine);
    for (const lang of langs) {
      // the record form: a bad amount, a promised date before the contact, a missing outcome
      for (const bad of [{ promised_amount: 'abc' }, { promised_date: '2024-06-01' }, { outcome: '' }]) {
        const r = await b.request(`/console/loans/L1/actions?as_of=${asOf}&lang=${lang}`, {
          method: 'POST',
          form: { _csrf: await b.csrf(page), action_id: `bad-${lang}`, ...promise('1500'), ...bad },
        });
        expect(r.status).toBe(400);
        errorInFragment(await r.text(), '/console/loans/L1/actions');
      }
      const id = await recordPromise(b);
      const version = versionIn(await (await b.request(`${page}&correct=${id}`)).text());
      // a correction refused (400; a version the action never had: 400 on version) and a withdrawal refused (400)
      for (const [kind, form, status] of [
        ['correct', { ...promise('-5'), version }, 400],
        ['correct', { ...promise('5'), version: 'stale' }, 400],
        ['withdraw', { reason: '', version }, 400],
      ] as const) {
        const r = await post(b, id, kind, form, lang);
        expect(r.status).toBe(status);
        errorInFragment(await r.text(), `/console/loans/L1/actions/${id}/${kind}`);
      }
    }
  });

  it('full-width digits typed by a Chinese input method are saved, in the record form and a correction', async () => {
    const b = await signedIn(mine);
    const wide = {
      ...promise('１，５００．００'),
      action_date: '２０２４－０６－２８',
      action_time: '１０：００',
      promised_date: '２０２４－０７－１０',
    };
    const r = await b.request(`/console/loans/L1/actions?as_of=${asOf}&lang=zh-CN`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), action_id: 'W1', ...wide },
    });
    expect(r.status).toBe(303);
    expect(await amountOf('W1')).toBe('1500.00');
    const c = await post(b, 'W1', 'correct', { ...wide, promised_amount: '１５００' }, 'zh-CN');
    expect(c.status).toBe(303);
    expect((await post(b, 'W1', 'correct', { ...wide, promised_amount: '２，０００' }, 'zh-CN')).status).toBe(303);
    expect(await amountOf('W1')).toBe('2000.00');
  });

  it('a withdrawal without a reason (blank, spaces, absent) says a reason is required, in the page language; the form asks for a non-blank one', async () => {
    const b = await signedIn(mine);
    const id = await recordPromise(b);
    for (const lang of langs) {
      const form = section(await (await b.request(`${page}&withdraw=${id}&lang=${lang}`)).text());
      const input = /<input\s+type="text"\s+name="reason"[^>]*>/u.exec(form)?.[0] ?? '';
      expect(input).toMatch(/\srequired\b/u);
      const pattern = /pattern="([^"]+)"/u.exec(input)?.[1] ?? '';
      // as a browser applies it: the whole value
      const whole = new RegExp(`^(?:${pattern})$`, 'v');
      for (const blank of ['', ' ', '   ', '\t', '\u3000'])
        expect(whole.test(blank), JSON.stringify(blank)).toBe(false);
      for (const given of ['wrong loan', '  x ', '记错贷款']) expect(whole.test(given)).toBe(true);
      for (const reason of [undefined, '', '   ', '\t \u3000']) {
        const r = await post(b, id, 'withdraw', reason === undefined ? {} : { reason }, lang);
        expect(r.status).toBe(400);
        expect(section(await r.text())).toContain(
          lang === 'en' ? 'Not saved: Reason: give a reason for the withdrawal' : '未保存：原因：请填写撤回原因',
        );
      }
    }
    expect(await amountOf(id)).toBe('1500.00');
  });

  it('a promise corrected to another outcome in the console drops the prefilled amount and date; the API still refuses them sent explicitly', async () => {
    const b = await signedIn(mine);
    for (const outcome of ['contacted', 'no_contact', 'refused']) {
      const id = await recordPromise(b);
      const form = await (await b.request(`${page}&correct=${id}`)).text();
      // the form as the browser sends it: the prefilled promise fields, the outcome changed
      expect(section(form)).toContain('value="1500.00"');
      const r = await post(b, id, 'correct', { ...promise('1500.00'), outcome, version: versionIn(form) });
      expect(r.status).toBe(303);
      const [row] = await queryRows<{ outcome: string; amount: string | null; date: string | null }>(
        wh,
        `SELECT toString(outcome) AS outcome, toString(promised_amount) AS amount, toString(promised_date) AS date
        FROM ${wh.database}.collection_actions WHERE action_id = {id:String}`,
        { id },
      );
      expect(row).toEqual({ outcome, amount: null, date: null });
    }
    const id = await recordPromise(b);
    const api = await app.request(`/v1/collection-actions/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${lead}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action_date: '2024-06-28',
        channel: 'phone',
        outcome: 'contacted',
        promised_amount: '1500.00',
        promised_date: '2024-07-10',
      }),
    });
    expect(api.status).toBe(400);
    expect(await amountOf(id)).toBe('1500.00');
  });

  it('the Recorded, Corrected and Withdrawn banners say what was saved in words, the id only small at the end (en, zh)', async () => {
    const b = await signedIn(mine);
    const words = (html: string) => {
      const inner = /<p class="ok" role="status" id="saved">([\s\S]*?)<\/p>/u.exec(html)?.[1] ?? '';
      const id = /<small class="note action-id"[^>]*>([^<]*)<\/small>\s*$/u.exec(inner)?.[1];
      return {
        text: inner
          .replace(/<small[\s\S]*?<\/small>/u, '')
          .replace(/\s+/gu, ' ')
          .trim(),
        id,
      };
    };
    const id = `banner-${++n}`;
    const rec = await b.request(`/console/loans/L1/actions?as_of=${asOf}`, {
      method: 'POST',
      form: { _csrf: await b.csrf(page), action_id: id, ...promise('1500') },
    });
    const opened = async (r: Response, lang: string) =>
      words(await (await b.request(`${r.headers.get('location')!.split('#')[0]!}&lang=${lang}`)).text());
    expect(await opened(rec, 'en')).toEqual({
      text: 'Recorded: 2024-06-28 10:00 · Phone · Promise to pay · 1,500.00 @ 2024-07-10',
      id,
    });
    const form = await (await b.request(`${page}&correct=${id}`)).text();
    const cor = await post(b, id, 'correct', { ...promise('2000'), version: versionIn(form) });
    expect(await opened(cor, 'zh-CN')).toEqual({
      text: '已更正: 2024-06-28 10:00 · 电话 · 承诺还款 · 2,000.00 @ 2024-07-10',
      id,
    });
    const wd = await post(b, id, 'withdraw', { reason: 'wrong loan' });
    expect(await opened(wd, 'en')).toEqual({
      text: 'Withdrawn: 2024-06-28 10:00 · Phone · Promise to pay · 2,000.00 @ 2024-07-10',
      id,
    });
    // a withdrawn action other than a promise: no amount
    const other = await recordPromise(b);
    const f2 = await (await b.request(`${page}&correct=${other}`)).text();
    expect(
      (
        await post(b, other, 'correct', {
          ...promise(''),
          promised_date: '',
          outcome: 'contacted',
          version: versionIn(f2),
        })
      ).status,
    ).toBe(303);
    const wd2 = await post(b, other, 'withdraw', { reason: 'duplicate' });
    expect((await opened(wd2, 'en')).text).toBe('Withdrawn: 2024-06-28 10:00 · Phone · Contacted');
  });
});
