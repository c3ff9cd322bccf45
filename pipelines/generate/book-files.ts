import { join } from 'node:path';
import type { Corruption } from './bad-rows.ts';
import { TableSink, type FileFormat } from '../files/table-sink.ts';

export const entityColumns = {
  customers: ['customer_id', 'birth_year', 'gender', 'region', 'income_band', 'borrower_type', 'id_number', 'phone'],
  loans: [
    'loan_id',
    'customer_id',
    'product',
    'origination_date',
    'principal',
    'annual_rate',
    'term_months',
    'repayment_method',
    'branch',
    'region',
    'channel',
    'collateral_type',
    'collateral_value',
    'currency',
  ],
  schedule: ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'],
  payments: [
    'payment_id',
    'loan_id',
    'paid_date',
    'amount',
    'principal_paid',
    'interest_paid',
    'penalty_paid',
    'channel',
  ],
  collection_actions: [
    'action_id',
    'loan_id',
    'action_date',
    'channel',
    'outcome',
    'agent_id',
    'team',
    'promised_amount',
    'promised_date',
    'action_time',
  ],
  loan_events: ['event_id', 'loan_id', 'event_date', 'type', 'amount', 'note'],
  truth: ['loan_id', 'month_end', 'true_prob', 'observable_prob'],
} as const;

export const corruptions: Record<DataEntity, Corruption> = {
  customers: { kinds: ['missing_key', 'bad_number', 'wrong_columns', 'malformed_json'], keyCol: 0, numberCol: 1 },
  loans: {
    kinds: [
      'missing_key',
      'bad_date',
      'negative_amount',
      'bad_number',
      'too_many_decimals',
      'bad_enum',
      'duplicate_conflict',
      'wrong_columns',
      'malformed_json',
    ],
    keyCol: 0,
    dateCol: 3,
    amountCol: 4,
    numberCol: 6,
    enumCol: 7,
  },
  schedule: {
    kinds: ['bad_date', 'negative_amount', 'unknown_loan', 'bad_number'],
    keyCol: 1,
    dateCol: 2,
    amountCol: 3,
    numberCol: 1,
    loanCol: 0,
  },
  payments: {
    kinds: [
      'missing_key',
      'bad_date',
      'negative_amount',
      'bad_number',
      'too_many_decimals',
      'unknown_loan',
      'duplicate_conflict',
      'wrong_columns',
      'malformed_json',
    ],
    keyCol: 0,
    dateCol: 2,
    amountCol: 3,
    numberCol: 3,
    loanCol: 1,
  },
  collection_actions: {
    kinds: ['missing_key', 'bad_date', 'bad_enum', 'unknown_loan', 'wrong_columns'],
    keyCol: 0,
    dateCol: 2,
    enumCol: 3,
    loanCol: 1,
  },
  loan_events: {
    kinds: ['missing_key', 'bad_date', 'negative_amount', 'bad_enum', 'unknown_loan'],
    keyCol: 0,
    dateCol: 2,
    amountCol: 4,
    enumCol: 3,
    loanCol: 1,
  },
};

export type BookEntity = keyof typeof entityColumns;
/** the entities that get injected bad rows (the truth file stays clean) */
export type DataEntity = Exclude<BookEntity, 'truth'>;
export const bookEntities = Object.keys(entityColumns) as BookEntity[];

/** A book's files as they are written: one sink per entity, and the manifest of injected bad rows. */
export interface BookSinks {
  entity: Record<BookEntity, TableSink>;
  badRows: TableSink;
}

export const entityFile = (entity: BookEntity, format: FileFormat) =>
  `${entity}.${entity === 'truth' || format === 'csv' ? 'csv' : 'jsonl'}`;

/**
 * Opens a book's sinks in `dir`; `header: false` for a part of a book written by a worker (its
 * rows are appended to the book's files, below their headers).
 */
export function openBookSinks(dir: string, format: FileFormat, header = true): BookSinks {
  const open = (e: BookEntity) =>
    new TableSink(join(dir, entityFile(e, format)), entityColumns[e], e === 'truth' ? 'csv' : format, header);
  return {
    entity: Object.fromEntries(bookEntities.map((e) => [e, open(e)])) as Record<BookEntity, TableSink>,
    // streamed like the entity files: at 10M loans it holds millions of lines
    badRows: new TableSink(join(dir, 'bad_rows.jsonl'), [], 'jsonl'),
  };
}

export const allSinks = (s: BookSinks) => [...Object.values(s.entity), s.badRows];
