import { daysInMonth, epochDay, isoDateOf } from '../../lib/dates.ts';

/** Calendar helpers on ISO dates (UTC); months are indexed as year * 12 + month0. */
export const monthIndex = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;

export function monthEnd(idx: number): string {
  const y = Math.floor(idx / 12);
  const m = idx % 12;
  return isoDateOf(y, m, daysInMonth(y, m));
}

export function dateInMonth(idx: number, day: number): string {
  const y = Math.floor(idx / 12);
  const m = idx % 12;
  return isoDateOf(y, m, Math.min(day, daysInMonth(y, m)));
}

export { addDays } from '../../lib/dates.ts';
export const daysBetween = (from: string, to: string) => epochDay(to) - epochDay(from);
export const dayOfMonth = (iso: string) => Number(iso.slice(8, 10));
