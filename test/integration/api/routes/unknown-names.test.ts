import { unthrottledApp } from '../../../helpers/test-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../api/app.ts';
import { createApiKey } from '../../../../api/auth/keys.ts';
import { issueIncentives } from '../../../../pipelines/collections/incentives/issue.ts';
import { defaultIncentiveScheme } from '../../../../pipelines/collections/incentives/scheme.ts';
import { fireWarnings } from '../../../../pipelines/warnings/fire-warnings.ts';
import { defaultWarningRules } from '../../../../pipelines/warnings/rules.ts';
import { delinquencySettings, loadConfig } from '../../../../warehouse/config.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

/**
 * The API's name filters refuse a name that does not exist as the CLI does (commit 7483ce7): a
 * warning rule, a loan, an agent or a team that names nothing is a 400 with the CLI's message (the
 * value, the nearest known name), not an empty 200; a real name with nothing in the period is
 * still an empty 200. A collector knows his own region's loans only: another region's id is as
 * unknown to him as one that does not exist, and no other region's id is suggested.
 */
const asOf = '2024-06-30';

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } };
}

describe('unknown names in the API filters: 400 naming them; known names with nothing: empty 200', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  let app: ReturnType<typeof createApp>;
  const keys = { admin: '', collector: '' };
  /** an east loan never placed (nor proposed) and without a warning; a south loan; a real agent */
  const loan = { quiet: '', south: '' };
  let agent = '';
  const regionOf = new Map<string, string>();

  const call = (path: string, key = keys.admin, o: { method?: string; body?: unknown } = {}) =>
    app.request(path, {
      method: o.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  /** a 400 whose message names the value; the message returned */
  const refused = async (path: string, value: string, key = keys.admin) => {
    const r = await call(path, key);
    const body = (await r.json()) as ErrorBody;
    expect(r.status, `${path}: ${JSON.stringify(body)}`).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message, path).toContain(`"${value}"`);
    expect(body.error.message, path).toMatch(/^unknown (rule|loan|agent|team) /u);
    return body;
  };
  const ok = async <T>(path: string, key = keys.admin) => {
    const r = await call(path, key);
    expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
    return (await r.json()) as T;
  };

  beforeAll(async () => {
    wh = await warehouseWithBook('unknown_names', { loans: 400, months: 24, seed: 13 });
    app = unthrottledApp(wh);
    keys.admin = (await createApiKey(wh, { role: 'admin', label: 'admin' })).key;
    keys.collector = (await createApiKey(wh, { role: 'collector', region: 'east', label: 'east' })).key;
    // the default rules without a champion: the score rules are known and store nothing
    await fireWarnings(wh, { asOf, settings: defaultSettings, champion: null, rules: defaultWarningRules });
    await issueIncentives(wh, {
      month: '2024-05',
      scheme: defaultIncentiveScheme,
      settings: delinquencySettings(loadConfig({})),
    });
    const placements = await ok<{ proposals: { loan_id: string }[]; history: { loan_id: string }[] }>(
      `/v1/placements?as_of=${asOf}`,
    );
    const placed = new Set([...placements.proposals, ...placements.history].map((p) => p.loan_id));
    const warned = await queryRows<{ loan_id: string }>(wh, `SELECT DISTINCT loan_id FROM ${wh.database}.warnings`);
    const east = await queryRows<{ loan_id: string; region: string }>(
      wh,
      `SELECT loan_id, region FROM ${wh.database}.loans WHERE region IN ('east', 'south') ORDER BY loan_id`,
    );
    for (const l of east) regionOf.set(l.loan_id, l.region);
    const busy = new Set([...placed, ...warned.map((w) => w.loan_id)]);
    loan.quiet = east.find((l) => l.region === 'east' && !busy.has(l.loan_id))!.loan_id;
    loan.south = east.find((l) => l.region === 'south')!.loan_id;
    // an agent who works from June only: known (he recorded an action), with nothing in May
    const recorded = await call('/v1/collection-actions', keys.admin, {
      method: 'POST',
      body: {
        action_id: 'late-joiner-1',
        loan_id: loan.quiet,
        action_date: '2024-06-20',
        channel: 'phone',
        outcome: 'contacted',
        agent_id: 'ag-late',
      },
    });
    expect(recorded.status, await recorded.clone().text()).toBe(201);
    agent = 'ag-late';
  });
  afterAll(() => disposeIfOpened(wh));

  it('GET /v1/warnings?rule=: an unknown rule is a 400 with the nearest and the known rules; a known one that stored nothing, an empty 200', async () => {
    const nosuch = await refused(`/v1/warnings?as_of=${asOf}&rule=nosuch`, 'nosuch');
    expect(nosuch.error.message).toMatch(/^unknown rule "nosuch" — known: broken_promise, high_score, /u);
    expect(nosuch.error.details?.fields).toEqual([{ field: 'rule', message: 'unknown rule: nosuch' }]);
    const near = await refused(`/v1/warnings?as_of=${asOf}&rule=broken_promis`, 'broken_promis', keys.collector);
    expect(near.error.message).toMatch(/^unknown rule "broken_promis" \(did you mean "broken_promise"\?\) — known: /u);
    // one unknown among known ones is refused too, naming only it
    const mixed = await refused(`/v1/warnings?as_of=${asOf}&rule=high_score,nosuch`, 'nosuch');
    expect(mixed.error.message).not.toContain('"high_score"');
    // no champion: high_score stored nothing, yet it is a rule of the rules in use
    expect((await ok<{ warnings: unknown[] }>(`/v1/warnings?as_of=${asOf}&rule=high_score`)).warnings).toEqual([]);
    // a known rule on a day the rules never ran for: not an unknown rule, a day not computed (warning-days.test.ts)
    const notRun = await call(`/v1/warnings?as_of=2024-05-31&rule=overdue_3_months`, keys.collector);
    expect(notRun.status).toBe(404);
    expect(((await notRun.json()) as ErrorBody).error.message).toMatch(/^warnings not computed for 2024-05-31: /u);
  });

  it('GET /v1/warnings?loan_id=: an unknown loan is a 400 (a collector: any loan outside his region); a loan without warnings, an empty 200', async () => {
    const nope = await refused(`/v1/warnings?as_of=${asOf}&loan_id=NOPE`, 'NOPE');
    expect(nope.error.message).toBe('unknown loan "NOPE" — not in the loans loaded');
    const lower = loan.quiet.toLowerCase();
    expect((await refused(`/v1/warnings?as_of=${asOf}&loan_id=${lower}`, lower)).error.message).toBe(
      `unknown loan "${lower}" (did you mean "${loan.quiet}"?) — not in the loans loaded`,
    );
    expect((await ok<{ warnings: unknown[] }>(`/v1/warnings?as_of=${asOf}&loan_id=${loan.quiet}`)).warnings).toEqual(
      [],
    );
    expect(
      (await ok<{ warnings: unknown[] }>(`/v1/warnings?as_of=${asOf}&loan_id=${loan.quiet}`, keys.collector)).warnings,
    ).toEqual([]);
    // another region's loan, to an east collector: unknown, and no other region's id suggested
    const south = await refused(
      `/v1/warnings?as_of=${asOf}&loan_id=${loan.south.toLowerCase()}`,
      loan.south.toLowerCase(),
      keys.collector,
    );
    const m = /^unknown loan "[^"]+"(?: \(did you mean "([^"]+)"\?\))? — not among the loans of region "east"$/u.exec(
      south.error.message,
    );
    expect(m, south.error.message).not.toBeNull();
    if (m![1]) expect(regionOf.get(m![1]), m![1]).toBe('east');
  });

  it('GET /v1/placements?loan_id=: an unknown loan is a 400; a loan never placed, an empty 200', async () => {
    const nope = await refused(`/v1/placements?as_of=${asOf}&loan_id=NOPE`, 'NOPE');
    expect(nope.error.message).toBe('unknown loan "NOPE" — not in the loans loaded');
    expect(nope.error.details?.fields).toEqual([{ field: 'loan_id', message: 'unknown loan: NOPE' }]);
    const several = await refused(`/v1/placements?as_of=${asOf}&loan_id=${loan.quiet},NOPE,NOPE2`, 'NOPE');
    expect(several.error.message).toBe('unknown loan "NOPE", "NOPE2" — not in the loans loaded');
    for (const key of [keys.admin, keys.collector])
      expect(await ok(`/v1/placements?as_of=${asOf}&loan_id=${loan.quiet}`, key)).toEqual({
        proposals: [],
        history: [],
      });
    await refused(`/v1/placements?as_of=${asOf}&loan_id=${loan.south}`, loan.south, keys.collector);
    // the admin knows every region's loans
    expect(
      Array.isArray((await ok<{ proposals: unknown }>(`/v1/placements?as_of=${asOf}&loan_id=${loan.south}`)).proposals),
    ).toBe(true);
  });

  it('GET /v1/incentives?agent=: an unknown agent is a 400 with the nearest; an agent with no award in the month, an empty 200', async () => {
    const nobody = await refused('/v1/incentives?month=2024-05&agent=nobody', 'nobody');
    expect(nobody.error.message).toMatch(/^unknown agent "nobody" — known: [^\n]*ag-late/u);
    const near = await refused('/v1/incentives?month=2024-05&agent=ag-lat', 'ag-lat');
    expect(near.error.message).toMatch(/^unknown agent "ag-lat" \(did you mean "ag-late"\?\)/u);
    expect((await ok<{ agents: unknown[] }>(`/v1/incentives?month=2024-05&agent=${agent}`)).agents).toEqual([]);
  });

  it('GET /v1/contact-compliance?agent=&team=: an unknown agent or team is a 400; an agent with nothing in the period, an empty 200', async () => {
    const period = 'from=2024-05-01&to=2024-05-31';
    await refused(`/v1/contact-compliance?${period}&agent=nobody`, 'nobody');
    const mixed = await refused(`/v1/contact-compliance?${period}&agent=${agent},nobody`, 'nobody');
    expect(mixed.error.message).toMatch(/^unknown agent "nobody" — known: /u);
    const team = await refused(`/v1/contact-compliance?${period}&team=no-such-team`, 'no-such-team');
    expect(team.error.message).toMatch(/^unknown team "no-such-team" — known: /u);
    expect(await ok(`/v1/contact-compliance?${period}&agent=${agent}`)).toEqual({ by_agent: [], breaches: [] });
  });

  it('the OpenAPI document says so in each route’s 400', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, { get: { responses: Record<string, { description: string }> } }>;
    };
    for (const path of ['/v1/warnings', '/v1/placements', '/v1/incentives', '/v1/contact-compliance'])
      expect(doc.paths[path]!.get.responses['400']!.description, path).toMatch(
        /does not exist: the message names it and the nearest known name.*A name that exists with nothing in the period is an empty 200/u,
      );
  });
});
