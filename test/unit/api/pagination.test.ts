import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.ts';
import { decodeCursor, encodeCursor, listQuery, page, questionInKey } from '../../../api/pagination.ts';
import { Rng } from '../../../lib/random.ts';

/** each list route's filters: a list (comma-separated) or one value, and values a client could send */
const routes: Record<string, Record<string, { list: boolean; values: string[] }>> = {
  'GET /v1/corrections': {
    entity: { list: false, values: ['payments', 'loans', 'schedule', 'collection_actions'] },
    key: { list: false, values: ['P1', 'L1/3', 'A1'] },
    loan_id: { list: false, values: ['L1', 'L2', 'L000000001'] },
    since: { list: false, values: ['2024-01-01', '2024-06-30'] },
    old_ingest_id: { list: false, values: ['0b6c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d', 'run-b'] },
  },
  'GET /v1/audit': {
    from: { list: false, values: ['2024-01-01', '2024-06-01'] },
    to: { list: false, values: ['2024-06-30', '2030-01-01'] },
    action: { list: true, values: ['cases.pull', 'model.promote', 'keys.create', 'corrections.list'] },
  },
  'GET /v1/warnings': {
    as_of: { list: false, values: ['2024-06-30', '2024-06-28'] },
    rule: { list: true, values: ['overdue_2', 'high', 'any_overdue'] },
    kind: { list: true, values: ['consecutive_overdue', 'score_above', 'overdue_amount'] },
    severity: { list: true, values: ['info', 'warning', 'critical'] },
    region: { list: true, values: ['east', 'west', '华东'] },
    team: { list: true, values: ['east-early', 'east-late'] },
    loan_id: { list: false, values: ['L1', 'L2'] },
  },
  'GET /v1/disposal': {
    as_of: { list: false, values: ['2024-06-30', '2024-05-31'] },
    region: { list: true, values: ['east', 'west'] },
    team: { list: true, values: ['east-early', 'east-late'] },
    product: { list: true, values: ['consumer', 'mortgage'] },
    recommended: { list: true, values: ['collection', 'restructure', 'debt_sale'] },
  },
};

type Filters = Record<string, string | string[] | undefined>;
const key = z.object({ at: z.string(), id: z.number() });
const aKey = { at: '2024-06-30 10:00:00.000', id: 7 };

const shuffled = <T>(rng: Rng, xs: readonly T[]) => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const someOf = (rng: Rng, values: string[]) => values.filter(() => rng.chance(0.5));

/** a filter set of a route: each filter left out or given (a list of one or more values) */
function drawFilters(rng: Rng, spec: (typeof routes)[string]): Filters {
  const f: Filters = {};
  for (const [name, s] of Object.entries(spec)) {
    if (rng.chance(0.4)) continue;
    if (!s.list) f[name] = rng.pick(s.values);
    else {
      const picked = someOf(rng, s.values);
      f[name] = picked.length > 0 ? picked : [rng.pick(s.values)];
    }
  }
  return f;
}

/** the same question written otherwise: parameters in another order, list values reordered and repeated */
function sameQuestion(rng: Rng, f: Filters): Filters {
  const out: Filters = {};
  for (const name of shuffled(rng, Object.keys(f))) {
    const v = f[name];
    out[name] = Array.isArray(v) ? shuffled(rng, [...v, ...(rng.chance(0.5) ? [rng.pick(v)] : [])]) : v;
  }
  return out;
}

/** one filter changed: given when left out, left out when given, or another value (another set of values) */
function changedQuestion(rng: Rng, spec: (typeof routes)[string], f: Filters): Filters {
  const name = rng.pick(Object.keys(spec));
  const s = spec[name]!;
  const v = f[name];
  const out = { ...f };
  if (v === undefined) out[name] = s.list ? [rng.pick(s.values)] : rng.pick(s.values);
  else if (rng.chance(0.3)) out[name] = undefined;
  else if (!Array.isArray(v)) out[name] = rng.pick(s.values.filter((x) => x !== v));
  else {
    const flipped = rng.pick(s.values);
    const next = v.includes(flipped) ? v.filter((x) => x !== flipped) : [...v, flipped];
    out[name] = next.length > 0 ? next : s.values.filter((x) => x !== flipped).slice(0, 1);
  }
  return out;
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
};

