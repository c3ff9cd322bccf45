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
import { placementStates } from '../../../../pipelines/collections/agency/placement-state.ts';
import { recallReason } from '../../../../pipelines/collections/agency/rules.ts';
import { defaultAgencyTerms } from '../../../../warehouse/workout/agency-terms.ts';
import { defaultSettings } from '../../../helpers/settings.ts';
import { disposeIfOpened } from '../../../helpers/warehouse.ts';

const silent: Output = { line: () => undefined, write: () => Promise.resolve() };

/*
 * A manager who filters by his region must be proposed the agencies the whole book's list proposes
 * for his loans: the rotation's loads are the book's, whatever the filter.
 */
describe('placements --region', () => {
  let wh: Awaited<ReturnType<typeof warehouseWithBook>>;
  const config = loadConfig({});
  const propose = async (asOf: string, region?: string[], rules?: string, contactRules?: string) =>
    (await runPlacements(wh, config, silent, {
      'as-of': asOf,
      rules,
      history: false,
      loan: undefined,
      region,
      'contact-rules': contactRules,
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

  // last but one: it writes consent events (the promise test reads no events)
  it("a loan on the contact rules' do-not-contact list or whose consent to the agency channel is withdrawn is not placed; a placed one is recalled", async () => {
    const asOf = '2024-06-28';
    const whole = await propose(asOf);
    const [listed, withdrew] = whole.filter((p) => p.action === 'place').map((p) => p.loan_id);
    const placed = (await placementStates(wh, asOf, defaultSettings)).find(
      (l) => l.placements.some((p) => p.recalled_date === null) && recallReason(l, asOf, defaultAgencyTerms) === null,
    );
    expect([listed, withdrew, placed?.loan_id].every(Boolean)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'place-contact-'));
    try {
      const contactRules = join(dir, 'contact.json');
      writeFileSync(
        contactRules,
        JSON.stringify({ do_not_contact: { list: [{ loan_id: listed, reason: 'legal_hold', from: '2024-06-01' }] } }),
      );
      await wh.client.insert({
        table: `${wh.database}.loan_events`,
        format: 'JSONEachRow',
        values: [withdrew!, placed!.loan_id].map((loan_id, i) => ({
          event_id: `CW-${i}`,
          loan_id,
          event_date: '2024-06-10',
          type: 'consent_withdrawn',
          note: 'agency',
          amount: 0,
        })),
      });
      const held = await propose(asOf, undefined, undefined, contactRules);
      const placedNow = held.filter((p) => p.action === 'place').map((p) => p.loan_id);
      expect(placedNow).not.toContain(listed);
      expect(placedNow).not.toContain(withdrew);
      expect(held.find((p) => p.loan_id === placed!.loan_id)).toMatchObject({
        action: 'recall',
        reason: 'do_not_contact',
      });
      // a list for other channels than the agency's holds nothing here, as the case list reads it
      const otherChannels = join(dir, 'contact-phone.json');
      writeFileSync(
        otherChannels,
        JSON.stringify({
          do_not_contact: {
            channels: ['phone', 'sms', 'visit'],
            list: [{ loan_id: listed, reason: 'legal_hold', from: '2024-06-01' }],
          },
        }),
      );
      expect(
        (await propose(asOf, undefined, undefined, otherChannels))
          .filter((p) => p.action === 'place')
          .map((p) => p.loan_id),
      ).toContain(listed);
      // without the list, the listed loan is placed again; the consent is an event, held either way
      const unlisted = (await propose(asOf)).filter((p) => p.action === 'place').map((p) => p.loan_id);
      expect(unlisted).toContain(listed);
      expect(unlisted).not.toContain(withdrew);
      // a consent restored to the agency channel lifts it
      await wh.client.insert({
        table: `${wh.database}.loan_events`,
        format: 'JSONEachRow',
        values: [
          {
            event_id: 'CA-0',
            loan_id: withdrew,
            event_date: '2024-06-20',
            type: 'contact_allowed',
            note: 'agency',
            amount: 0,
          },
        ],
      });
      expect((await propose(asOf)).filter((p) => p.action === 'place').map((p) => p.loan_id)).toContain(withdrew);
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
