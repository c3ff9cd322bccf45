import { describe, expect, it } from 'vitest';
import { entityOfFile } from '../../../../pipelines/ingest/discover.ts';

describe('entityOfFile: the entity a file name starts with', () => {
  it('every prefix, any case, with a date or a folder around it', () => {
    const cases: [string, string | null][] = [
      ['payments.csv', 'payments'],
      ['Repayments-20240307.csv', 'payments'],
      ['还款-20240302.csv', 'payments'],
      ['还款计划.csv', 'schedule'],
      ['/data/day1/collections_0307.jsonl', 'collection_actions'],
      ['催收记录.csv', 'collection_actions'],
      ['events.csv', 'loan_events'],
      ['借据.csv', 'loans'],
      ['客户.csv', 'customers'],
      ['表现.csv', 'performance'],
      ['notes.csv', null],
      ['my-payments.csv', null],
    ];
    for (const [name, entity] of cases) expect(entityOfFile(name), name).toBe(entity);
  });
});
