import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, delinquencySettings, loadConfig } from '../../../warehouse/config.ts';
import { engineMemorySettings } from '../../../warehouse/connection.ts';
import { accrualRulesOf, defaultAccrualRules } from '../../../pipelines/accrual/accrual-rules.ts';
import { defaultSnapshotSettings } from '../../../pipelines/snapshot/snapshot-settings.ts';

/** the one line a bad configuration stops the program with */
const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('loadConfig', () => {
  it('documents defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      LOANWATCH_DATA_DIR: './data',
      CLICKHOUSE_DATABASE: 'loanwatch',
      LOANWATCH_GRACE_DAYS: 0,
      LOANWATCH_DPD_CONVENTION: 'due_date',
    });
    expect(c.CLICKHOUSE_URL).toBeUndefined();
  });
  it('fails fast with the variable name on bad values', () => {
    expect(() => loadConfig({ LOANWATCH_GRACE_DAYS: 'five' })).toThrow(/LOANWATCH_GRACE_DAYS/);
    expect(() => loadConfig({ CLICKHOUSE_DATABASE: 'x; DROP TABLE loans' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'not a url' })).toThrow(/CLICKHOUSE_URL/);
    expect(() => loadConfig({ LOANWATCH_DPD_CONVENTION: 'calendar' })).toThrow(/LOANWATCH_DPD_CONVENTION/);
  });

  it('LOANWATCH_PROMISE_MAX_DAYS: 60 unset or blank, a whole number of days 0–366, else refused at parse', () => {
    expect(loadConfig({}).LOANWATCH_PROMISE_MAX_DAYS).toBe(60);
    expect(loadConfig({ LOANWATCH_PROMISE_MAX_DAYS: ' ' }).LOANWATCH_PROMISE_MAX_DAYS).toBe(60);
    expect(loadConfig({ LOANWATCH_PROMISE_MAX_DAYS: '30' }).LOANWATCH_PROMISE_MAX_DAYS).toBe(30);
    expect(loadConfig({ LOANWATCH_PROMISE_MAX_DAYS: '0' }).LOANWATCH_PROMISE_MAX_DAYS).toBe(0);
    for (const bad of ['367', '-1', '1.5', 'soon'])
      expect(refusal({ LOANWATCH_PROMISE_MAX_DAYS: bad })).toMatch(
        /^invalid configuration: LOANWATCH_PROMISE_MAX_DAYS: [^\n]+$/u,
      );
  });

  it('LOANWATCH_ACCRUAL_RULES: the file is read and checked at parse, its rules carried by the settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-config-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const missing = join(dir, 'missing.json');
    expect(refusal({ LOANWATCH_ACCRUAL_RULES: missing })).toBe(
      `invalid configuration: LOANWATCH_ACCRUAL_RULES: accrual rules file ${missing} not found`,
    );
    expect(refusal({ LOANWATCH_ACCRUAL_RULES: file('bad.json', '{ "default": ') })).toMatch(
      /^invalid configuration: LOANWATCH_ACCRUAL_RULES: \S+bad\.json is not valid JSON: [^\n]+$/u,
    );
    expect(refusal({ LOANWATCH_ACCRUAL_RULES: file('field.json', '{"default":{"late_fee":-5}}') })).toMatch(
      /^invalid configuration: LOANWATCH_ACCRUAL_RULES: \S+field\.json at default\.late_fee: must be a finite number ≥ 0/u,
    );
    expect(refusal({ LOANWATCH_ACCRUAL_RULES: dir })).toMatch(
      /^invalid configuration: LOANWATCH_ACCRUAL_RULES: [^\n]+$/u,
    );
    // two bad variables: still one line, both named
    expect(refusal({ LOANWATCH_ACCRUAL_RULES: missing, LOANWATCH_PROMISE_MAX_DAYS: '400' })).toMatch(
      /^invalid configuration: [^\n]*LOANWATCH_PROMISE_MAX_DAYS[^\n]*; [^\n]*LOANWATCH_ACCRUAL_RULES|^invalid configuration: [^\n]*LOANWATCH_ACCRUAL_RULES[^\n]*; [^\n]*LOANWATCH_PROMISE_MAX_DAYS/u,
    );

    const own = file('own.json', '{"products":{"credit_card":{"late_fee":50}}}');
    const config = loadConfig({ LOANWATCH_ACCRUAL_RULES: own });
    expect(config.LOANWATCH_ACCRUAL_RULES?.path).toBe(own);
    const settings = defaultSnapshotSettings(delinquencySettings(config));
    expect(accrualRulesOf(settings).products.credit_card?.late_fee).toBe(50);
    expect(accrualRulesOf(settings).label).not.toBe(defaultAccrualRules().label);
    // unset or blank: the default file's rules
    for (const env of [{}, { LOANWATCH_ACCRUAL_RULES: '' }]) {
      const c = loadConfig(env);
      expect(c.LOANWATCH_ACCRUAL_RULES).toBeUndefined();
      expect(accrualRulesOf(defaultSnapshotSettings(delinquencySettings(c)))).toEqual(defaultAccrualRules());
    }
  });
});

describe('engineMemorySettings', () => {
  it('bounds a statement at LOANWATCH_ENGINE_MEMORY_MB, spills GROUP BY and ORDER BY at half of it, reads files with pread', () => {
    expect(engineMemorySettings(loadConfig({}))).toEqual({
      max_memory_usage: String(6144 * 2 ** 20),
      max_bytes_before_external_group_by: String(3072 * 2 ** 20),
      max_bytes_before_external_sort: String(3072 * 2 ** 20),
      storage_file_read_method: 'pread',
    });
    expect(engineMemorySettings(loadConfig({ LOANWATCH_ENGINE_MEMORY_MB: '1000' })).max_memory_usage).toBe(
      String(1000 * 2 ** 20),
    );
  });
  it('refuses a bound too small to run anything, or not a whole number', () => {
    for (const bad of ['0', '100', '-1', '1.5', 'lots'])
      expect(() => loadConfig({ LOANWATCH_ENGINE_MEMORY_MB: bad })).toThrow(/LOANWATCH_ENGINE_MEMORY_MB/);
  });
});
