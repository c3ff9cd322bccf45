/** Calendar helpers on ISO dates (UTC); months are indexed as year * 12 + month0. */
export const monthIndex = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;

export function monthEnd(idx: number): string {
  const y = Math.floor(idx / 12);
  const m = idx % 12;
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

export function dateInMonth(idx: number, day: number): string {
  const y = Math.floor(idx / 12);
  const m = idx % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(day, last))).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);
}

export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
export const dayOfMonth = (iso: string) => Number(iso.slice(8, 10));
