import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bucketOfDpd,
  defaultIncentiveScheme,
  IncentiveSchemeError,
  multiplierOf,
  parseIncentiveScheme,
  stageOfDpd,
} from '../../../../../pipelines/collections/incentives/scheme.ts';

const defaultFile = new URL('../../../../../pipelines/collections/default-incentive-scheme.json', import.meta.url);
const raw = () => JSON.parse(readFileSync(defaultFile, 'utf8')) as Record<string, unknown>;

/** a copy of the default with the value at `path` replaced */
function withValue(path: (string | number)[], value: unknown): unknown {
  const copy = raw();
  let at = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

describe('incentive scheme', () => {
  it('the default file parses, and is the default', () => {
    expect(parseIncentiveScheme(raw())).toEqual(defaultIncentiveScheme);
    expect(defaultIncentiveScheme.attribution_days).toBe(30);
    expect(defaultIncentiveScheme.multiplier.promise_grace_days).toBe(3);
  });

  it('a bad value in any field is one line naming that field', () => {
    const bad: [(string | number)[], unknown][] = [
      [['attribution_days'], -1],
      [['attribution_days'], 1.5],
      [['commission', 'by_stage', 'early'], 1.2],
      [['commission', 'by_stage', 'mid'], 'x'],
      [['commission', 'by_bucket', 'M9'], 0.1],
      [['commission', 'by_bucket', 'WO'], -0.1],
      [['cure_bonus', 'per_cure'], -5],
      [['cure_bonus', 'by_bucket', 'M2'], null],
      [['multiplier', 'promise_grace_days'], 100],
      [['multiplier', 'min_promises'], -1],
      [['multiplier', 'bands', 0, 'from'], 0.1],
      [['multiplier', 'bands', 2, 'from'], 0.5],
      [['multiplier', 'bands', 1, 'multiplier'], -1],
      [['cap_per_agent_month'], 'lots'],
      [['deductions', 'per_breach'], -1],
      [['deductions', 'by_rule', 'quiet_hours'], -3],
      [['surprise'], 1],
    ];
    for (const [path, value] of bad) {
      const run = () => parseIncentiveScheme(withValue(path, value));
      expect(run).toThrow(IncentiveSchemeError);
      try {
        run();
      } catch (e) {
        const msg = (e as Error).message;
        expect(msg).not.toContain('\n');
        expect(msg).toMatch(new RegExp(`^invalid incentive scheme: ${path.join('\\.')}: `, 'u'));
      }
    }
  });

  it('a rule name in deductions.by_rule that is no contact rule is refused, naming the known ones', () => {
    // "hour" for "hours" used to be charged per_breach without a word
    expect(() => parseIncentiveScheme(withValue(['deductions', 'by_rule'], { hour: 100 }))).toThrow(
      /^invalid incentive scheme: deductions\.by_rule\.hour: unknown rule \(known: .*\bhours\b.*\)$/u,
    );
    expect(parseIncentiveScheme(withValue(['deductions', 'by_rule'], { hours: 100 })).deductions.by_rule).toEqual({
      hours: 100,
    });
  });

  it('a partial file is the default with its own values, and its real mistake is the one named', () => {
    expect(parseIncentiveScheme({})).toEqual(defaultIncentiveScheme);
    const partial = parseIncentiveScheme({ cap_per_agent_month: 5000, commission: { by_stage: { late: 0.06 } } });
    expect(partial).toEqual({
      ...defaultIncentiveScheme,
      cap_per_agent_month: 5000,
      commission: { ...defaultIncentiveScheme.commission, by_stage: { early: 0.01, mid: 0.025, late: 0.06 } },
    });
    // 5 % written as 5: once hidden behind "attribution_days: … received undefined (and 6 more)"
    expect(() => parseIncentiveScheme({ cap_per_agent_month: 5000, commission: { by_stage: { late: 5 } } })).toThrow(
      /^invalid incentive scheme: commission\.by_stage\.late: Too big: expected number to be <=1$/u,
    );
    // a list or record given replaces the default's
    expect(parseIncentiveScheme({ commission: { by_bucket: {} } }).commission.by_bucket).toEqual({});
  });

  it('stage and bucket of the DPD before a payment, on every boundary', () => {
    const rows: [number, boolean, string | undefined, string][] = [
      [0, false, undefined, 'C'],
      [1, false, 'early', 'M1'],
      [30, false, 'early', 'M1'],
      [31, false, 'mid', 'M2'],
      [60, false, 'mid', 'M2'],
      [61, false, 'mid', 'M3'],
      [90, false, 'mid', 'M3'],
      [91, false, 'late', 'M4'],
      [180, false, 'late', 'M6'],
      [181, false, 'late', 'M7+'],
      [0, true, 'late', 'WO'],
    ];
    for (const [dpd, co, stage, bucket] of rows)
      expect([stageOfDpd(dpd, co), bucketOfDpd(dpd, co)]).toEqual([stage, bucket]);
  });

  it('multiplier: the last band whose from is at or below the rate; no rate or too few promises: 1', () => {
    const s = defaultIncentiveScheme;
    expect(multiplierOf(s, null, 0)).toBe(1);
    expect(multiplierOf(s, 1, s.multiplier.min_promises - 1)).toBe(1);
    for (const b of s.multiplier.bands) {
      expect(multiplierOf(s, b.from, s.multiplier.min_promises)).toBe(b.multiplier);
      if (b.from > 0) expect(multiplierOf(s, b.from - 1e-9, s.multiplier.min_promises)).not.toBe(b.multiplier);
    }
  });
});
