// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { readAuditLog } from '../../../../api/audit-read.ts';
import { warehouseWithFiles } from '../../../helpers/book.ts';
import { consoleBrowser } from '../../../helpers/console-browser.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';
import { oneLoanBook } from '../../../helpers/one-loan-book.ts';

/** A borrower's loan page opened in the console leaves an audit row: who looked at which loan, on which day. */
describe('the console loan page: audited as loans.view', () => {
  const asOf = '2024-06-30';
  let wh: Awaited<ReturnType<typeof warehouseWithFiles>>;
  let app: ReturnType<typeof createApp>;
  let collector = { key: '', key_id: '' };
  beforeAll(async () => {
    wh = await warehouseWithFiles(
      'console_loan_view',
      oneLoanBook({ date: '2024-06-28', channel: 'sms', outcome: 'no_contact' }),
      asOf,
    );
    collector = await createApiKey(wh, { role: 'collector', region: 'east', label: 'a' });
    app = unthrottledApp(wh);
  }, 120_000);
  afterAll(() => disposeIfOpened(wh));

  const views = () => readAuditLog(wh, { actions: ['loans.view'] }, 10);

  it('a page opened: one row with the key, its role, the loan and the day; a loan not found: none', async () => {
    const b = consoleBrowser(() => app);
    await b.signIn(collector.key);
    expect(await views()).toEqual([]);
    expect((await b.request(`/console/loans/L1?as_of=${asOf}`)).status).toBe(200);
    const [row, ...more] = await views();
    expect(more).toEqual([]);
    expect(row).toMatchObject({ key_id: collector.key_id, role: 'collector', target: 'L1', outcome: 'ok' });
    expect(JSON.parse(row!.details)).toEqual({ source: 'console', as_of: asOf });
    expect((await b.request(`/console/loans/L404?as_of=${asOf}`)).status).toBe(404);
    expect(await views()).toHaveLength(1);
  });
});
