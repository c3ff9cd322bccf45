import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files for the rollback tests: a base book (customers C1, C2; loans L1, L2; payments on both) and
 * "a day's files" touching every raw table — a customer, `n` loans of it (one installment each, with
 * its schedule row and a tape month), payments on them and on a loaded loan (the base book's L1), an action and an
 * event per loan — under ids tagged `tag`, so several days load side by side.
 */
export function baseBook(dir: string): string {
  const book = join(dir, 'base');
  mkdirSync(book, { recursive: true });
  writeFileSync(join(book, 'customers.csv'), 'customer_id,region\nC1,east\nC2,west\n');
  writeFileSync(
    join(book, 'loans.csv'),
    'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months\nL1,C1,consumer,2024-01-15,12000.00,0.12,12\nL2,C2,consumer,2024-01-15,6000.00,0.12,12\n',
  );
  writeFileSync(
    join(book, 'payments.csv'),
    'payment_id,loan_id,paid_date,amount\nP1,L1,2024-02-15,1066.19\nP2,L2,2024-02-15,533.09\nP3,L1,2024-02-20,10.00\n',
  );
  return book;
}

export function dayFiles(dir: string, tag: string, n: number, loadedLoan = 'L1'): string {
  const day = join(dir, `day-${tag}`);
  mkdirSync(day, { recursive: true });
  const loans = Array.from({ length: n }, (_, i) => `L${tag}-${i + 1}`);
  const rows = (header: string, lines: string[]) => `${header}\n${lines.join('\n')}\n`;
  writeFileSync(join(day, 'customers.csv'), rows('customer_id,region', [`C${tag},north`]));
  writeFileSync(
    join(day, 'loans.csv'),
    rows(
      'loan_id,customer_id,product,origination_date,principal,annual_rate,term_months',
      loans.map((l) => `${l},C${tag},consumer,2024-02-20,1000.00,0.12,1`),
    ),
  );
  writeFileSync(
    join(day, 'schedule.csv'),
    rows(
      'loan_id,installment_no,due_date,principal_due,interest_due',
      loans.map((l) => `${l},1,2024-03-20,1000.00,10.00`),
    ),
  );
  writeFileSync(
    join(day, 'payments.csv'),
    rows('payment_id,loan_id,paid_date,amount', [
      `P${tag}-L1,${loadedLoan},2024-03-01,50.00`,
      ...loans.map((l, i) => `P${tag}-${i + 1},${l},2024-03-0${1 + (i % 9)},20.00`),
    ]),
  );
  writeFileSync(
    join(day, 'performance.csv'),
    rows(
      'loan_id,as_of_month,dpd,principal_balance',
      loans.map((l) => `${l},2024-02,0,1000.00`),
    ),
  );
  writeFileSync(
    join(day, 'collection_actions.csv'),
    rows(
      'action_id,loan_id,action_date,channel,outcome',
      loans.map((l, i) => `A${tag}-${i + 1},${l},2024-03-02,sms,contacted`),
    ),
  );
  writeFileSync(
    join(day, 'loan_events.csv'),
    rows(
      'event_id,loan_id,event_date,type,amount',
      loans.map((l, i) => `E${tag}-${i + 1},${l},2024-03-03,complaint,0`),
    ),
  );
  return day;
}
