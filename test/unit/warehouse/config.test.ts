import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../warehouse/config.ts';

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
