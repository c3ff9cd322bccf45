import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../api/app.ts';
import { createApiKey } from '../../../api/auth/keys.ts';
import { QueryGate } from '../../../api/query-gate.ts';
import type { buildCaseList } from '../../../pipelines/cases/case-list.ts';
import { querySql } from '../../../warehouse/connection.ts';
import { tableRef } from '../../../warehouse/ddl.ts';
import { sql, trusted } from '../../../warehouse/sql.ts';
import { warehouseWithBook } from '../../helpers/book.ts';
import { defaultSettings } from '../../helpers/settings.ts';
import { disposeIfOpened } from '../../helpers/warehouse.ts';

/**
 * The API stays fair on the embedded engine: case-list builds are held open by a fake builder the
 * test releases by hand (injected through the app's deps), so what is asserted is order and
 * completion, never time. One heavy request runs, two wait, the next is refused with 503 and
 * Retry-After; cheap lookups are answered meanwhile; a failed build frees its turn.
 */
describe('admission control and the query gate', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  let key = '';
  const logs: Record<string, unknown>[] = [];
  const gate = new QueryGate({
    engineSlots: 1,
    heavyStatementSlots: 1,
    heavyRequests: 1,
    heavyQueue: 2,
    retryAfterS: 7,
  });
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const failing = '2024-03-05';

  /** A slow build: one real statement in the heavy lane, then it waits for the test to let it finish. */
  const slowBuild: typeof buildCaseList = async (w, o) => {
    await querySql(w, sql`SELECT count() FROM ${trusted(tableRef(w, 'loans'))}`);
    started.push(o.asOf);
    await new Promise<void>((resolve) => releases.set(o.asOf, resolve));
    if (o.asOf === failing) throw new Error('the build failed');
    return [];
  };

  beforeAll(async () => {
    wh = await warehouseWithBook('admission', { loans: 300, months: 12, seed: 4 });
    key = (await createApiKey(wh, { role: 'admin', label: 'admission' })).key;
    app = createApp({
      wh,
      log: (e) => logs.push(e),
      rateLimitPerMinute: 100_000,
      maxBodyBytes: 64 * 1024,
      snapshotSettings: defaultSettings,
      queryGate: gate,
      buildCaseList: slowBuild,
    });
  });
  afterAll(() => disposeIfOpened(wh));

  const call = (path: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
  /** a request whose completion is observed without awaiting it */
  const pending = (path: string) => {
    const r = { done: false, res: Promise.resolve(call(path)) };
    void r.res.then(() => (r.done = true));
    return r;
  };
  const cases = (asOf: string) => pending(`/v1/cases?as_of=${asOf}`);
  const release = (asOf: string) => {
    releases.get(asOf)!();
  };

  it('answers cheap lookups while heavy requests are queued, refuses beyond the queue with 503 and Retry-After', async () => {
    // a metric computed once: later reads are cache hits
    expect((await call('/v1/metrics/overdue')).status).toBe(200);
    const a = cases('2024-03-01');
    await vi.waitFor(() => {
      expect(started).toEqual(['2024-03-01']);
    });
    const queued = [cases('2024-03-02'), cases('2024-03-03')];
    await vi.waitFor(() => {
      expect(gate.stats()).toMatchObject({ heavy_running: 1, heavy_queued: 2 });
    });

    const refused = await call('/v1/cases?as_of=2024-03-04');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(logs.some((l) => l.event === 'admission_refused' && l.path === '/v1/cases' && l.heavy_queued === 2)).toBe(
      true,
    );

    // cheap lookups are answered with three builds outstanding
    expect((await app.request('/health')).status).toBe(200);
    const lookup = await call('/v1/loans/L000001/score?as_of=2024-03-01');
    expect(lookup.status).toBeLessThan(500);
    expect((await call('/v1/metrics/overdue')).status).toBe(200);
    expect([a, ...queued].map((r) => r.done)).toEqual([false, false, false]);
    expect(started).toEqual(['2024-03-01']);

    // then the builds finish in their order
    release('2024-03-01');
    expect((await a.res).status).toBe(200);
    await vi.waitFor(() => {
      expect(started).toEqual(['2024-03-01', '2024-03-02']);
    });
    release('2024-03-02');
    await vi.waitFor(() => {
      expect(started).toHaveLength(3);
    });
    release('2024-03-03');
    expect((await Promise.all(queued.map((r) => r.res))).map((r) => r.status)).toEqual([200, 200]);
    expect(gate.stats()).toMatchObject({ heavy_running: 0, heavy_queued: 0 });
  });

  it('a build that fails frees its turn', async () => {
    const broken = cases(failing);
    await vi.waitFor(() => {
      expect(started).toContain(failing);
    });
    const next = cases('2024-03-06');
    await vi.waitFor(() => {
      expect(gate.stats().heavy_queued).toBe(1);
    });
    release(failing);
    expect((await broken.res).status).toBe(500);
    await vi.waitFor(() => {
      expect(started).toContain('2024-03-06');
    });
    release('2024-03-06');
    expect((await next.res).status).toBe(200);
    expect(gate.stats()).toMatchObject({
      heavy_running: 0,
      heavy_queued: 0,
      statements: { cheap: 0, heavy: 0 },
      waiting_statements: { cheap: 0, heavy: 0 },
    });
  });
});
