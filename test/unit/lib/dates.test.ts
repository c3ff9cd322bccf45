import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMonthsClamped, daysInMonth, epochDay, isoDateOf, isoOfEpochDay, localDateOf } from '../../../lib/dates.ts';
import { addDays, dateInMonth, daysBetween, monthEnd } from '../../../pipelines/generate/dates.ts';
import { Rng } from '../../../lib/random.ts';
import { addMonths } from '../../reference/snapshot-reference.ts';

/** The Date-object forms these replace: the reference they must equal. */
const viaDate = {
  iso: (ms: number) => new Date(ms).toISOString().slice(0, 10),
  epochDay: (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000,
  addMonthsClamped: addMonths,
};
// Date.UTC maps years 0–99 to 1900–1999, so the reference is built with setUTCFullYear
const utc = (y: number, m0: number, d: number) => new Date(0).setUTCFullYear(y, m0, d);

// every day of 0000-01-01 … 9999-12-31 is a valid input; sample them, with the edges always in
const rng = new Rng(20_240_630);
const lo = viaDate.epochDay('0000-01-01');
const hi = viaDate.epochDay('9999-12-31');
const days = [lo, hi, 0, -1, viaDate.epochDay('2000-02-29'), viaDate.epochDay('1900-02-28')];
for (let i = 0; i < 20_000; i++) days.push(rng.int(lo, hi));
for (let i = 0; i < 5_000; i++) days.push(rng.int(-30_000, 80_000)); // 1888–2189, where loans live

describe('calendar arithmetic without Date objects', () => {
  it('epochDay and isoOfEpochDay equal the Date forms and invert each other', () => {
    for (const n of days) {
      const iso = viaDate.iso(n * 86_400_000);
      expect(isoOfEpochDay(n)).toBe(iso);
      expect(epochDay(iso)).toBe(n);
    }
  });

  it('daysInMonth and isoDateOf equal the Date forms in every month of 0000–9999 sampled', () => {
    for (let i = 0; i < 20_000; i++) {
      const y = i < 2_400 ? 1600 + (i % 800) : rng.int(0, 9999);
      const m0 = i % 12;
      expect(daysInMonth(y, m0)).toBe(new Date(utc(y, m0 + 1, 0)).getUTCDate());
      expect(isoDateOf(y, m0, 1)).toBe(viaDate.iso(utc(y, m0, 1)));
    }
  });

  it('addMonthsClamped equals the Date form (month-ends, 29–31 Feb clamps, negative months)', () => {
    for (const n of days.slice(0, 12_000)) {
      const iso = viaDate.iso(n * 86_400_000);
      const k = rng.int(-400, 400);
      const year = Number(iso.slice(0, 4)) + Math.floor((Number(iso.slice(5, 7)) - 1 + k) / 12);
      if (year < 100 || year > 9999) continue; // Date.UTC's own 0–99 mapping makes the reference wrong there
      expect(addMonthsClamped(iso, k), `${iso} ${String(k)}`).toBe(viaDate.addMonthsClamped(iso, k));
    }
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-12-15', 1)).toBe('2025-01-15');
  });

  it("the generator's helpers equal their Date forms", () => {
    for (const n of days.slice(0, 8_000)) {
      const iso = viaDate.iso(n * 86_400_000);
      const k = rng.int(-1_000, 1_000);
      const later = viaDate.iso((n + k) * 86_400_000);
      if (later < '0000' || later > '9999-12-31' || later.startsWith('-') || later.startsWith('+')) continue;
      expect(addDays(iso, k)).toBe(later);
      expect(daysBetween(iso, later)).toBe(k);
    }
    for (let idx = 1900 * 12; idx < 2200 * 12; idx++) {
      const y = Math.floor(idx / 12);
      const m = idx % 12;
      expect(monthEnd(idx)).toBe(viaDate.iso(utc(y, m + 1, 0)));
      const day = 1 + (idx % 31);
      expect(dateInMonth(idx, day)).toBe(
        viaDate.iso(utc(y, m, Math.min(day, new Date(utc(y, m + 1, 0)).getUTCDate()))),
      );
    }
  });

  it('is the one day arithmetic: no source module keeps its own Date-based copy of addDays', () => {
    // the copies (`new Date(Date.parse(d) + k * 86_400_000).toISOString().slice(0, 10)`) drifted
    // from lib/dates one by one; the property tests above hold only for the one in lib/dates
    const root = new URL('../../..', import.meta.url).pathname;
    const copy = /Date\.parse\([^)]*\)\s*[+-][^;\n]*(86_?400_?000|864e5)[^;\n]*\)\.toISOString\(\)\.slice\(0, 10\)/u;
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const copies = ['api', 'bin', 'lib', 'models', 'pipelines', 'reports', 'warehouse']
      .flatMap((d) => sources(join(root, d)))
      .filter((f) => copy.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(root.length));
    expect(copies).toEqual([]);
  });
});

describe("localDateOf: the bank's day where the server runs", () => {
  it("is the calendar day in the process's TZ, not in UTC", () => {
    const before = process.env.TZ;
    try {
      const evening = new Date('2024-06-30T20:30:00Z');
      process.env.TZ = 'Asia/Shanghai';
      expect(localDateOf(evening)).toBe('2024-07-01');
      process.env.TZ = 'America/New_York';
      expect(localDateOf(new Date('2024-07-01T02:00:00Z'))).toBe('2024-06-30');
      process.env.TZ = 'UTC';
      expect(localDateOf(evening)).toBe('2024-06-30');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
