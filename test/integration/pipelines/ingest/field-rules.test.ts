import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { queryRows } from '../../../../warehouse/connection.ts';
import { disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/** today + offset days, UTC (the engine's clock under TZ=UTC) */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const rate = 'must be a fraction in [0, 1) with at most 6 decimals (0.0435 = 4.35%)';

/** One line per field rule of the data contract, and the reason each must get. */
const loans: [string, string][] = [
  ['R1,C1,consumer,2024-01-05,1000.00,0.12,12,annuity', ''],
  ['R\x07X,C1,consumer,2024-01-05,1000.00,0.12,12,annuity', 'loan_id: control character U+0007'],
  ['R\x00Y,C1,consumer,2024-01-05,1000.00,0.12,12,annuity', 'loan_id: control character U+0000'],
  [
    `${'A'.repeat(129)},C1,consumer,2024-01-05,1000.00,0.12,12,annuity`,
    'loan_id: identifier longer than 128 characters',
  ],
  [`${'A'.repeat(128)},C1,consumer,2024-01-05,1000.00,0.12,12,annuity`, ''],
  // characters, not bytes: 128 Chinese characters are 384 bytes
  [`${'借'.repeat(128)},C1,consumer,2024-01-05,1000.00,0.12,12,annuity`, ''],
  [
    `${'借'.repeat(129)},C1,consumer,2024-01-05,1000.00,0.12,12,annuity`,
    'loan_id: identifier longer than 128 characters',
  ],
  // a value cut inside a character is damaged text, not a misspelt value
  [
    'RU,C1,consumer,2024-01-05,1000.00,0.12,12,annuit\uFFFD',
    'repayment_method: not valid UTF-8 text (bytes of another encoding)',
  ],
  [
    'R2,C\x1f,consumer,2024-02-30,1000.00,0.12,12,annuity',
    `customer_id: control character U+001F; origination_date: not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)`,
  ],
  ['R3,C1,consumer,2024-01-05,0,0.12,12,annuity', 'principal: must be greater than zero'],
  ['R4,C1,consumer,2024-01-05,1000.005,0.12,12,annuity', 'principal: more than 2 decimal places'],
  ['R5,C1,consumer,2024-01-05,-5,0.12,12,annuity', 'principal: negative amount'],
  [
    'R6,C1,consumer,2024-01-05,12a,1.2,0,monthly',
    `principal: not a decimal number; annual_rate: ${rate}; term_months: not a whole number in 1..600; repayment_method: monthly is not one of annuity, equal_principal, interest_only, bullet`,
  ],
  [
    'R7,C1,consumer,2024-01-05,1000.500,0.1234567,601,先息后本',
    `annual_rate: ${rate}; term_months: not a whole number in 1..600`,
  ],
  ['R8,C1,,2024-01-05,1000,0.05,6,', 'product: missing'],
];
const payments: [string, string][] = [
  ['Q1,R1,2024-02-05,100.00,60.00,40.00', ''],
  ['Q2,R1,2024-02-05,100.00,60.00,40.01', 'principal_paid + interest_paid + penalty_paid exceed amount'],
  ['Q\x1f3,R1,2024-02-05,100.00,,', 'payment_id: control character U+001F'],
  ['Q4,R1,2024-02-05,0.00,,', 'amount: must be greater than zero'],
  ['Q5,R9,2024-02-05,10,,', 'loan_id: no such loan R9 (not loaded, or quarantined)'],
  ['Q6,R3,2024-02-05,10,,', 'loan_id: no such loan R3 (not loaded, or quarantined)'],
  ['Q7,R1,2024-02-05,10,1.001,', 'principal_paid: more than 2 decimal places'],
  ['Q8,R1,1970-01-01,0.000,,', 'amount: must be greater than zero'],
  ['Q9,R1,2149-06-07,00.10,,', 'paid_date: not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)'],
  // the earliest date there is reads as a date: what stops it is the loan's origination (cross-row-rules)
  ['Q10,R1,1970-01-01,00.10,,', "paid_date: 1970-01-01 is before the loan's origination 2024-01-05"],
  // a payment dated tomorrow is a clock ahead of UTC; the day after, a date that has not come
  [`Q11,R1,${day(1)},10,,`, ''],
  [`Q12,R1,${day(2)},10,,`, 'paid_date: after today (a date that has not happened yet)'],
  ['Q13,R1,2149-06-06,10,,', 'paid_date: after today (a date that has not happened yet)'],
];
const badDate = 'not a valid date (YYYY-MM-DD, 1970-01-01 to 2149-06-06)';
/** dates of a Nullable column (promised_date) and of a required one (action_date) */
const actions: [string, string][] = [
  ['A1,R1,2024-03-01,phone,promise_to_pay,100.00,2024-03-10', ''],
  ['A2,R1,2024-03-01,phone,promise_to_pay,100.00,2024-02-30', `promised_date: ${badDate}`],
  ['A3,R1,2024-03-01,phone,promise_to_pay,100.00,abcdefghij', `promised_date: ${badDate}`],
  ['A8,R1,2024-03-01,phone,promise_to_pay,100.00,2024/03/10', `promised_date: ${badDate}`],
  ['A4,R1,2024-03-01,phone,promise_to_pay,100.00,1969-12-31', `promised_date: ${badDate}`],
  ['A5,R1,2024-3-01,phone,contacted,,', `action_date: ${badDate}`],
  ['A6,R1,,phone,contacted,,', 'action_date: missing'],
  ['A7,R1,2024-03-01,phone,contacted,,', ''],
  // promised for later is what a promise is; an action recorded for later is a typo
  [`A9,R1,${day(0)},phone,promise_to_pay,100.00,2099-01-01`, ''],
  ['A10,R1,2099-03-01,phone,contacted,,', 'action_date: after today (a date that has not happened yet)'],
];

describe('every field rule of the contract, through both loaders', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const dir = tmpDir('field-rules');
  beforeAll(async () => {
    wh = await testWarehouse('field_rules');
    writeFileSync(
      join(dir, 'loans.csv'),
      [
        'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months,repayment_method',
        ...loans.map(([l]) => l),
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'payments.csv'),
      ['payment_id,loan_id,paid_date,amount,principal_paid,interest_paid', ...payments.map(([l]) => l)].join('\n') +
        '\n',
    );
    writeFileSync(
      join(dir, 'collection_actions.csv'),
      ['action_id,loan_id,action_date,channel,outcome,promised_amount,promised_date', ...actions.map(([l]) => l)].join(
        '\n',
      ) + '\n',
    );
  });
  afterAll(() => disposeIfOpened(wh));

  it.each(['engine', 'stream'] as const)('%s: each line gets exactly its reason, valid lines load', async (loader) => {
    // each loader on the warehouse as just migrated (where each had a database of its own, migrated again)
    await wh.reset();
    const r = await ingest(wh, [dir], { piiSecret: 's', loader });
    const reasons = new Map(
      (
        await queryRows<{ f: string; line: string; reason: string }>(
          wh,
          `SELECT entity AS f, toString(line) AS line, reason FROM ${wh.database}.quarantine`,
        )
      ).map((q) => [`${q.f}:${q.line}`, q.reason]),
    );
    const expected = (entity: string, rows: [string, string][]) =>
      rows.map(([, reason], i) => [`${entity}:${i + 2}`, reason]);
    for (const [key, reason] of [
      ...expected('loans', loans),
      ...expected('payments', payments),
      ...expected('collection_actions', actions),
    ]) {
      expect({ key, reason: reasons.get(key!) ?? '' }).toEqual({ key, reason });
    }
    expect(r.receipts.map((x) => [x.entity, x.rows_inserted])).toEqual([
      // R1, A×128, 借×128
      ['loans', 3],
      // Q1, Q11: Q10's date is a date, before its loan's origination
      ['payments', 2],
      ['collection_actions', 3],
    ]);
  });

  it.each(['engine', 'stream'] as const)(
    '%s: a time of day as a spreadsheet (h:mm) or a database (HH:MM:SS) writes it is HH:MM; anything else is quarantined',
    async (loader) => {
      await wh.reset();
      const times: [string, string][] = [
        ['09:30', '09:30'],
        ['9:30', '09:30'],
        ['7:05', '07:05'],
        ['09:30:15', '09:30'],
        ['9:30:00', '09:30'],
        ['23:59:59.5', '23:59'],
        ['', ''],
        ['24:00', 'bad'],
        ['9:3', 'bad'],
        ['930', 'bad'],
        ['09:60', 'bad'],
        ['123:00', 'bad'],
      ];
      const timed = tmpDir('field-rules-time');
      writeFileSync(
        join(timed, 'loans.csv'),
        `loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nR1,C1,consumer,2024-01-05,1000.00,0.12,12\n`,
      );
      writeFileSync(
        join(timed, 'collection_actions.csv'),
        [
          'action_id,loan_id,action_date,channel,outcome,action_time',
          ...times.map(([t], i) => `T${i},R1,2024-03-01,phone,contacted,${t}`),
        ].join('\n') + '\n',
      );
      await ingest(wh, [timed], { piiSecret: 's', loader });
      const stored = new Map(
        (
          await queryRows<{ id: string; t: string | null }>(
            wh,
            `SELECT action_id AS id, action_time AS t FROM ${wh.database}.collection_actions`,
          )
        ).map((r) => [r.id, r.t]),
      );
      const quarantined = new Map(
        (
          await queryRows<{ line: string; reason: string }>(
            wh,
            `SELECT toString(line) AS line, reason FROM ${wh.database}.quarantine`,
          )
        ).map((q) => [Number(q.line) - 2, q.reason]),
      );
      times.forEach(([written, expected], i) => {
        if (expected === 'bad') {
          expect(quarantined.get(i), written).toBe('action_time: not a time of day (HH:MM, 00:00 to 23:59)');
          expect(stored.has(`T${i}`), written).toBe(false);
        } else expect({ written, stored: stored.get(`T${i}`) }).toEqual({ written, stored: expected });
      });
    },
  );
});
