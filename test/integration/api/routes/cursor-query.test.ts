// the app first: its routes' schemas need @hono/zod-openapi loaded before lib/date-schemas builds its own
import { createApp } from '../../../../api/app.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { Rng } from '../../../../lib/random.ts';
import { retract } from '../../../../pipelines/ingest/retract.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { parseWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { unthrottledApp } from '../../../helpers/test-app.ts';
import { disposeIfOpened, tmpDir } from '../../../helpers/warehouse.ts';

type Params = Record<string, string | undefined>;
interface ListRoute {
  path: string;
  /** a question whose list has two pages at limit=1 */
  base: Params;
  /** each changes the question (a filter given, left out or given another value); a draw combines some */
  changes: Params[];
  /** the same question written otherwise */
  same: Params[];
}

const url = (path: string, p: Params) =>
  `${path}?${Object.entries(p)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')}`;

/**
 * Every paged list whose filters can change refuses a cursor issued for another filter set: a
 * cursor is a position in one list, and reused with other filters it skipped that list's rows before
 * it, answered as a whole page (GET /v1/corrections, review 2026-12-07).
 */
describe('list cursors are bound to the query that issued them (every filtered list route)', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  const routes: ListRoute[] = [];

  beforeAll(async () => {
    wh = await warehouseWithBook('cursor_query', { loans: 200, months: 14, seed: 4 });
    admin = (await createApiKey(wh, { role: 'admin', label: 'cursor' })).key;
    app = unthrottledApp(wh);
    const payments = await queryRows<{ payment_id: string; loan_id: string }>(
      wh,
      `SELECT payment_id, loan_id FROM ${wh.database}.payments ORDER BY payment_id LIMIT 3`,
    );
    const keys = join(tmpDir('cursor_query'), 'payments-keys.csv');
    writeFileSync(keys, `payment_id\n${payments.map((p) => p.payment_id).join('\n')}\n`);
    await retract(wh, [keys], { entity: 'payments', origin: { actor: 'cli:test@host', reason: 'reversed' } });
    await fireWarnings(wh, {
      asOf: '2024-06-30',
      settings: defaultSettings,
      champion: null,
      rules: parseWarningRules({
        rules: [
          { id: 'overdue_2', kind: 'consecutive_overdue', months: 2 },
          { id: 'any_overdue', kind: 'overdue_amount', limit: 0, severity: 'critical' },
        ],
      }),
    });
    const [known] = await queryRows<{ regions: string[]; products: string[]; loan: string }>(
      wh,
      `SELECT arraySort(groupUniqArray(toString(region))) AS regions, arraySort(groupUniqArray(toString(product))) AS products,
        min(loan_id) AS loan FROM ${wh.database}.loans`,
    );
    const [team] = await queryRows<{ first: string }>(
      wh,
      `SELECT min(team) AS first FROM ${wh.database}.collection_actions WHERE team != ''`,
    );
    // two reads of the trail: two corrections.list rows in the audit log
    for (const entity of ['payments', 'loans']) await app.request(`/v1/corrections?entity=${entity}`, auth());
    const [p1] = payments;
    const [oldRun] = await queryRows<{ old_ingest_id: string }>(
      wh,
      `SELECT any(old_ingest_id) AS old_ingest_id FROM ${wh.database}.row_corrections`,
    );
    routes.push(
      {
        path: '/v1/corrections',
        base: { entity: 'payments' },
        changes: [
          { entity: 'loans' },
          { entity: undefined },
          { key: p1!.payment_id },
          { loan_id: p1!.loan_id },
          { since: '2020-01-01' },
          { old_ingest_id: oldRun!.old_ingest_id },
        ],
        same: [{ limit: '2' }],
      },
      {
        path: '/v1/audit',
        base: { action: 'corrections.list,warnings.list' },
        changes: [
          { action: 'corrections.list' },
          { action: undefined },
          { action: 'corrections.list,cases.pull' },
          { from: '2020-01-01' },
          { to: '2100-01-01' },
        ],
        same: [{ action: 'warnings.list,corrections.list,corrections.list' }],
      },
      {
        path: '/v1/warnings',
        base: { as_of: '2024-06-30', kind: 'consecutive_overdue,overdue_amount' },
        changes: [
          { kind: 'overdue_amount' },
          { kind: undefined },
          { severity: 'critical' },
          { rule: 'any_overdue' },
          { region: known!.regions[0] },
          { team: team!.first },
          { loan_id: known!.loan },
        ],
        same: [{ kind: 'overdue_amount,consecutive_overdue,overdue_amount' }],
      },
      {
        path: '/v1/disposal',
        base: { as_of: '2024-06-30' },
        changes: [
          { region: known!.regions[0] },
          { product: known!.products[0] },
          { recommended: 'collection' },
          { as_of: '2024-06-29' },
        ],
        same: [{ as_of: '2024-06-30', limit: '2' }],
      },
    );
  }, 240_000);
  afterAll(() => disposeIfOpened(wh));

  function auth() {
    return { headers: { authorization: `Bearer ${admin}` } };
  }
  const get = async (path: string) => {
    const r = await app.request(path, auth());
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const rowsOf = (body: Record<string, unknown>) =>
    Object.values(body).find((v): v is unknown[] => Array.isArray(v)) ?? [];

  it('a cursor reused with any filter changed is a 400 on cursor; with the same filters, however written, the next page', async () => {
    const rng = new Rng(7);
    for (const route of routes) {
      const first = await get(url(route.path, { ...route.base, limit: '1' }));
      expect(first.status, `${route.path}: ${JSON.stringify(first.body)}`).toBe(200);
      const cursor = first.body.next_cursor as string | null;
      expect(cursor, `${route.path} has a second page`).not.toBeNull();
      const second = await get(url(route.path, { ...route.base, limit: '1', cursor: cursor! }));
      expect(second.status).toBe(200);
      expect(rowsOf(second.body)).toHaveLength(1);
      for (const same of route.same) {
        const r = await get(url(route.path, { limit: '1', ...route.base, ...same, cursor: cursor! }));
        expect(r.status, `${route.path} ${JSON.stringify(same)}: ${JSON.stringify(r.body)}`).toBe(200);
        expect(rowsOf(r.body)[0]).toEqual(rowsOf(second.body)[0]);
      }
      for (let draw = 0; draw < 12; draw++) {
        const picked = route.changes.filter(() => rng.chance(0.35));
        const changes = picked.length > 0 ? picked : [rng.pick(route.changes)];
        const asked = Object.assign({ ...route.base, limit: '1' }, ...changes) as Params;
        const r = await get(url(route.path, { ...asked, cursor: cursor! }));
        const error = r.body.error as { message: string; details: { fields: { field: string }[] } } | undefined;
        expect(r.status, `${route.path} ${JSON.stringify(changes)}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(error!.message).toMatch(/^this cursor belongs to another query: /u);
        expect(error!.details.fields.map((f) => f.field)).toEqual(['cursor']);
      }
    }
  });
});
