import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { assertInputFile } from '../../lib/input-file.ts';
import { UserError } from '../../lib/user-error.ts';
import { actionChannels } from '../ingest/entity-specs.ts';
import { jsonText } from '../../lib/user-json.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertKnownLoans, UnknownNameError } from '../../warehouse/metrics/known-values.ts';

/**
 * The contact rules (issue 22, item 1) as data: a JSON file parsed once with zod, every field with
 * a default (docs/collections.md lists them; pipelines/collections/default-contact-rules.json is the
 * whole default file, to copy and edit). Times are local wall-clock `HH:MM`, as collectors record
 * them (collection_actions.action_time).
 */
export type Channel = (typeof actionChannels)[number];
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

// a spreadsheet's 9:00 is 09:00, as a recorded action's time is read (docs/collections.md)
const hhmm = z
  .string()
  .regex(/^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'a time HH:MM (00:00–24:00)')
  .transform((t) => t.padStart(5, '0'));
/** a day's allowed window [from, to): `to` is the first minute not allowed; null = no contact that day */
const window = z
  .object({ from: hhmm, to: hhmm })
  .strict()
  .refine((w) => w.from < w.to, 'from must be before to')
  .nullable();
export type HourWindow = z.infer<typeof window>;

const everyDay = (from: string, to: string) =>
  Object.fromEntries(weekdays.map((d) => [d, { from, to }])) as Record<Weekday, { from: string; to: string }>;
const days = (dflt: Record<Weekday, HourWindow>) =>
  z
    .object(
      Object.fromEntries(weekdays.map((d) => [d, window.default(dflt[d])])) as Record<
        Weekday,
        z.ZodDefault<typeof window>
      >,
    )
    .strict()
    .default(dflt);

/**
 * Defaults follow the industry's self-regulation in China (互联网金融逾期债务催收自律公约: contact
 * between 08:00 and 21:00; no harassment by frequency): phone, SMS and agency 08:00–21:00 every day;
 * visits in daytime only, 09:00–18:00, never at night; letters are posted, any time; legal steps on
 * working days 09:00–17:00.
 */
const defaultHours: Record<Channel, Record<Weekday, HourWindow>> = {
  sms: everyDay('08:00', '21:00'),
  phone: everyDay('08:00', '21:00'),
  visit: everyDay('09:00', '18:00'),
  letter: everyDay('00:00', '24:00'),
  legal: { ...everyDay('09:00', '17:00'), sat: null, sun: null },
  agency: everyDay('08:00', '21:00'),
};

/** per loan and channel: at most `per_day` contacts on a date, `per_week` in 7 days (the date and the 6 before), `min_gap_minutes` after the previous one (null = no limit) */
const limits = (d: { per_day: number | null; per_week: number | null; min_gap_minutes: number | null }) =>
  z
    .object({
      per_day: z.number().int().min(1).nullable().default(d.per_day),
      per_week: z.number().int().min(1).nullable().default(d.per_week),
      min_gap_minutes: z.number().int().min(0).max(10_080).nullable().default(d.min_gap_minutes),
    })
    .strict()
    .default(d);
const defaultLimits: Record<
  Channel,
  { per_day: number | null; per_week: number | null; min_gap_minutes: number | null }
> = {
  sms: { per_day: 2, per_week: 7, min_gap_minutes: 120 },
  phone: { per_day: 3, per_week: 10, min_gap_minutes: 60 },
  visit: { per_day: 1, per_week: 2, min_gap_minutes: null },
  letter: { per_day: 1, per_week: 2, min_gap_minutes: null },
  legal: { per_day: null, per_week: null, min_gap_minutes: null },
  agency: { per_day: 3, per_week: 10, min_gap_minutes: 60 },
};

const channelList = z.array(z.enum(actionChannels));
const cooling = (days: number, channels: Channel[]) =>
  z
    .object({ days: z.number().int().min(0).max(365).default(days), channels: channelList.default(channels) })
    .strict()
    .default({ days, channels });
/** the channels that reach the borrower in person or by voice/text: a cooling-off stops these, not a posted letter or a court step */
const personal: Channel[] = ['sms', 'phone', 'visit', 'agency'];

export const dncReasons = ['legal_hold', 'bankruptcy', 'deceased', 'dispute'] as const;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const contactRulesSchema = z
  .object({
    hours: z
      .object(
        Object.fromEntries(actionChannels.map((c) => [c, days(defaultHours[c])])) as Record<
          Channel,
          ReturnType<typeof days>
        >,
      )
      .strict()
      .default(defaultHours as never),
    limits: z
      .object(
        Object.fromEntries(actionChannels.map((c) => [c, limits(defaultLimits[c])])) as Record<
          Channel,
          ReturnType<typeof limits>
        >,
      )
      .strict()
      .default(defaultLimits as never),
    cooling_off: z
      .object({ refused: cooling(2, personal), complaint: cooling(7, personal) })
      .strict()
      .default({ refused: { days: 2, channels: personal }, complaint: { days: 7, channels: personal } }),
    do_not_contact: z
      .object({
        channels: channelList.default([...actionChannels]),
        /** loans on a do-not-contact list kept outside the loan events: from `from`, until the day before `until` (none: open) */
        list: z
          .array(
            z
              .object({
                // an id pasted from a spreadsheet often carries a space, which would match no loan and lift the hold
                loan_id: z.string().trim().min(1),
                reason: z.enum(dncReasons),
                from: isoDate,
                until: isoDate.optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ channels: [...actionChannels], list: [] }),
  })
  .strict();
export type ContactRules = z.infer<typeof contactRulesSchema>;

export const defaultContactRules: ContactRules = contactRulesSchema.parse({});

/** A bad contact-rules file: one line naming the field (exit 2, HTTP 400). */
export class ContactRulesError extends UserError {}

export function parseContactRules(raw: unknown, where = 'contact rules'): ContactRules {
  const r = contactRulesSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    // '' when the caller names the file itself (bin/config-file.ts)
    throw new ContactRulesError(`${where ? `${where}: ` : ''}${i.path.join('.') || '(file)'}: ${i.message}`);
  }
  return r.data;
}

/** The rules of a JSON file (the defaults fill what it leaves out). */
export function loadContactRules(path: string | undefined): ContactRules {
  if (!path) return defaultContactRules;
  assertInputFile(path, 'contact rules');
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new ContactRulesError(`contact rules ${path}: not JSON (${(e as Error).message.split('\n')[0] ?? ''})`);
  }
  return parseContactRules(raw, `contact rules ${path}`);
}

/**
 * Refuses a do-not-contact list naming a loan the book does not hold (exit 2, HTTP 400): such an id
 * is a typo for a borrower whose hold would then not be applied, so the list is not used until it is fixed.
 */
export async function assertListedLoansKnown(
  wh: Warehouse,
  rules: ContactRules,
  where = 'contact rules',
): Promise<void> {
  try {
    await assertKnownLoans(
      wh,
      rules.do_not_contact.list.map((l) => l.loan_id),
    );
  } catch (e) {
    if (e instanceof UnknownNameError) throw new ContactRulesError(`${where}: do_not_contact.list: ${e.message}`);
    throw e;
  }
}
