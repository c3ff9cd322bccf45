import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitySpecs, type FieldKind, type FieldSpec } from '../../../../pipelines/ingest/entity-specs.ts';
import { stagedSelect } from '../../../../pipelines/ingest/validation-sql.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { rawEntities } from '../../../../warehouse/tables.ts';
import { disposeIfOpened, testWarehouse } from '../../../helpers/warehouse.ts';

/**
 * The stage decides "bad or not" from one cheap flag per field and writes the messages only for
 * flagged rows; the two are separate SQL. Property: on every combination of awkward values, a row
 * is flagged exactly when some rule gives a message.
 */
// today, tomorrow and the day after (UTC, the engine's clock under TZ=UTC): a date that happened may be the first two
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const pools: Record<FieldKind, string[]> = {
  id: ['A1', 'x\u0007y', 'nul\u0000', 'A'.repeat(128), 'A'.repeat(129), '\\N', '贷款1', ' A2 '],
  text: [
    'note',
    'a'.repeat(1000),
    'a'.repeat(1001),
    '\\N',
    'nul\u0000',
    'tab\there',
    'two\nlines',
    'esc\u001b[0m',
    'cr\r',
  ],
  date: [
    '2024-02-29',
    '2023-02-29',
    'abcdefghij',
    '2024/03/10',
    '2024-3-01',
    '1970-01-01',
    '2149-06-06',
    '2149-06-07',
    '1969-12-31',
    ' 2024-01-01',
    '0000-00-00',
    '2024-01-01T00',
    '20240101',
    '2024-04-31',
    day(1),
    day(2),
  ],
  month: [
    '2024-01',
    '2024-13',
    '2024-1',
    'abcdefg',
    '1969-12',
    '2024-00',
    day(0).slice(0, 7),
    day(40).slice(0, 7),
    '2099-01',
  ],
  money: [
    '0',
    '0.00',
    '0.000',
    '00.10',
    '1.005',
    '1.0050',
    '-1',
    '-0.00',
    '1e5',
    '+1',
    '12a',
    '1.',
    '.5',
    '1234567890123456',
    '123456789012345',
    '1,000.00',
    'NaN',
    'inf',
    '0.01',
    '100.10',
  ],
  int: ['0', '1', '-1', '12', '600', '601', '1.0', '1e2', '999999999999', '9999999999999', '1900', '2031'],
  rate: ['0', '0.0435', '1', '0.9999999', '0.999999', '-0.1', 'abc', '0.12', '1.5', '0.1000000'],
  enum: ['FOO', '', 'cny', 'CN', 'R\u0000B'],
  pii_hash: ['110101199003071234', 'x', '1101\u000001'],
  pii_mask: ['13800138000', '123', '138\u00010000', '138\t0000'],
  time: ['00:00', '08:00', '23:59', '24:00', '7:59', '08:60', 'ab:cd', '0800', '08:00:00'],
};

function pool(f: FieldSpec): string[] {
  const extra =
    f.kind === 'enum'
      ? [...(f.values ?? []), ...(f.values ?? []).map((v) => v.toUpperCase()), ...Object.keys(f.valueAliases ?? {})]
      : [];
  // '' and a missing field (NULL, drawn below) are absent values: required fields must say so
  return [...pools[f.kind], ...extra, ''];
}

describe('rule flags agree with rule messages', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  beforeAll(async () => {
    wh = await testWarehouse('rule_flags');
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(rawEntities)(
    '%s: flagged exactly when some rule has a message (20,000 value combinations)',
    async (entity) => {
      const spec = entitySpecs[entity];
      const params: Record<string, unknown> = {};
      const fields = spec.fields.map((f, i) => {
        params[`pool_${i}`] = pool(f);
        // seeded by the row number: the same combinations on every run
        const pick = `{pool_${i}:Array(String)}[1 + cityHash64(number, ${i}) % length({pool_${i}:Array(String)})]`;
        return `if(cityHash64(number, ${i}, 'missing') % 13 = 0, CAST(NULL AS Nullable(String)), ${pick}) AS ${f.name}__in`;
      });
      const landed = `SELECT number AS line, '' AS raw, '' AS structural, ${fields.join(', ')} FROM numbers(20000)`;
      const staged = stagedSelect(spec, 'structural');
      const inputs = `arrayStringConcat([${spec.fields.map((f) => `ifNull(${f.name}__in, 'NULL')`).join(', ')}], ' | ')`;
      const rows = await queryRows<{ flagged: number; has_message: number; n: string; example: string }>(
        wh,
        `SELECT lw_flagged AS flagged, lw_details != '' AS has_message, count() AS n, any(substring(concat(lw_inputs, ' → ', lw_details), 1, 400)) AS example
       FROM (SELECT ${staged.select}, ${staged.rules.anyBad} AS lw_flagged, ${staged.rules.details} AS lw_details, ${inputs} AS lw_inputs FROM (${landed}))
       GROUP BY flagged, has_message ORDER BY flagged, has_message`,
        { ...params, pii_secret: 's' },
      );
      expect(rows.filter((r) => r.flagged !== r.has_message)).toEqual([]);
      // both verdicts occur: the pools exercise the rules
      expect(rows.map((r) => r.flagged).sort()).toEqual([0, 1]);
    },
  );
});
