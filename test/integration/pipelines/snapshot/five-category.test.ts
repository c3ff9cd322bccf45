import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { buildMonthEndSnapshots } from '../../../../pipelines/snapshot/build-snapshots.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';
import { defaultSettings } from '../../../helpers/settings.ts';

// Six monthly installments due on the 15th, Jan–Jun 2024, no interest.
const schedule = (id: string, each: number) =>
  Array.from({ length: 6 }, (_, i) => `${id},${i + 1},2024-0${i + 1}-15,${each}.00,0.00`);
const onTime = (id: string, each: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${id}-P${i + 1},${id},2024-0${i + 1}-15,${each}.00`);

// in one pass, and in passes: the contagion pre-pass then splits the non-retail loans by borrower
// into passes of one loan each, while borrower B's two loans must still be read together
describe.each([
  { passes: 'one pass', build: {} },
  { passes: 'passes', build: { buckets: 3, loansPerPass: 1 } },
])('five-category floors, credit-card table, contagion and overrides ($passes)', ({ passes, build }) => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const cls = async (id: string, me: string) =>
    (
      await queryRows<{ dpd: number; five_class: string; five_class_rule: string }>(
        wh,
        `SELECT dpd, five_class, five_class_rule FROM ${wh.database}.loan_month WHERE loan_id = {id:String} AND month_end = {me:Date}`,
        { id, me },
      )
    )[0];

  beforeAll(async () => {
    wh = await testWarehouse(`fivecat_${passes.replace(' ', '_')}`);
    const dir = join(tmpDir(`fivecat_${passes.replace(' ', '_')}`), 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,borrower_type\nR,retail\nB,non_retail\n');
    writeFileSync(
      join(dir, 'loans.csv'),
      [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
        'R1,R,consumer,2023-12-15,600.00,0,6',
        'K1,R,credit_card,2023-12-15,600.00,0,6',
        'R2,R,consumer,2023-12-15,600.00,0,6',
        'B1,B,consumer,2023-12-15,600.00,0,6',
        'B2,B,consumer,2023-12-15,6000.00,0,6',
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'schedule.csv'),
      [
        'loan_id,installment_no,due_date,principal_due,interest_due',
        ...schedule('R1', 100),
        ...schedule('K1', 100),
        ...schedule('R2', 100),
        ...schedule('B1', 100),
        ...schedule('B2', 1000),
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'payments.csv'),
      ['payment_id,loan_id,paid_date,amount', ...onTime('R2', 100, 6), ...onTime('B2', 1000, 6)].join('\n') + '\n',
    );
    await ingest(wh, [dir], { piiSecret: 's' });
    await exec(
      wh,
      `INSERT INTO ${wh.database}.classification_overrides VALUES ('R2', '2024-03-01', 'doubtful', 'fraud suspected, case 17', 'risk officer', '2024-03-02 10:00:00')`,
    );
    await buildMonthEndSnapshots(wh, { asOf: '2024-07-31', settings: defaultSettings, ...build });
  });
  afterAll(() => disposeIfOpened(wh));

  it('retail DPD floors (2023 rules): 关注 1–90, 次级 91–270', async () => {
    expect(await cls('R1', '2024-03-31')).toEqual({
      dpd: 76,
      five_class: 'special_mention',
      five_class_rule: 'dpd_floor',
    });
    expect(await cls('R1', '2024-04-30')).toEqual({
      dpd: 106,
      five_class: 'substandard',
      five_class_rule: 'dpd_floor',
    });
    expect(await cls('R1', '2024-07-31')).toEqual({
      dpd: 198,
      five_class: 'substandard',
      five_class_rule: 'dpd_floor',
    });
  });

  it('credit-card table (2011 rules): 次级 91–120, 可疑 121–180, 损失 > 180', async () => {
    expect(await cls('K1', '2024-04-30')).toEqual({
      dpd: 106,
      five_class: 'substandard',
      five_class_rule: 'credit_card_dpd_floor',
    });
    expect(await cls('K1', '2024-05-31')).toEqual({
      dpd: 137,
      five_class: 'doubtful',
      five_class_rule: 'credit_card_dpd_floor',
    });
    expect(await cls('K1', '2024-07-31')).toEqual({
      dpd: 198,
      five_class: 'loss',
      five_class_rule: 'credit_card_dpd_floor',
    });
  });

  it('contagion: a non-retail borrower with more than 10% non-performing has every loan at least 次级', async () => {
    expect(await cls('B2', '2024-03-31')).toEqual({ dpd: 0, five_class: 'normal', five_class_rule: 'dpd_floor' });
    expect(await cls('B2', '2024-04-30')).toEqual({ dpd: 0, five_class: 'substandard', five_class_rule: 'contagion' });
    expect(await cls('B1', '2024-04-30')).toEqual({
      dpd: 106,
      five_class: 'substandard',
      five_class_rule: 'dpd_floor',
    });
  });

  it('a manual override applies from its effective date and names its rule', async () => {
    expect(await cls('R2', '2024-02-29')).toEqual({ dpd: 0, five_class: 'normal', five_class_rule: 'dpd_floor' });
    expect(await cls('R2', '2024-03-31')).toEqual({
      dpd: 0,
      five_class: 'doubtful',
      five_class_rule: 'manual_override',
    });
  });
});
