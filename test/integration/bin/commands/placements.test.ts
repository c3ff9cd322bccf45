import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPromises } from '../../../../pipelines/collections/promises.ts';
import { runPlacements, type PlacementsFlags } from '../../../../bin/commands/placements.ts';
import type { Output } from '../../../../bin/cli/output.ts';
import type { Proposal } from '../../../../pipelines/collections/agency/rules.ts';
import { loadConfig } from '../../../../warehouse/config.ts';
import { knownFilterValues } from '../../../../warehouse/metrics/known-values.ts';
import { warehouseWithBook } from '../../../helpers/book.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

const silent: Output = { line: () => undefined, write: () => Promise.resolve() };

/*
 * A manager who filters by his region must be proposed the agencies the whole book's list proposes
 * for his loans: the rotation's loads are the book's, whatever the filter.
 */
describe('placements --region', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  const config = loadConfig({});
  const propose = async (asOf: string, region?: string[], rules?: string) =>
    (await runPlacements(wh, config, silent, {
      'as-of': asOf,
      rules,
      history: false,
      loan: undefined,
      region,
      format: 'json',
    } satisfies PlacementsFlags)) as Proposal[];

  beforeAll(async () => {
    wh = await warehouseWithBook('place_region', { loans: 1500, months: 24, seed: 7 });
  });
  afterAll(() => disposeIfOpened(wh));

  it("lists for every region, on several days, the whole book's rows of that region", async () => {
    const regions = (await knownFilterValues(wh)).region;
    expect(regions.length).toBeGreaterThan(2);
    for (const asOf of ['2024-04-30', '2024-06-28']) {
      const whole = await propose(asOf);
      expect(whole.filter((p) => p.action === 'place').length, asOf).toBeGreaterThan(regions.length);
      for (const region of regions)
        expect(await propose(asOf, [region]), `${asOf} ${region}`).toEqual(whole.filter((p) => p.region === region));
      const two = regions.slice(0, 2);
      expect(await propose(asOf, two)).toEqual(whole.filter((p) => two.includes(p.region)));
    }
  });

  it('never proposes a loan with an open promise to pay on the day; the rules can allow it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'place-promise-'));
    try {
      const allowing = join(dir, 'rules.json');
      writeFileSync(allowing, JSON.stringify({ skip_open_promise: false }));
      let kept = 0;
      for (const asOf of ['2024-04-30', '2024-06-28']) {
        const promised = new Set((await listPromises(wh, { asOf, status: ['open'] })).map((p) => p.loan_id));
        const placed = (await propose(asOf)).filter((p) => p.action === 'place').map((p) => p.loan_id);
        expect(
          placed.filter((id) => promised.has(id)),
          asOf,
        ).toEqual([]);
        const anyway = (await propose(asOf, undefined, allowing)).filter((p) => p.action === 'place');
        kept += anyway.filter((p) => promised.has(p.loan_id)).length;
      }
      // the book has such loans: the rule is what keeps them out
      expect(kept).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
