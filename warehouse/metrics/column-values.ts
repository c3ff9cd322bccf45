import type { MetricColumn } from './definition.ts';

/**
 * What a metric column's values are, the one rule the table and the CSV format them by: money, a
 * count, a ratio, a plain number (PSI, AUC, days, DPD) or text. A column with a denominator is a
 * ratio whatever its kind says (a roll-rate row's flow_share is a measure's share of its row); a
 * number or text a label only describes is not (avg_days_late is days, not a share).
 */
export type MetricValueType = 'text' | 'money' | 'count' | 'ratio' | 'number';

export function valueTypeOf(c: MetricColumn): MetricValueType {
  if (c.kind === 'dimension' || c.kind === 'text') return 'text';
  if (c.kind === 'number') return 'number';
  if (c.kind === 'ratio' || c.denominator) return 'ratio';
  return c.kind === 'measure' ? 'money' : 'count';
}

/** decimals of a ratio in CSV: a basis point of a basis point, more than any ratio is read to */
export const ratioDecimals = 6;

type Value = string | number;

/** `-0.00` (a tiny negative rounded away) reads as a sign that is not there */
const unsigned = (s: string) => (/^-0(\.0*)?$/u.test(s) ? s.slice(1) : s);
const plainDecimal = /^(-?\d+)(?:\.(\d*))?$/u;

/**
 * Exactly `digits` decimals. The engine writes a Decimal without its trailing zeros ("1234.5"):
 * such a value is padded as text, never through a float (a Decimal(38, 2) sum is exact beyond
 * 2^53); a Float64 (ECL, a ratio) is rounded. A value that is no finite number stays as it is.
 */
function fixed(v: Value, digits: number): Value {
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  const m = typeof v === 'string' ? plainDecimal.exec(v) : null;
  if (m && (m[2] ?? '').length <= digits) return unsigned(`${m[1]!}.${(m[2] ?? '').padEnd(digits, '0')}`);
  return unsigned(n.toFixed(digits));
}

/**
 * At most `digits` decimals, no trailing zeros: a plain number may be whole days or a DPD
 * ("95", not "95.000000") or a PSI; float noise (0.30000000000000004) is cut. A whole value is
 * kept as written (a UInt64 beyond 2^53 stays exact).
 */
function upTo(v: Value, digits: number): Value {
  const n = Number(v);
  if (!Number.isFinite(n) || Number.isInteger(n)) return v;
  return unsigned(String(Number(n.toFixed(digits))));
}

/**
 * A metric value as written to CSV, by its column's type: money with exactly 2 decimals, ratios
 * with exactly `ratioDecimals`, counts and plain numbers with at most that many; text as it is.
 * No thousands separators: the CSV is for machines (the table is for people: bin/cli/output.ts).
 */
export const csvValue: Record<MetricValueType, (v: Value) => Value> = {
  text: (v) => v,
  money: (v) => fixed(v, 2),
  ratio: (v) => fixed(v, ratioDecimals),
  count: (v) => upTo(v, ratioDecimals),
  number: (v) => upTo(v, ratioDecimals),
};
