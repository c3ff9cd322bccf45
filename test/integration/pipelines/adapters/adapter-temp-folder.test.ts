import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestThroughAdapter } from '../../../../pipelines/adapters/adapt-and-ingest.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/** `ingest --adapter` converts into a temporary folder and removes it, on success and on error. */
describe('ingest through an adapter removes its temporary folder', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let tmpRoot: string;
  beforeAll(async () => {
    wh = await testWarehouse('adapter_tmp');
    tmpRoot = tmpDir('adapter-tmp-root');
  });
  afterAll(() => disposeIfOpened(wh));

  it('after a successful run', async () => {
    const input = tmpDir('tw-input');
    writeFileSync(
      join(input, 'UCI_Credit_Card.csv'),
      [
        'ID,LIMIT_BAL,SEX,EDUCATION,MARRIAGE,AGE,PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6,BILL_AMT1,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6',
        '1,20000,2,2,1,24,2,2,-1,-1,-2,-2,3913,3102,689,0,0,0',
        '2,120000,2,2,2,26,-1,2,0,0,0,2,2682,1725,2682,3272,3455,3261',
      ].join('\n') + '\n',
    );
    const { adapterReceipt, result } = await ingestThroughAdapter(wh, 'taiwan_credit_default', input, {
      adapter: { asOfMonth: '2005-09' },
      ingest: { piiSecret: 's' },
      tmpRoot,
    });
    expect(adapterReceipt.read['UCI_Credit_Card.csv']).toBe(2);
    expect(result.receipts.map((r) => r.entity).sort()).toEqual(['customers', 'loans', 'performance']);
    expect(await count(wh, 'performance')).toBe(12);
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it('when the adapter fails', async () => {
    const empty = tmpDir('tw-missing');
    await expect(
      ingestThroughAdapter(wh, 'taiwan_credit_default', empty, { ingest: { piiSecret: 's' }, tmpRoot }),
    ).rejects.toThrow();
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it('when the ingest fails', async () => {
    const input = tmpDir('tw-bad');
    writeFileSync(join(input, 'UCI_Credit_Card.csv'), 'ID,LIMIT_BAL,SEX,AGE\n1,20000,2,24\n');
    // the adapter converts; the ingest then fails (its database does not exist)
    const failing = Object.assign(Object.create(wh), { database: 'no_such_database' }) as typeof wh;
    await expect(
      ingestThroughAdapter(failing, 'taiwan_credit_default', input, { ingest: { piiSecret: 's' }, tmpRoot }),
    ).rejects.toThrow();
    expect(readdirSync(tmpRoot)).toEqual([]);
  });
});