describe('list cursors are bound to the query that issued them (api/pagination.ts)', () => {
  it("a cursor reused with any filter changed is refused (400 on cursor); the same filters, however written, are accepted — every list route's filters", () => {
    const rng = new Rng(20261207);
    for (const [route, spec] of Object.entries(routes)) {
      for (let draw = 0; draw < 300; draw++) {
        const issued = drawFilters(rng, spec);
        const cursor = encodeCursor(aKey, listQuery(route, issued));
        expect(decodeCursor(cursor, key, listQuery(route, sameQuestion(rng, issued)))).toEqual(aKey);
        const changed = changedQuestion(rng, spec, issued);
        const e = refusal(() => decodeCursor(cursor, key, listQuery(route, changed)));
        expect(e, `${route} ${JSON.stringify(issued)} → ${JSON.stringify(changed)}`).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe('bad_request');
        expect((e as ApiError).message).toMatch(/^this cursor belongs to another query: /u);
        expect((e as ApiError).details).toEqual({ fields: [{ field: 'cursor', message: 'cursor of another query' }] });
      }
    }
  });

  it("names the route and its parameters to keep; another route's cursor with the same filters is refused", () => {
    const corrections = listQuery('GET /v1/corrections', { entity: 'payments', since: undefined });
    const e = refusal(() =>
      decodeCursor(encodeCursor(aKey, corrections), key, listQuery('GET /v1/corrections', { entity: 'loans' })),
    ) as ApiError;
    expect(e.message).toContain('send it to GET /v1/corrections with the same entity as the page that gave it');
    const audit = listQuery('GET /v1/audit', {});
    const other = refusal(() => decodeCursor(encodeCursor(aKey, audit), key, listQuery('GET /v1/models', {})));
    expect(other).toBeInstanceOf(ApiError);
    // sent to the wrong list, it is told the list it pages (not sent back to where it was refused)
    expect((other as ApiError).message).toBe(
      'this cursor belongs to another query: it pages GET /v1/audit, not GET /v1/models — send it to GET /v1/audit with the filters of the page that gave it, or read GET /v1/models from its first page, without cursor',
    );
  });

  it('an empty list and a filter left out are one question; a bare sort key (a cursor of before) or a made-up one is an invalid cursor', () => {
    const q = listQuery('GET /v1/audit', { action: [] });
    expect(q.digest).toBe(listQuery('GET /v1/audit', {}).digest);
    for (const made of [aKey, { q: 'x' }, { q: q.digest, k: { at: 1 } }, { q: q.digest, k: aKey, extra: 1 }, 3]) {
      const cursor = Buffer.from(JSON.stringify(made)).toString('base64url');
      expect((refusal(() => decodeCursor(cursor, key, q)) as ApiError).message).toMatch(/^invalid cursor/u);
    }
    expect((refusal(() => decodeCursor('not-json', key, q)) as ApiError).message).toMatch(/^invalid cursor/u);
  });

  it("pages carry the question's cursor; the case list's cursor stays its own key (it names its question itself)", () => {
    const rows = [1, 2, 3].map((id) => ({ at: 'x', id }));
    const q = listQuery('GET /v1/audit', { from: '2024-01-01' });
    const first = page(
      rows,
      (r) => r,
      null,
      (a, b) => a.id - b.id,
      2,
      q,
    );
    const after = decodeCursor(first.next_cursor!, key, q);
    expect(
      page(
        rows,
        (r) => r,
        after,
        (a, b) => a.id - b.id,
        2,
        q,
      ).items,
    ).toEqual([rows[2]]);
    const own = encodeCursor({ q: 'list', l: 'v', r: 4 }, questionInKey);
    expect(JSON.parse(Buffer.from(own, 'base64url').toString('utf8'))).toEqual({ q: 'list', l: 'v', r: 4 });
  });
});
