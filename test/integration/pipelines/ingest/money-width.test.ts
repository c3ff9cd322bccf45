import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { entitySpecs } from '../../../../pipelines/ingest/entity-specs.ts';
import { stagedQuery, stagedSelect } from '../../../../pipelines/ingest/validation-sql.ts';
import { ActionRefused, contractChecked } from '../../../../api/routes/collection-actions.ts';
import { exec, queryRows } from '../../../../warehouse/connection.ts';
import { sqlStringLiteral } from '../../../../warehouse/sql.ts';
import { badFileLoans, loansCsv } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

const tooLarge = 'too large (more than 15 digits before the point)';

/**
 * A money value wider than the contract's 15 digits before the point is a number all the same: it is
 * quarantined as too large, in every money field of every entity, in both loaders and in an action
 * recorded through the API — never "not a decimal number".
 */
describe('a money value with more than 15 digits before the point', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  beforeAll(async () => {
    wh = await testWarehouse('money_width');
    dir = tmpDir('money-width');
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    await ingest(wh, [join(dir, 'loans.csv')], { piiSecret: 's' });
  });
  afterAll(() => disposeIfOpened(wh));

  /** the reason the stage gives a row whose field `name` reads `value` (the entity's other fields missing) */
  async function fieldReason(entity: keyof typeof entitySpecs, name: string, value: string): Promise<string[]> {
    const spec = entitySpecs[entity];
    const cols = spec.fields.map(
      (f) => `CAST(${f.name === name ? sqlStringLiteral(value) : 'NULL'} AS Nullable(String)) AS ${f.name}__in`,
    );
    const landed = `SELECT toUInt64(1) AS line, '' AS raw, '' AS structural, ${cols.join(', ')}`;
    const [r] = await queryRows<{ reason: string }>(
      wh,
      `SELECT reason FROM (${stagedQuery(stagedSelect(spec, "''"), landed)})`,
      { pii_secret: 's' },
    );
    return r!.reason.split('; ').filter((x) => x.startsWith(`${name}: `));
  }

  const moneyFields = Object.values(entitySpecs).flatMap((spec) =>
    spec.fields.filter((f) => f.kind === 'money').map((f) => [spec.entity, f.name] as const),
  );

  it('every money field of every entity: too large at 16 digits and beyond, a number at 15 (leading zeros aside)', async () => {
    expect(moneyFields.length).toBeGreaterThanOrEqual(10);
    for (const [entity, name] of moneyFields) {
      for (const digits of [16, 17, 19, 25, 40]) {
        const v = `${'9'.repeat(digits)}.99`;
        expect(await fieldReason(entity, name, v), `${entity}.${name} ${v}`).toEqual([`${name}: ${tooLarge}`]);
        expect(await fieldReason(entity, name, '1'.repeat(digits)), `${entity}.${name}`).toEqual([
          `${name}: ${tooLarge}`,
        ]);
      }
      // every broken rule is listed: a wide amount may be negative and over-precise as well
      expect(await fieldReason(entity, name, `-${'1'.repeat(16)}.125`)).toEqual([
        `${name}: ${tooLarge}`,
        `${name}: more than 2 decimal places`,
        `${name}: negative amount`,
      ]);
      for (const fine of ['999999999999999.99', `${'0'.repeat(10)}999999999999999.99`, '0000000000000000001.50'])
        expect(await fieldReason(entity, name, fine), `${entity}.${name} ${fine}`).toEqual([]);
      for (const notANumber of ['1e16', '9999999999999999,99', '99999999999999999x'])
        expect(await fieldReason(entity, name, notANumber)).toEqual([`${name}: not a decimal number`]);
      // an export's decorations: the reason says what to write instead
      for (const v of ['1,025.50', '12,345,678', '1,025'])
        expect(await fieldReason(entity, name, v), v).toEqual([
          `${name}: not a decimal number`,
          `${name}: thousands separators: write 1025.50, not 1,025.50`,
        ]);
      for (const v of ['￥500.00', '¥500', '$12.5', '500元', '500.00 RMB'])
        expect(await fieldReason(entity, name, v), v).toEqual([
          `${name}: not a decimal number`,
          `${name}: a currency sign or unit: write the number alone`,
        ]);
      expect(await fieldReason(entity, name, '￥1,025.50')).toEqual([
        `${name}: not a decimal number`,
        `${name}: a currency sign or unit: write the number alone`,
      ]);
    }
  });

  for (const loader of ['engine', 'stream'] as const) {
    it(`a payments file (${loader}): the wide amount at the first, a middle and the last line, several sizes, quarantined as too large`, async () => {
      for (const records of [1, 3, 200]) {
        for (const at of [...new Set([1, Math.ceil(records / 2), records])]) {
          await exec(wh, `TRUNCATE TABLE ${wh.database}.payments`);
          await exec(wh, `TRUNCATE TABLE ${wh.database}.quarantine`);
          const rows = Array.from(
            { length: records },
            (_, i) => `P${i + 1},L${i % badFileLoans},2023-01-15,${i + 1 === at ? '9999999999999999.99' : '10.00'}`,
          );
          const path = join(dir, `payments-${loader}-${records}-${at}.csv`);
          writeFileSync(path, `payment_id,loan_id,paid_date,amount\n${rows.join('\n')}\n`);
          const r = await ingest(wh, [path], { piiSecret: 's', loader });
          expect(r.receipts[0]).toMatchObject({ rows_read: records, rows_quarantined: 1 });
          const q = await queryRows<{ line: string; reason: string }>(
            wh,
            `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine`,
          );
          expect(q).toEqual([{ line: String(at + 1), reason: `amount: ${tooLarge}` }]);
        }
      }
    });
  }

  it('an action recorded through the API or the console gets the same reason (400)', async () => {
    const e = await contractChecked(
      wh,
      {
        action_id: 'A1',
        loan_id: 'L1',
        action_date: '2024-03-01',
        channel: 'phone',
        outcome: 'promise_to_pay',
        promised_amount: '9999999999999999.99',
        promised_date: '2024-03-05',
      },
      undefined,
      undefined,
    ).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ActionRefused);
    expect((e as ActionRefused).reasons).toEqual([{ field: 'promised_amount', message: tooLarge }]);
  });
});
