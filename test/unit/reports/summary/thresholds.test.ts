import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultThresholdsFile,
  loadThresholds,
  parseThresholds,
  statusOf,
  ThresholdsFileError,
} from '../../../../reports/summary/thresholds.ts';

describe('statusOf: every status flips at its boundary', () => {
  const e = 1e-9;
  it('a floor with an amber band (拨备覆盖率 ≥ 150 %, amber below 170 %)', () => {
    const l = { min: 1.5, amber: 1.7, source: 'regulatory' as const };
    expect(statusOf(1.5 - e, l)).toBe('red');
    expect(statusOf(1.5, l)).toBe('amber');
    expect(statusOf(1.5 + e, l)).toBe('amber');
    expect(statusOf(1.7 - e, l)).toBe('amber');
    expect(statusOf(1.7, l)).toBe('green');
    expect(statusOf(1.7 + e, l)).toBe('green');
  });
  it('a ceiling with an amber band (NPL ratio ≤ 1.5 %, amber above 1 %)', () => {
    const l = { max: 0.015, amber: 0.01, source: 'bank' as const };
    expect(statusOf(0.01 - e, l)).toBe('green');
    expect(statusOf(0.01, l)).toBe('green');
    expect(statusOf(0.01 + e, l)).toBe('amber');
    expect(statusOf(0.015 - e, l)).toBe('amber');
    expect(statusOf(0.015, l)).toBe('amber');
    expect(statusOf(0.015 + e, l)).toBe('red');
  });
  it('limits without a band: at the limit meets it', () => {
    const floor = { min: 0.025, source: 'regulatory' as const };
    expect([statusOf(0.025 - e, floor), statusOf(0.025, floor), statusOf(0.025 + e, floor)]).toEqual([
      'red',
      'green',
      'green',
    ]);
    const ceiling = { max: 1, source: 'regulatory' as const };
    expect([statusOf(1 - e, ceiling), statusOf(1, ceiling), statusOf(1 + e, ceiling)]).toEqual([
      'green',
      'green',
      'red',
    ]);
  });
  it('no value or no limit: no status', () => {
    expect(statusOf(null, { min: 1, source: 'bank' })).toBe('');
    expect(statusOf(0.5, undefined)).toBe('');
  });
});

describe('the thresholds file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-thresholds-'));
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('the default file ships the regulatory minimums: 拨备覆盖率 ≥ 150 %, 贷款拨备率 ≥ 2.5 %, 偏离度 ≤ 100 %', () => {
    const t = loadThresholds(defaultThresholdsFile);
    expect(t.limits.provision_coverage).toMatchObject({ min: 1.5, source: 'regulatory' });
    expect(t.limits.provision_ratio).toMatchObject({ min: 0.025, source: 'regulatory' });
    expect(t.limits.deviation).toMatchObject({ max: 1, source: 'regulatory' });
    expect(t.limits.npl_ratio).toMatchObject({ source: 'bank' });
  });

  it('a file of its own keeps the regulatory limits it does not name; its own limit for one replaces it', () => {
    // docs/reports.md: the regulatory floors always apply unless the file states that figure's limit
    const own = parseThresholds('{"limits":{"npl_ratio":{"max":"2%"}}}', 'own.json');
    expect(own.limits.npl_ratio).toMatchObject({ max: 0.02, source: 'bank' });
    expect(own.limits.provision_coverage).toMatchObject({ min: 1.5, source: 'regulatory' });
    expect(own.limits.provision_ratio).toMatchObject({ min: 0.025, source: 'regulatory' });
    expect(own.limits.deviation).toMatchObject({ max: 1, source: 'regulatory' });
    // the shipped example bank limits are not carried over: they are the bank's to set
    expect(own.limits.par30).toBeUndefined();
    const stricter = parseThresholds(
      '{"limits":{"provision_coverage":{"min":"160%","source":"bank"}}}',
      'stricter.json',
    );
    expect(stricter.limits.provision_coverage).toMatchObject({ min: 1.6, source: 'bank' });
    expect(stricter.limits.provision_ratio).toMatchObject({ min: 0.025, source: 'regulatory' });
  });

  it('percent strings and fractions are the same limit', () => {
    const a = parseThresholds('{"limits":{"npl_ratio":{"max":"2%","amber":"1.5%"}}}', 'a.json');
    const b = parseThresholds('{"limits":{"npl_ratio":{"max":0.02,"amber":0.015}}}', 'b.json');
    expect(a.limits.npl_ratio).toEqual(b.limits.npl_ratio);
  });

  it('a bad file is refused in one line naming the file and the field', () => {
    const cases: [string, RegExp][] = [
      ['{"limits":{"npl_ratio":{"max":"two"}}}', /bad\.json: limits\.npl_ratio\.max: /u],
      [
        '{"limits":{"npl_ratio":{"max":0.02,"amber":0.03}}}',
        /bad\.json: limits\.npl_ratio\.amber: amber must be below max/u,
      ],
      [
        '{"limits":{"provision_coverage":{"min":1.5,"amber":1.2}}}',
        /limits\.provision_coverage\.amber: amber must be above min/u,
      ],
      ['{"limits":{"npl_ratio":{"min":0.01,"max":0.02}}}', /limits\.npl_ratio: give exactly one of min/u],
      ['{"limits":{"npl_raito":{"max":0.02}}}', /limits\.npl_raito: unknown figure; known: outstanding/u],
      ['{"limits":{"npl_ratio":{"max":0.02,"colour":"red"}}}', /limits\.npl_ratio: /u],
      ['{"limit":{}}', /bad\.json: /u],
      ['{not json', /bad\.json: not JSON/u],
      // limits outside what the figure can be: a negative ratio, a share above 100 %, 150 for "150%"
      ['{"limits":{"npl_ratio":{"max":-0.5}}}', /limits\.npl_ratio\.max: -0\.5 is -50%; .*between 0% and 100%/u],
      ['{"limits":{"npl_ratio":{"max":"150%"}}}', /limits\.npl_ratio\.max: 1\.5 is 150%; .*between 0% and 100%/u],
      ['{"limits":{"npl_ratio":{"max":0.02,"amber":-0.01}}}', /limits\.npl_ratio\.amber: .*between 0% and 100%/u],
      [
        '{"limits":{"provision_coverage":{"min":150}}}',
        /limits\.provision_coverage\.min: 150 is 15000%; .*between 0% and 1000%.*"150%"/u,
      ],
      ['{"limits":{"write_offs":{"max":-1}}}', /limits\.write_offs\.max: -1: .*not below 0/u],
    ];
    for (const [text, message] of cases) {
      const f = file('bad.json', text);
      let error: unknown;
      try {
        loadThresholds(f);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(ThresholdsFileError);
      const m = (error as Error).message;
      expect(m, text).toMatch(message);
      expect(m, text).toContain(f);
      expect(m.includes('\n'), text).toBe(false);
    }
    expect(() => loadThresholds(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot be read \(ENOENT\)/u);
  });
});
