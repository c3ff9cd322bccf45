import type { Context } from 'hono';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { latestChampionEvent } from '../../models/registry/registry.ts';
import { buildCaseList, type Case, type CaseFilters } from '../../pipelines/cases/case-list.ts';
import { defaultStrategyTable } from '../../pipelines/cases/strategy.ts';
import { TtlCache, type Sized } from '../cache.ts';
import type { AppEnv } from '../context.ts';
import { caseListCache, sized } from '../routes/cases.ts';
import { userErrorsAsBadRequest } from '../routes/request-checks.ts';

/**
 * The day's case list of the whole book, which every collector's queue is cut from (scopeCases):
 * one build a day (and a minute) serves every region, team, product and stage, and it is built in
 * the background while people sign in (warmDayCases), so a collector's first queue of the day
 * answers from memory instead of waiting for a build (1.4 s on the demo book on a loaded machine).
 *
 * It goes through the API's case-list cache under the key of an unfiltered `GET /v1/cases` pull
 * (the two share one build), and is kept here a minute more and revalidated beside readers. The
 * cache here hangs off the API cache's instance: a recorded action drops the API's caches
 * (invalidateCaseLists), and with them this one, so the action shows in the next queue at once.
 *
 * A list too big for the budget (a book of millions of loans) is not kept; then the console builds
 * each queue for its own scope, as before (workbench-data.ts).
 */
const bookBudget = 64 * 1024 * 1024;
type CaseList = Sized & { cases: Case[] };
const books = new WeakMap<object, TtlCache<string, CaseList>>();
const tooBig = new WeakSet<Warehouse>();

function bookCache(wh: Warehouse) {
  const api = caseListCache(wh);
  let c = books.get(api);
  if (!c) books.set(api, (c = new TtlCache<string, CaseList>(60_000, 8, true, bookBudget)));
  return c;
}

/** The whole book's cases for the date, or undefined when the list is too big to keep (then build per scope). */
export async function dayCases(c: Context<AppEnv>, asOf: string): Promise<Case[] | undefined> {
  const { wh, snapshotSettings, buildCaseList: build = buildCaseList } = c.get('deps');
  if (tooBig.has(wh)) return undefined;
  const champion = await latestChampionEvent(wh, targetName(defaultTarget));
  const pinned = champion ? { name: champion.model_name, version: champion.version } : null;
  const list = await bookCache(wh).get(JSON.stringify([asOf, pinned]), () =>
    // the key of GET /v1/cases without filters (api/routes/cases.ts): one build for both
    caseListCache(wh).get(JSON.stringify([asOf, pinned, {}]), async () =>
      sized(
        await userErrorsAsBadRequest(() =>
          build(wh, { asOf, settings: snapshotSettings, strategy: defaultStrategyTable, champion: pinned }),
        ),
      ),
    ),
  );
  if (list.approxBytes > bookBudget) {
    tooBig.add(wh);
    return undefined;
  }
  return list.cases;
}

const within = (values: readonly string[] | undefined, v: string) => !values || values.includes(v);

/**
 * A scope's queue cut from the whole book's list: buildCaseList's filters are row filters on
 * region, product, latest team and stage, and a case's fields do not depend on them, so the cut,
 * ranked again from 1 in the list's order (expected loss, then loan id), is the list a build with
 * those filters returns (the integration test checks it against one).
 */
export function scopeCases(cases: readonly Case[], f: CaseFilters): Case[] {
  return cases
    .filter(
      (x) =>
        within(f.region, x.region) &&
        within(f.team, x.team) &&
        within(f.product, x.product) &&
        within(f.stage, x.stage),
    )
    .map((x, i) => ({ ...x, rank: i + 1 }));
}

/**
 * Builds the day's whole-book list ahead of the queue (the sign-in page calls it in the background,
 * after the dashboard's landing view). A failure (no snapshot yet, a busy server) is dropped here:
 * the queue shows it itself.
 */
export async function warmDayCases(c: Context<AppEnv>, day: () => Promise<string>): Promise<void> {
  try {
    await dayCases(c, await day());
  } catch {
    // the queue reports it when someone opens it
  }
}
