import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../warehouse/config.ts';
import { engineMemorySettings } from '../../../warehouse/connection.ts';

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
