import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { entitySpecs } from '../../../../pipelines/ingest/entity-specs.ts';
import { stagedQuery, stagedSelect } from '../../../../pipelines/ingest/validation-sql.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { sqlStringLiteral } from '../../../../warehouse/sql.ts';
import { seeded } from '../../../helpers/bad-row-file.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A number too large for its column is a bad row, never a failed file: a loan whose annual_rate read
 * 12000 — or whose principal an unquoted comma in the product shifted into annual_rate — threw in the
 * cast to Decimal(9, 6) and failed the whole load ("internal error", nothing loaded).
 */
describe('numbers too large for their column', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  let dir: string;
  beforeAll(async () => {
    wh = await testWarehouse('numeric_overflow');
    dir = tmpDir('numeric-overflow');
  });
  afterAll(() => disposeIfOpened(wh));

  const numericFields = Object.values(entitySpecs).flatMap((spec) =>
    spec.fields
      .filter((f) => ['money', 'rate', 'int'].includes(f.kind))
      .map((f) => [spec.entity, f.name, f.kind] as const),
  );
  const huge = [
    '2147.483648',
    '12000',
    '99999999999',
    '9223372036854775808',
    '1' + '0'.repeat(40),
    '999.9999999',
    '-2500',
    '-99999999999',
  ];

  it('every numeric field of every entity: a value past any column is a reason of that field, and a rate of 1 or more; none throws', async () => {
    expect(numericFields.length).toBeGreaterThanOrEqual(10);
    const pastAnyColumn = new Set(['9223372036854775808', '1' + '0'.repeat(40)]);
    for (const [entity, name, kind] of numericFields) {
      const spec = entitySpecs[entity];
      for (const value of huge) {
        const cols = spec.fields.map(
          (f) => `CAST(${f.name === name ? sqlStringLiteral(value) : 'NULL'} AS Nullable(String)) AS ${f.name}__in`,
        );
        const landed = `SELECT toUInt64(1) AS line, '' AS raw, '' AS structural, ${cols.join(', ')}`;
        // every target column typed too (the rows are written from these): the cast is what threw
        const [r] = await queryRows<{ reason: string }>(
          wh,
          `SELECT * FROM (${stagedQuery(stagedSelect(spec, "''"), landed)})`,
          { pii_secret: 's' },
        );
        const flagged = r!.reason.split('; ').some((x) => x.startsWith(`${name}: `));
        if (kind === 'rate' || pastAnyColumn.has(value)) expect(flagged, `${entity}.${name} = ${value}`).toBe(true);
      }
    }
  });

  it.each(['engine', 'stream'] as const)(
    'a loans file with comma-shifted rows anywhere (%s loader): those quarantined, every other loaded',
    async (loader) => {
      const rnd = seeded(loader === 'engine' ? 7 : 11);
      const n = 300;
      // first, last and random places between
      const bad = new Set([0, n - 1, ...Array.from({ length: 6 }, () => Math.floor(rnd() * n))]);
      const rows = ['loan_id,customer_id,product,origination_date,principal,annual_rate,term_months'];
      for (let k = 0; k < n; k++) {
        const principal = (2148 + Math.floor(rnd() * 500_000)).toFixed(2);
        const product = bad.has(k) ? 'Consumer, unsecured' : 'consumer';
        rows.push(`${loader}${k},C${k},${product},2023-01-01,${principal},0.05,12`);
      }
      const file = join(dir, `loans-${loader}.csv`);
      writeFileSync(file, `${rows.join('\n')}\n`);
      const { receipts } = await ingest(wh, [file], { piiSecret: 's', loader });
      expect(receipts[0]).toMatchObject({ rows_read: n, rows_accepted: n - bad.size, rows_quarantined: bad.size });
      const [loaded] = await queryRows<{ n: string }>(
        wh,
        `SELECT count() AS n FROM ${wh.database}.loans WHERE startsWith(loan_id, '${loader}')`,
      );
      expect(Number(loaded!.n)).toBe(n - bad.size);
    },
  );
});
