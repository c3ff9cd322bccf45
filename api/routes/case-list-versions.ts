import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Case } from '../../pipelines/cases/case-list.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { TtlCache, type Sized } from '../cache.ts';
import { ApiError } from '../errors.ts';

/**
 * A case list's pages come from one version of the list. A recorded action re-ranks the list (a
 * case moves, one is added), and a cursor that was only a position then cut the next page from the
 * new list: a dialer following it skipped a case and called another twice (review 2026-12-06). The
 * cursor names the version (a digest of its cases, in order) and the question (a digest of date,
 * filters and champion); the version a page was cut from is kept for a while after its first page,
 * so every later page of a pull comes from it. A changed list is read from its first page again.
 */
export const caseCursor = z.object({ q: z.string().max(64), l: z.string().max(64), r: z.number().int().min(0) });
export type CaseCursor = z.infer<typeof caseCursor>;

type CaseList = Sized & { cases: Case[] };

/** how long a version a page was cut from stays readable: a collector reads a list over minutes */
const keptMs = 15 * 60_000;
const kept = new WeakMap<Warehouse, TtlCache<string, CaseList>>();
const keptOf = (wh: Warehouse) => {
  let cache = kept.get(wh);
  if (!cache) kept.set(wh, (cache = new TtlCache<string, CaseList>(keptMs, 50)));
  return cache;
};

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/**
 * A list's version: the digest of its cases' loan ids in order — what a page is cut by, so a rebuild
 * that moved no case is the same version (a later page may then show a case's fresher fields, never
 * skip or repeat one). Hashing every case's fields instead cost a serialisation of the whole list
 * (80k cases on the 1M book) on the first paged request.
 */
const versions = new WeakMap<Case[], string>();
export function versionOf(cases: Case[]): string {
  let v = versions.get(cases);
  if (v === undefined) {
    const h = createHash('sha256');
    for (const c of cases) h.update(c.loan_id).update('\n');
    versions.set(cases, (v = h.digest('base64url').slice(0, 22)));
  }
  return v;
}

/** the question a list answers (date, filters, champion) as the cursor carries it */
export const questionOf = (listKey: string) => digest(listKey);

/**
 * The list a cursor's page is cut from: the version it names, kept or (unchanged) rebuilt by
 * `current`; a cursor of another question is a 400, a version neither kept nor current a 409.
 */
export async function listForCursor(
  wh: Warehouse,
  listKey: string,
  cursor: CaseCursor | null,
  current: () => Promise<CaseList>,
): Promise<CaseList> {
  if (cursor === null) return current();
  if (cursor.q !== questionOf(listKey))
    throw new ApiError(
      'bad_request',
      'this cursor is of another case list (another as_of, filters or champion): pass next_cursor with the query it came with',
      { fields: [{ field: 'cursor', message: 'cursor of another list' }] },
    );
  const held = keptOf(wh).peek(`${listKey}\u0000${cursor.l}`);
  if (held) return held;
  const list = await current();
  if (versionOf(list.cases) !== cursor.l)
    throw new ApiError(
      'conflict',
      "the case list changed since this cursor's page was read (an action recorded, data loaded) and that version is no longer kept: read the list again from its first page, without cursor",
    );
  return list;
}

/** Keeps the version a page with a next page was cut from, for the later pages of the pull. */
export function keepVersion(wh: Warehouse, listKey: string, list: CaseList): void {
  void keptOf(wh).get(`${listKey}\u0000${versionOf(list.cases)}`, () => Promise.resolve(list));
}
