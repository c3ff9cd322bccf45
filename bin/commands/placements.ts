import { z } from 'zod';
import { inputPath, isoDate, list, outputFormat } from '../flags.ts';
import { ConfigFileError, readConfigFile } from '../config-file.ts';
import { defineCommand, flag, type FlagValues } from '../cli/command.ts';
import { printTable, writeCsv, writeJson, type Output } from '../cli/output.ts';
import { delinquencySettings, type Config } from '../../warehouse/config.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownFilterValues, assertKnownLoans, knownFilterValues } from '../../warehouse/metrics/known-values.ts';
import { defaultAgencyTerms, parseAgencyTerms } from '../../warehouse/workout/agency-terms.ts';
import { defaultSnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';
import { placementStates } from '../../pipelines/collections/agency/placement-state.ts';
import { addDays } from '../../lib/dates.ts';
import { assertListedLoansKnown, parseContactRules } from '../../pipelines/collections/contact-rules-config.ts';
import { proposalsInRegions, unknownRuleProducts, type Proposal } from '../../pipelines/collections/agency/rules.ts';

const placementsFlags = {
  'as-of': flag(isoDate, 'the day', 'YYYY-MM-DD'),
  rules: flag(inputPath.optional(), 'placement rules (JSON; default: docs/collections.md)', 'FILE'),
  history: flag(z.boolean().default(false), 'list the placement history instead of proposing'),
  loan: flag(list.optional(), '--history: only these loans', 'a,b'),
  region: flag(list.optional(), 'only these regions', 'a,b'),
  'contact-rules': flag(
    inputPath.optional(),
    'contact rules whose do-not-contact list and agency consent hold loans back (JSON; default: docs/collections.md)',
    'FILE',
  ),
  format: flag(outputFormat(['table', 'csv', 'json'], 'table'), 'output', 'table|csv|json'),
};
export type PlacementsFlags = FlagValues<typeof placementsFlags>;

export const placementsCommand = defineCommand({
  name: 'placements',
  summary: 'agency placements and recalls to make on a day under the placement rules; or the placement history',
  description:
    "Recalls (a do-not-contact hold — an event, the contact rules' list or a withdrawn consent to the agency channel —, a cure — DPD 0 or paid off —, or the end of the placement period) and new placements (DPD and balance ranges, products, previous placements; agencies in rotation) for the day. Agency performance: loanwatch metrics agency_performance. A day before the data's first day (its first loan) or more than 7 days after its last day (LOANWATCH_DATA_LAG_DAYS) is refused (exit 2), not answered empty.",
  flags: placementsFlags,
  examples: [
    'loanwatch placements --as-of 2024-06-28',
    'loanwatch placements --as-of 2024-06-28 --rules pipelines/collections/agency/default-placement-rules.json --format csv > placements.csv',
    'loanwatch placements --as-of 2024-06-28 --history --loan L000123',
  ],
  warehouse: true,
  check: (f) => (f.loan && !f.history ? '--loan goes with --history' : undefined),
  run: ({ wh, config, out }, f) => runPlacements(wh, config, out, f),
});

const proposalColumns = [
  'action',
  'loan_id',
  'agency',
  'reason',
  'product',
  'region',
  'dpd',
  'balance',
  'placed_date',
  'expires',
  'previous_placements',
] as const satisfies readonly (keyof Proposal)[];

interface HistoryRow {
  loan_id: string;
  placement_no: number;
  agency: string;
  placed_date: string;
  placed_amount: number;
  recalled_date: string | null;
  days: number;
  status_now: string;
  /** null once the loan is closed (paid off or charged off) */
  dpd_now: number | null;
}
const historyColumns = [
  'loan_id',
  'placement_no',
  'agency',
  'placed_date',
  'placed_amount',
  'recalled_date',
  'days',
  'status_now',
  'dpd_now',
] as const satisfies readonly (keyof HistoryRow)[];

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

export async function runPlacements(wh: Warehouse, config: Config, out: Output, f: PlacementsFlags) {
  await assertKnownFilterValues(wh, { region: f.region });
  await assertKnownLoans(wh, f.loan);
  const terms = f.rules ? readConfigFile(f.rules, 'placement rules', parseAgencyTerms) : defaultAgencyTerms;
  const unknownProducts = unknownRuleProducts(terms, (await knownFilterValues(wh)).product);
  if (f.rules && unknownProducts) throw new ConfigFileError(`placement rules ${f.rules}: ${unknownProducts}`);
  const contactRules = f['contact-rules']
    ? readConfigFile(f['contact-rules'], 'contact rules', (raw) => parseContactRules(raw, ''))
    : undefined;
  if (contactRules) await assertListedLoansKnown(wh, contactRules, `contact rules ${f['contact-rules']}`);
  const asOf = f['as-of'];
  const settings = defaultSnapshotSettings(delinquencySettings(config));
  const book = await placementStates(wh, asOf, settings, '--as-of', contactRules);
  const states = book.filter((s) => !f.region || f.region.includes(s.region));
  if (f.history) {
    const rows: HistoryRow[] = states
      .filter((s) => !f.loan || f.loan.includes(s.loan_id))
      .flatMap((s) =>
        s.placements.map((p, i) => ({
          loan_id: s.loan_id,
          placement_no: i + 1,
          agency: p.agency,
          placed_date: p.placed_date,
          placed_amount: p.placed_amount,
          recalled_date: p.recalled_date,
          days: daysBetween(p.placed_date, p.recalled_date ?? asOf),
          status_now: s.status,
          dpd_now: s.status === 'active' ? s.dpd : null,
        })),
      );
    if (f.format === 'json') await writeJson(out, rows);
    else if (f.format === 'csv') await writeCsv<HistoryRow>(out, historyColumns, rows, { money: ['placed_amount'] });
    else
      printTable(
        out,
        rows,
        historyColumns.map((c) => ({
          header: c,
          value: (r: HistoryRow) => r[c],
          ...(c === 'placed_amount' ? { format: 'money' as const } : {}),
        })),
      );
    return rows;
  }
  const proposals = proposalsInRegions(book, asOf, terms, f.region);
  if (f.format === 'json') await writeJson(out, proposals);
  else if (f.format === 'csv') await writeCsv<Proposal>(out, proposalColumns, proposals, { money: ['balance'] });
  else {
    const placed = proposals.filter((p) => p.action === 'place');
    const byAgency = terms.agencies.map((a) => `${a.id} ${placed.filter((p) => p.agency === a.id).length}`);
    console.error(
      `placements ${asOf}: ${placed.length} to place (${byAgency.join(', ')}), ${proposals.length - placed.length} to recall; period ${terms.placement_days} days (placed today: expires ${addDays(asOf, terms.placement_days - 1)})`,
    );
    printTable(
      out,
      proposals,
      proposalColumns.map((c) => ({
        header: c,
        value: (r: Proposal) => r[c],
        ...(c === 'balance' ? { format: 'money' as const } : c === 'dpd' ? { format: 'int' as const } : {}),
      })),
    );
  }
  return proposals;
}
