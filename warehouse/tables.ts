import { featureCatalogue } from './feature-catalogue.ts';

/**
 * The fixed catalogue of loanwatch tables. Identifiers reach SQL only from here
 * (plus the validated database name), never from user input.
 */
export interface TableDef {
  name: string;
  columns: readonly (readonly [string, string])[];
  orderBy: string;
  partitionBy?: string;
  /** Sharding key of the Distributed table in cluster mode: loan-level data stays together on one shard. */
  shardBy: string;
}

const money = 'Decimal(18, 2)';
type Columns = readonly (readonly [string, string])[];

/**
 * The content hash of a row of a raw table: cityHash64 of its data columns (a Nullable one as
 * (is null, value): cityHash64 is NULL when any argument is). The ingest compares it between a
 * staged row and the loaded row of the same key.
 */
export const rowHashExpr = (columns: Columns) =>
  `cityHash64(${columns.map(([n, t]) => (t.startsWith('Nullable(') ? `isNull(${n}), assumeNotNull(${n})` : n)).join(', ')})`;

/**
 * Lineage of a raw table's rows: the ingest run that loaded it and its content hash.
 * - ingest_id is LowCardinality: a table holds one value per ingest run, and as a plain String the
 *   36-byte id was written and compressed with every row (1M-loan ingest 18.6 → 18.0 s; migration 15);
 * - the hash is an ALIAS, computed where it is read (only re-ingests read it, for the keys they
 *   bring again): written with every row it cost the 1M-loan ingest about 1 s of 20 (migration 14).
 */
const withLineage = <C extends Columns>(columns: C) =>
  [...columns, ['ingest_id', 'LowCardinality(String)'], ['row_hash', `UInt64 ALIAS ${rowHashExpr(columns)}`]] as const;
/**
 * Who wrote a collection action that did not come from a file (migration 18): `source` is `file`
 * for ingested rows, `console` or `api` for an outcome recorded by a user, `recorded_by` that user's
 * key id, `note` their free text. Not part of a file's row (ingest leaves the defaults): like the
 * lineage they are left out of dataColumns, so the contract, the content hash and the idempotency
 * key stay the file's columns.
 */
export const collectionActionOriginColumns = [
  ['source', "LowCardinality(String) DEFAULT 'file'"],
  ['recorded_by', "String DEFAULT ''"],
  ['note', "String DEFAULT ''"],
] as const;
const lineageColumns = new Set(['ingest_id', 'row_hash']);
const actionOrigin = new Set<string>(collectionActionOriginColumns.map(([n]) => n));
/** a raw table's columns without the lineage (and a recorded action's origin): what a file's row supplies */
export const dataColumns = (def: TableDef) =>
  def.columns.filter(([n]) => !lineageColumns.has(n) && !(def.name === 'collection_actions' && actionOrigin.has(n)));

export const rawTables = {
  customers: {
    name: 'customers',
    columns: withLineage([
      ['customer_id', 'String'],
      ['birth_year', 'Nullable(UInt16)'],
      ['gender', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['income_band', 'LowCardinality(String)'],
      ['borrower_type', 'LowCardinality(String)'],
      ['id_number_hash', 'String'],
      ['phone_masked', 'String'],
    ]),
    orderBy: 'customer_id',
    shardBy: 'cityHash64(customer_id)',
  },
  loans: {
    name: 'loans',
    columns: withLineage([
      ['loan_id', 'String'],
      ['customer_id', 'String'],
      ['product', 'LowCardinality(String)'],
      ['origination_date', 'Date'],
      ['principal', money],
      ['annual_rate', 'Decimal(9, 6)'],
      ['term_months', 'UInt16'],
      ['repayment_method', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['channel', 'LowCardinality(String)'],
      ['collateral_type', 'LowCardinality(String)'],
      ['collateral_value', `Nullable(${money})`],
      ['currency', 'LowCardinality(String)'],
    ]),
    orderBy: 'loan_id',
    shardBy: 'cityHash64(loan_id)',
  },
  schedule: {
    name: 'schedule',
    columns: withLineage([
      ['loan_id', 'String'],
      ['installment_no', 'UInt16'],
      ['due_date', 'Date'],
      ['principal_due', money],
      ['interest_due', money],
    ]),
    orderBy: '(loan_id, installment_no)',
    shardBy: 'cityHash64(loan_id)',
  },
  payments: {
    name: 'payments',
    columns: withLineage([
      ['payment_id', 'String'],
      ['loan_id', 'String'],
      ['paid_date', 'Date'],
      ['amount', money],
      ['principal_paid', `Nullable(${money})`],
      ['interest_paid', `Nullable(${money})`],
      ['penalty_paid', `Nullable(${money})`],
      ['channel', 'LowCardinality(String)'],
    ]),
    orderBy: '(loan_id, paid_date, payment_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  performance: {
    name: 'performance',
    columns: withLineage([
      ['loan_id', 'String'],
      ['as_of_month', 'Date'],
      ['dpd', 'UInt32'],
      ['principal_balance', money],
      ['overdue_amount', `Nullable(${money})`],
    ]),
    orderBy: '(loan_id, as_of_month)',
    shardBy: 'cityHash64(loan_id)',
  },
  collection_actions: {
    name: 'collection_actions',
    columns: [
      ...withLineage([
        ['action_id', 'String'],
        ['loan_id', 'String'],
        ['action_date', 'Date'],
        ['channel', 'LowCardinality(String)'],
        ['outcome', 'LowCardinality(String)'],
        ['agent_id', 'String'],
        ['team', 'LowCardinality(String)'],
        ['promised_amount', `Nullable(${money})`],
        ['promised_date', 'Nullable(Date)'],
        // local time of day HH:MM ('' when not recorded): the contact rules' hours (migration 20)
        ['action_time', 'String'],
      ]),
      ...collectionActionOriginColumns,
    ],
    orderBy: '(loan_id, action_date, action_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  loan_events: {
    name: 'loan_events',
    columns: withLineage([
      ['event_id', 'String'],
      ['loan_id', 'String'],
      ['event_date', 'Date'],
      ['type', 'LowCardinality(String)'],
      ['amount', money],
      ['note', 'String'],
    ]),
    orderBy: '(loan_id, event_date, event_id)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * Derived columns of loan_month that keep metric queries to one scan (migration 4):
 * the previous month-end's bucket and balance ('' / 0 when the loan has no row there),
 * and bit masks of DPD ever above 0 / 30 / 60 / 90 (bits 0–3) by this month-end and of
 * the bits that turned on at this month-end.
 */
export const loanMonthDerived = [
  ['prev_bucket', 'LowCardinality(String)'],
  ['prev_balance', money],
  ['ever_bits', 'UInt8'],
  ['new_ever_bits', 'UInt8'],
] as const;

/** Never a month-end: the next_month_end of a loan's last row. */
export const noNextMonthEnd = '2149-06-06';

/**
 * The month-end of the loan's next row ({@link noNextMonthEnd} on its last row; migration 12):
 * the loan's last row on or before a date D is the one with month_end <= D < next_month_end,
 * a filter rather than a per-loan argMax (tapes may skip months, so it is not simply D).
 */
export const loanMonthNextRow = [['next_month_end', 'Date']] as const;

/**
 * The loan's number in the snapshot (its rank by loan_id among the loans; migration 13): joins of
 * a loan's rows with each other (migration rates' start and end rows) hash an integer instead of
 * the id. Each snapshot numbers the loans afresh, so a key means something only within one snapshot.
 */
export const loanMonthKey = [['loan_key', 'UInt32']] as const;

/** loan_defaults columns added by migration 28: cash after default by month since the default month (derived-facts.ts) */
export const loanDefaultCashColumns = [
  ['cash_k', 'Array(UInt16)'],
  ['cash', `Array(${money})`],
] as const;
/** loan_defaults column added by migration 31: the loan-months a 12-month PD counts the loan in as defaulting (derived-facts.ts) */
export const loanDefaultPreDefaultColumns = [['pre_default', `Array(Tuple(Date, UInt8, ${money}))`]] as const;
/** loan_defaults column added by migration 32: the first month-end the defaulted loan is paid off (1970-01-01: not yet; derived-facts.ts) */
export const loanDefaultPaidOffColumns = [['paid_off_me', 'Date']] as const;
/** warning_facts columns added by migration 29: per pair it can be judged on, (horizon, level, rolled, event month-end, event day) (warning-facts.ts) */
export const warningFactsPairsColumns = [['pairs', 'Array(Tuple(UInt8, UInt16, UInt8, Date, Date))']] as const;
/** collection_facts columns added by migration 26: each promise's state once its deadline has passed (derived-facts.ts) */
export const collectionFactsPromiseColumns = [['promise_status', 'LowCardinality(String)']] as const;
/** collection_facts column added by migration 37: the loan's DPD on the action's day (NULL: no state then; derived-facts.ts) */
export const collectionFactsDpdColumns = [['dpd_then', 'Nullable(UInt32)']] as const;

/**
 * Columns added to snapshot_runs by migration 23 (incremental refresh, issue 24): whether the run
 * rebuilt everything or refreshed the touched loans, the fingerprint of the settings, snapshot SQL and
 * schema it ran with (a different one forces a full rebuild), and how many loans it recomputed.
 */
export const snapshotRunRefreshColumns = [
  ['kind', "LowCardinality(String) DEFAULT 'full'"],
  ['fingerprint', "String DEFAULT ''"],
  ['loans_refreshed', 'UInt64 DEFAULT 0'],
] as const;

/** the loan's attributes a workout fact is filtered and grouped by */
const workoutFactLoanColumns = [
  ['product', 'LowCardinality(String)'],
  ['region', 'LowCardinality(String)'],
  ['branch', 'LowCardinality(String)'],
  ['channel', 'LowCardinality(String)'],
  ['cohort_month', 'Date'],
] as const;

/**
 * quarantine.row_key: the quarantined row's key as its raw table's key expression writes it
 * (targetKeyExpr), '' when the row has no valid key; NULL for a row written before migration 38,
 * until its key is derived once from its raw text (pipelines/ingest/quarantine-backfill.ts), and
 * for good when it cannot be (row_key_unknown).
 */
export const quarantineRowKeyColumns = [['row_key', 'Nullable(String)']] as const;

/**
 * quarantine.row_key_unknown (migration 39): 1 for a row written before migration 38 whose key the
 * one-off derivation (pipelines/ingest/quarantine-backfill.ts) could not read from its raw text (its
 * CSV file gone or changed, a line of a retraction): its status is unknown, never resolved. 0 for
 * every other row; a row with row_key NULL and 0 is still to be derived.
 */
export const quarantineRowKeyUnknownColumns = [['row_key_unknown', 'UInt8 DEFAULT 0']] as const;

/**
 * Receipts of corrections and retractions (migration 36): the run's mode (`load`, `correct`,
 * `retract`), the rows that replaced a loaded row of their key and the loaded rows removed. Both
 * are accepted rows: rows_read = rows_accepted + rows_quarantined still holds.
 */
export const ingestReceiptCorrectionColumns = [
  ['mode', "LowCardinality(String) DEFAULT 'load'"],
  ['rows_corrected', 'UInt64'],
  ['rows_retracted', 'UInt64'],
] as const;

/**
 * Who made a correction, retraction or rollback and why (migration 41): the CLI actor
 * (`cli:<user>@<host> (--by)`) or the API key, and `--reason` or the request's reason. '' on the
 * rows audited before the columns existed: the trail did not record them.
 */
export const correctionOriginColumns = [
  ['actor', "String DEFAULT ''"],
  ['reason', "String DEFAULT ''"],
] as const;

/**
 * The audit of loaded rows replaced (`ingest --correct`) or removed (`ingest --retract`), migration
 * 36: the row as loaded and as replaced (JSON of the data columns as text, PII as stored: hashed or
 * masked), their hashes, the run that had loaded the old row, and the loans touched (the next
 * snapshot refreshes them: run-ledger.ts). Written before the raw table changes, so it is also the
 * journal a killed run is finished from.
 */
export const correctionTables = {
  row_corrections: {
    name: 'row_corrections',
    columns: [
      ['at', 'DateTime64(3)'],
      ['ingest_id', 'String'],
      ['entity', 'LowCardinality(String)'],
      ['key', 'String'],
      ['action', 'LowCardinality(String)'],
      ['old_row', 'String'],
      ['new_row', 'String'],
      ['old_hash', 'UInt64'],
      ['new_hash', 'UInt64'],
      ['old_ingest_id', 'String'],
      ['old_loan_id', 'String'],
      ['new_loan_id', 'String'],
      ['file', 'String'],
      ['line', 'UInt64'],
      ...correctionOriginColumns,
    ],
    orderBy: '(entity, key, at)',
    shardBy: 'cityHash64(key)',
  },
} as const satisfies Record<string, TableDef>;

export const systemTables = {
  loan_defaults: {
    name: 'loan_defaults',
    columns: [
      ['loan_id', 'String'],
      ['default_me', 'Date'],
      ['ead', money],
      ['product', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['channel', 'LowCardinality(String)'],
      ['cohort_month', 'Date'],
      ...loanDefaultCashColumns,
      ...loanDefaultPreDefaultColumns,
      ...loanDefaultPaidOffColumns,
    ],
    orderBy: 'loan_id',
    shardBy: 'cityHash64(loan_id)',
  },
  collection_facts: {
    name: 'collection_facts',
    columns: [
      ['action_id', 'String'],
      ['loan_id', 'String'],
      ['action_date', 'Date'],
      ['channel', 'LowCardinality(String)'],
      ['team', 'LowCardinality(String)'],
      ['agent', 'String'],
      ['outcome', 'LowCardinality(String)'],
      ['promised_amount', `Nullable(${money})`],
      ['promise_due', 'Date'],
      ['promise_paid', money],
      ['pay_dates', 'Array(Date)'],
      ['pay_amounts', `Array(${money})`],
      ['product', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['loan_channel', 'LowCardinality(String)'],
      ['cohort_month', 'Date'],
      ['bucket_then', 'LowCardinality(String)'],
      ['bucket_next', 'LowCardinality(String)'],
      ...collectionFactsPromiseColumns,
      ...collectionFactsDpdColumns,
    ],
    orderBy: '(action_date, action_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  /** per judgeable loan-month, what warning effectiveness reads of its history (warehouse/warning-facts.ts; migration 27) */
  warning_facts: {
    name: 'warning_facts',
    columns: [
      ['loan_id', 'String'],
      ['month_end', 'Date'],
      ['product', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['channel', 'LowCardinality(String)'],
      ['cohort_month', 'Date'],
      ['dpd', 'UInt32'],
      ['overdue', money],
      ['streak', 'UInt32'],
      ...warningFactsPairsColumns,
    ],
    orderBy: '(loan_id, month_end)',
    shardBy: 'cityHash64(loan_id)',
  },
  /** per restructure, what restructure outcomes read of its loan's history (warehouse/workout-facts.ts; migration 30) */
  restructure_facts: {
    name: 'restructure_facts',
    columns: [
      ['event_id', 'String'],
      ['loan_id', 'String'],
      ['event_date', 'Date'],
      ...workoutFactLoanColumns,
      ['balance_before', money],
      ['paid_off_me', 'Date'],
      ['current_mes', 'Array(Date)'],
      ['cash_months', 'Array(Date)'],
      ['cash_amounts', `Array(${money})`],
    ],
    orderBy: '(loan_id, event_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  /** per collateral or debt sale, what the disposal options read of it (warehouse/workout-facts.ts; migration 30) */
  sale_facts: {
    name: 'sale_facts',
    columns: [
      ['event_id', 'String'],
      ['loan_id', 'String'],
      ['kind', 'LowCardinality(String)'],
      ['event_date', 'Date'],
      ...workoutFactLoanColumns,
      ['proceeds', money],
      ['collateral_value', money],
      ['balance_at_sale', money],
      ['dpd_at_sale', 'UInt32'],
      ['months_after_default', 'UInt32'],
    ],
    orderBy: '(loan_id, event_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  snapshot_runs: {
    name: 'snapshot_runs',
    columns: [
      ['started_at', 'DateTime64(3)'],
      ['last_month_end', 'Date'],
      ['settings', 'String'],
      ['rows', 'UInt64'],
      ...snapshotRunRefreshColumns,
    ],
    orderBy: 'started_at',
    shardBy: 'cityHash64(settings)',
  },
  schema_migrations: {
    name: 'schema_migrations',
    columns: [
      ['version', 'UInt32'],
      ['name', 'String'],
      ['applied_at', 'DateTime'],
    ],
    orderBy: 'version',
    shardBy: 'version',
  },
  quarantine: {
    name: 'quarantine',
    columns: [
      ['ingest_id', 'String'],
      ['entity', 'LowCardinality(String)'],
      ['file', 'String'],
      ['file_sha256', 'String'],
      ['line', 'UInt64'],
      ['raw', 'String'],
      ['reason', 'String'],
      ['quarantined_at', 'DateTime'],
      ...quarantineRowKeyColumns,
      ...quarantineRowKeyUnknownColumns,
    ],
    orderBy: '(entity, file_sha256, line)',
    shardBy: 'cityHash64(file_sha256)',
  },
  ingest_receipts: {
    name: 'ingest_receipts',
    columns: [
      ['ingest_id', 'String'],
      ['entity', 'LowCardinality(String)'],
      ['file', 'String'],
      ['file_sha256', 'String'],
      ['format', 'LowCardinality(String)'],
      ['rows_read', 'UInt64'],
      ['rows_accepted', 'UInt64'],
      ['rows_inserted', 'UInt64'],
      ['rows_already_present', 'UInt64'],
      ['rows_quarantined', 'UInt64'],
      ['started_at', 'DateTime64(3)'],
      ['finished_at', 'DateTime64(3)'],
      ...ingestReceiptCorrectionColumns,
    ],
    orderBy: '(started_at, ingest_id, entity, file)',
    shardBy: 'cityHash64(ingest_id)',
  },
  // a run's start and end, beside its receipts (one per finished file): a run that stopped between
  // them is told from one that finished, and one that stopped before its first file is seen at all
  ingest_run_log: {
    name: 'ingest_run_log',
    columns: [
      ['ingest_id', 'String'],
      ['event', 'LowCardinality(String)'],
      ['mode', 'LowCardinality(String)'],
      ['files', 'UInt32'],
      ['outcome', 'LowCardinality(String)'],
      ['detail', 'String'],
      ['at', 'DateTime64(3)'],
    ],
    orderBy: '(ingest_id, event)',
    shardBy: 'cityHash64(ingest_id)',
  },
  classification_overrides: {
    name: 'classification_overrides',
    columns: [
      ['loan_id', 'String'],
      ['effective_date', 'Date'],
      ['five_class', 'LowCardinality(String)'],
      ['reason', 'String'],
      ['set_by', 'String'],
      ['set_at', 'DateTime'],
    ],
    orderBy: '(loan_id, effective_date, set_at)',
    shardBy: 'cityHash64(loan_id)',
  },
  loan_month: {
    name: 'loan_month',
    columns: [
      ['loan_id', 'String'],
      ['month_end', 'Date'],
      ['source', 'LowCardinality(String)'],
      ['customer_id', 'String'],
      ['product', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['channel', 'LowCardinality(String)'],
      ['cohort_month', 'Date'],
      ['original_principal', money],
      ['mob', 'UInt16'],
      ['dpd', 'UInt32'],
      ['bucket', 'LowCardinality(String)'],
      ['principal_balance', money],
      ['overdue_principal', money],
      ['overdue_interest', money],
      ['paid_in_month', money],
      ['status', 'LowCardinality(String)'],
      ['five_class', 'LowCardinality(String)'],
      ['five_class_rule', 'LowCardinality(String)'],
      ['ifrs9_stage', 'UInt8'],
      ['default_flag', 'UInt8'],
      ['settings', 'LowCardinality(String)'],
      ...loanMonthDerived,
      ...loanMonthNextRow,
      ...loanMonthKey,
    ],
    orderBy: '(month_end, loan_id)',
    partitionBy: 'toYear(month_end)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

export type RawEntity = keyof typeof rawTables;
export const rawEntities = Object.keys(rawTables) as RawEntity[];

const featureColumns = featureCatalogue.map(
  (f) => [f.name, f.kind === 'numeric' ? 'Nullable(Float64)' : 'LowCardinality(String)'] as const,
);

/** Early-warning tables (migration 5): features, the model registry, champion history and scores. */
export const modelTables = {
  ew_features: {
    name: 'ew_features',
    columns: [
      ['loan_id', 'String'],
      ['month_end', 'Date'],
      ['customer_id', 'String'],
      ['branch', 'LowCardinality(String)'],
      ['principal_balance', money],
      ['dpd', 'UInt32'],
      ['bucket', 'LowCardinality(String)'],
      ['status', 'LowCardinality(String)'],
      ...featureColumns,
      ['eligible', 'UInt8'],
      ['label_observed', 'UInt8'],
      ['label', 'UInt8'],
      ['target', 'LowCardinality(String)'],
    ],
    orderBy: '(month_end, loan_id)',
    partitionBy: 'toYear(month_end)',
    shardBy: 'cityHash64(loan_id)',
  },
  model_versions: {
    name: 'model_versions',
    columns: [
      ['model_name', 'String'],
      ['version', 'UInt32'],
      ['target', 'LowCardinality(String)'],
      ['kind', 'LowCardinality(String)'],
      ['created_at', 'DateTime64(3)'],
      ['created_by', 'String'],
      ['seed', 'UInt64'],
      ['fingerprint', 'String'],
      ['metrics', 'String'],
      ['artifact', 'String'],
    ],
    orderBy: '(model_name, version)',
    shardBy: 'cityHash64(model_name)',
  },
  champion_history: {
    name: 'champion_history',
    columns: [
      ['target', 'LowCardinality(String)'],
      ['model_name', 'String'],
      ['version', 'UInt32'],
      ['decided_at', 'DateTime64(3)'],
      ['actor', 'String'],
      ['reason', 'String'],
      ['challenger_auc', 'Float64'],
      ['champion_auc', 'Nullable(Float64)'],
      ['score_psi', 'Float64'],
    ],
    orderBy: '(target, decided_at)',
    shardBy: 'cityHash64(target)',
  },
  scores: {
    name: 'scores',
    columns: [
      ['model_name', 'String'],
      ['model_version', 'UInt32'],
      ['loan_id', 'String'],
      ['month_end', 'Date'],
      ['probability', 'Float64'],
      ['points', 'Float64'],
      ['grade', 'LowCardinality(String)'],
      ['reasons', 'Array(String)'],
      ['scored_at', 'DateTime'],
    ],
    orderBy: '(month_end, loan_id, model_name, model_version)',
    partitionBy: 'toYear(month_end)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

/** Columns added to api_keys by migration 16: a revocation is a second row of the key with these set. */
export const apiKeyRevocationColumns = [
  ['revoked_at', 'Nullable(DateTime64(3))'],
  ['revoked_by', 'String'],
  ['revoke_reason', 'String'],
] as const;
/** Column added to api_keys by migration 21: the agent id a collector key is (his own incentive award, GET /v1/incentives); '' for none. */
export const apiKeyAgentColumns = [['agent_id', 'String']] as const;
/** Column added to audit_log by migration 16: the client's own X-Request-Id (request_id is always the server's). */
export const auditClientRequestIdColumns = [['client_request_id', 'String']] as const;

/** API tables (migration 6, 16): hashed API keys and the audit log. */
export const apiTables = {
  api_keys: {
    name: 'api_keys',
    columns: [
      ['key_id', 'String'],
      ['key_hash', 'String'],
      ['role', 'LowCardinality(String)'],
      ['region', 'String'],
      ['team', 'String'],
      ['label', 'String'],
      ['created_at', 'DateTime'],
      ['revoked', 'UInt8'],
      ...apiKeyRevocationColumns,
      ...apiKeyAgentColumns,
    ],
    orderBy: '(key_id, created_at)',
    shardBy: 'cityHash64(key_id)',
  },
  audit_log: {
    name: 'audit_log',
    columns: [
      ['at', 'DateTime64(3)'],
      ['request_id', 'String'],
      ['key_id', 'String'],
      ['role', 'LowCardinality(String)'],
      ['action', 'LowCardinality(String)'],
      ['target', 'String'],
      ['details', 'String'],
      ...auditClientRequestIdColumns,
    ],
    orderBy: '(at, request_id)',
    partitionBy: 'toYYYYMM(at)',
    shardBy: 'cityHash64(request_id)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * A console session's key's agent (migration 46; '' on the sessions before and for keys without
 * one): a session read back after a restart, or by another API process, records its actions under
 * that agent as the key does — without it they were recorded under the key id.
 */
/**
 * loan_month_accrual.snapshot_month_end (migration 47): the loan_month row whose segment and bucket
 * an accrual row reads — its own month-end, or for a written-off loan's month-ends after its
 * charge-off month (which the snapshot has no row of), that month's. Rows built before read their own.
 */
export const accrualSnapshotMonthEndColumns = [['snapshot_month_end', 'Date DEFAULT month_end']] as const;

export const consoleSessionAgentColumns = [['agent_id', "String DEFAULT ''"]] as const;

/**
 * Console tables (migration 24). Users who sign in with a name and password: append-only like
 * api_keys (a disabling is a second row of the user with `disabled = 1`); the password only as a
 * scrypt hash with its salt and parameters (api/auth/passwords.ts). Sessions shared by every API
 * process on the warehouse: one row per event of a session (start, seen, end), keyed by the
 * SHA-256 of the session id (the table never holds a usable id).
 */
export const consoleTables = {
  console_users: {
    name: 'console_users',
    columns: [
      ['user_id', 'String'],
      ['name', 'String'],
      ['password_hash', 'String'],
      ['role', 'LowCardinality(String)'],
      ['region', 'String'],
      ['team', 'String'],
      ['created_at', 'DateTime64(3)'],
      ['created_by', 'String'],
      ['disabled', 'UInt8'],
      ['disabled_by', 'String'],
      ['disable_reason', 'String'],
    ],
    orderBy: '(name, created_at)',
    shardBy: 'cityHash64(name)',
  },
  console_sessions: {
    name: 'console_sessions',
    columns: [
      ['session_hash', 'String'],
      ['event', 'LowCardinality(String)'],
      ['at', 'DateTime64(3)'],
      ['principal', 'LowCardinality(String)'],
      ['key_id', 'String'],
      ['role', 'LowCardinality(String)'],
      ['region', 'String'],
      ['team', 'String'],
      ['label', 'String'],
      ['end_reason', 'String'],
      ...consoleSessionAgentColumns,
    ],
    orderBy: '(session_hash, at)',
    shardBy: 'cityHash64(session_hash)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * The counterfactual sentence of each scored loan-month (migration 33), kept once computed: it
 * depends only on the model version, the features of the scored month-end and the searched
 * actions (`spec`, a hash of them), so a case list pulled every day of a month searches each
 * loan once, not on every pull. `scored_at` ties a row to the score it explains: re-scoring the
 * month deletes the rows (models/score.ts) and a row of an earlier score is never read.
 */
export const counterfactualTables = {
  loan_counterfactuals: {
    name: 'loan_counterfactuals',
    columns: [
      ['model_name', 'String'],
      ['model_version', 'UInt32'],
      ['month_end', 'Date'],
      ['loan_id', 'String'],
      ['spec', 'LowCardinality(String)'],
      ['scored_at', 'DateTime'],
      ['text_en', 'String'],
      ['text_zh', 'String'],
    ],
    orderBy: '(model_name, model_version, month_end, loan_id)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

/** Collection tables (migration 7): fired warnings and the case assignments of strategy experiments. */
export const collectionTables = {
  warnings: {
    name: 'warnings',
    columns: [
      ['as_of', 'Date'],
      ['rule_id', 'String'],
      ['kind', 'LowCardinality(String)'],
      ['severity', 'LowCardinality(String)'],
      ['loan_id', 'String'],
      ['model', 'String'],
      ['value', 'Float64'],
      ['threshold', 'Float64'],
      ['evidence', 'String'],
      ['region', 'LowCardinality(String)'],
      ['product', 'LowCardinality(String)'],
      ['branch', 'LowCardinality(String)'],
      ['team', 'String'],
      ['fired_at', 'DateTime'],
    ],
    orderBy: '(as_of, rule_id, loan_id, model)',
    partitionBy: 'toYear(as_of)',
    shardBy: 'cityHash64(loan_id)',
  },
  case_assignments: {
    name: 'case_assignments',
    columns: [
      ['experiment', 'String'],
      ['as_of', 'Date'],
      ['loan_id', 'String'],
      ['arm', 'LowCardinality(String)'],
      ['stage', 'LowCardinality(String)'],
      ['grade', 'LowCardinality(String)'],
      ['action', 'LowCardinality(String)'],
      ['product', 'LowCardinality(String)'],
      ['region', 'LowCardinality(String)'],
      ['dpd', 'UInt32'],
      ['balance', money],
      ['assigned_at', 'DateTime'],
    ],
    orderBy: '(experiment, as_of, loan_id)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * The runs of the warning rules for a day (migration 43), each a `started` row and, once every rule
 * is stored, a `finished` row of the same `run_id`. `warnings` holds only what fired, so without
 * them a day the rules never ran for and a day on which they fired nothing were both no rows; and a
 * run stopped after replacing part of a day shows as started, not finished. `rules_digest` is the
 * SHA-256 of the rules run (as parsed); on the finished row, `skipped` names the rules that could
 * not run (no champion) and `fired` counts what the run stored.
 */

/**
 * Each run's rule kinds beside its ids (migration 45; empty on the runs before): a request by kind
 * learns from the run which of its rules were skipped, whichever rules file the run read.
 */
export const warningRunKindColumns = [['rule_kinds', 'Array(String)']] as const;

export const warningRunTables = {
  warning_runs: {
    name: 'warning_runs',
    columns: [
      ['as_of', 'Date'],
      ['run_id', 'String'],
      ['event', 'LowCardinality(String)'],
      ['at', 'DateTime64(3)'],
      ['rules_digest', 'String'],
      ['rule_ids', 'Array(String)'],
      ['champion', 'String'],
      ['skipped', 'Array(String)'],
      ['fired', 'UInt64'],
      ...warningRunKindColumns,
    ],
    orderBy: '(as_of, run_id, event)',
    shardBy: 'toYYYYMM(as_of)',
  },
} as const satisfies Record<string, TableDef>;

/** Report inputs (migration 9): the finance ledger's provisions, and each model's monitoring by month. */
export const reportTables = {
  provisions: {
    name: 'provisions',
    columns: [
      ['month_end', 'Date'],
      ['provision', money],
      ['file', 'String'],
      ['loaded_at', 'DateTime'],
    ],
    orderBy: 'month_end',
    shardBy: 'toYYYYMM(month_end)',
  },
  model_monitoring: {
    name: 'model_monitoring',
    columns: [
      ['model', 'String'],
      ['month_end', 'Date'],
      ['n', 'UInt64'],
      ['score_psi', 'Float64'],
      ['auc', 'Nullable(Float64)'],
      ['ks', 'Nullable(Float64)'],
      ['observed', 'UInt64'],
      ['csi', 'String'],
      ['warnings', 'Array(String)'],
      ['computed_at', 'DateTime'],
    ],
    orderBy: '(model, month_end)',
    shardBy: 'cityHash64(model)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * The archive of report packs (migration 17): one row per pack built for a period, segment and
 * language from given inputs. `id` is derived from those (report/archive/pack-id.ts), so a re-run on
 * the same inputs finds its row instead of adding one; the files sit in `dir` with their SHA-256.
 */
export const archiveTables = {
  report_archive: {
    name: 'report_archive',
    columns: [
      ['id', 'String'],
      ['pack', 'LowCardinality(String)'],
      ['period', 'String'],
      ['month_end', 'Date'],
      /** canonical JSON of the segment's filters, `{}` for the whole book */
      ['segment', 'String'],
      ['lang', 'LowCardinality(String)'],
      ['generated_at', "DateTime64(3, 'UTC')"],
      /** the latest snapshot run when the pack was built (its started_at), '' when none is recorded */
      ['snapshot_run', 'String'],
      /** the champion model the pack's scores come from, `name@version` ('' when none) */
      ['champion', 'String'],
      /** JSON: per input table, rows and content checksum of what a pack for the month-end reads */
      ['inputs', 'String'],
      ['inputs_sha256', 'String'],
      ['files', 'Array(String)'],
      ['file_sha256', 'Array(String)'],
      ['file_bytes', 'Array(UInt64)'],
      /** absolute folder of the archived files */
      ['dir', 'String'],
    ],
    orderBy: '(period, pack, lang, id)',
    shardBy: 'cityHash64(id)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * What each completed snapshot run had seen when it started (migration 23): each ingest run's row
 * count per raw table, the classification overrides and the collection actions recorded outside files
 * (kind rows / override / recorded_action). A key counts as seen
 * only when its run_started_at is a run in snapshot_runs (a run killed before its end recorded none);
 * an incremental refresh recomputes the loans of everything not yet seen.
 */
export const refreshTables = {
  snapshot_seen: {
    name: 'snapshot_seen',
    columns: [
      ['run_started_at', 'DateTime64(3)'],
      ['kind', 'LowCardinality(String)'],
      ['key', 'String'],
      ['loan_id', 'String'],
    ],
    orderBy: '(kind, key)',
    shardBy: 'cityHash64(key)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * What each schedule loan owes beyond its schedule at each month-end (issue 23, migration 19;
 * pipelines/accrual, docs/accrual.md): penalty and compound interest, late fees, what was paid
 * against and waived of each, interest arrears on and off balance sheet, and the amount to cure.
 * Apart from loan_month so the snapshot's own table and speed are untouched; one row per
 * loan_month row of a schedule loan.
 */
export const accrualTables = {
  loan_month_accrual: {
    name: 'loan_month_accrual',
    columns: [
      ['loan_id', 'String'],
      ['month_end', 'Date'],
      ['status', 'LowCardinality(String)'],
      ['dpd', 'UInt32'],
      ['accrual_status', 'LowCardinality(String)'],
      ['penalty_interest', money],
      ['compound_interest', money],
      ['fees', money],
      ['penalty_paid', money],
      ['compound_paid', money],
      ['fees_paid', money],
      ['penalty_waived', money],
      ['compound_waived', money],
      ['fees_waived', money],
      ['unapplied', money],
      ['overdue_principal', money],
      ['overdue_interest', money],
      ['interest_arrears_on_bs', money],
      ['interest_arrears_off_bs', money],
      ['amount_to_cure', money],
      ['charges_accrued_in_month', money],
      ['charges_paid_in_month', money],
      ['rules', 'LowCardinality(String)'],
      ...accrualSnapshotMonthEndColumns,
    ],
    orderBy: '(month_end, loan_id)',
    partitionBy: 'toYear(month_end)',
    shardBy: 'cityHash64(loan_id)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * Each schedule loan's state at the snapshot's last month-end (migration 34), for a case list on any
 * later day of the next month (pipelines/snapshot/month-end-state.ts): the amount applied to the
 * schedule and the principal paid through the month-end, the window of installments a date of the
 * next month can reach (from the oldest unpaid one; cents), and the payments and restructure
 * credits dated after the month-end. Active loans at the month-end and loans originated after it;
 * a date reads this table alone, no history and no schedule generated again. Written by the
 * snapshot for its last month-end, and for an earlier one by the first case list of a day in its
 * month (month_end_state_runs says under which snapshot run).
 */
export const monthEndStateTables = {
  month_end_state: {
    name: 'month_end_state',
    columns: [
      ['month_end', 'Date'],
      // '' for the snapshot's own month-end; an earlier month's kept state, one id per keeping
      ['fill_id', 'String'],
      ['loan_id', 'String'],
      ['origination_date', 'Date'],
      ['product', 'LowCardinality(String)'],
      ['annual_rate', 'Float64'],
      ['first_installment', 'UInt32'],
      ['last_is_final', 'UInt8'],
      ['due', 'Array(Date)'],
      ['principal', 'Array(Int64)'],
      ['interest', 'Array(Int64)'],
      ['due_before', 'Int64'],
      ['principal_before', 'Int64'],
      ['interest_before', 'Int64'],
      ['principal_total', 'Int64'],
      ['applied', 'Int64'],
      ['principal_paid', 'Int64'],
      ['explicit_split', 'UInt8'],
      ['restructured', 'Int64'],
      ['restructure_total', 'Int64'],
      ['charge_off', 'Date'],
      ['pay_dates', 'Array(Date)'],
      ['pay_applied', 'Array(Int64)'],
      ['pay_principal', 'Array(Int64)'],
      ['pay_amount', 'Array(Int64)'],
      ['pay_penalty', 'Array(Int64)'],
      ['restructure_dates', 'Array(Date)'],
      ['restructure_amounts', 'Array(Int64)'],
      ['waiver_dates', 'Array(Date)'],
      ['waiver_amounts', 'Array(Int64)'],
      ['penalty_above_cash', 'UInt8'],
    ],
    orderBy: '(month_end, fill_id, loan_id)',
    shardBy: 'cityHash64(loan_id)',
  },
  /**
   * Which snapshot run each month-end's state was written under, by which keeping (`fill_id`), and
   * its rows: the snapshot's own last month-end, or an earlier one kept by the first list of a day in
   * its month. A state is read only under the latest run and with its rows all there (a refresh
   * replaces the touched loans' rows of every month-end the table holds; an earlier month's are kept
   * again after it); two processes keeping the same month at once each write and read their own rows.
   */
  month_end_state_runs: {
    name: 'month_end_state_runs',
    columns: [
      ['month_end', 'Date'],
      ['run_started_at', 'DateTime64(3)'],
      ['fill_id', 'String'],
      ['rows', 'UInt64'],
      ['written_at', 'DateTime64(3)'],
    ],
    orderBy: '(month_end, run_started_at)',
    shardBy: 'cityHash64(month_end)',
  },
} as const satisfies Record<string, TableDef>;

/**
 * The collector incentive scheme's monthly awards (migration 21, issue 22 item 3): one row per agent
 * and month as issued by `loanwatch incentives`, and its evidence lines (commission per payment,
 * cure bonus per cure, multiplier, cap, deduction per breach, floor; unattributed cash with agent '')
 * — the values of an agent's lines add up to the award. Re-issuing a month replaces it.
 */
export const incentiveTables = {
  incentive_awards: {
    name: 'incentive_awards',
    columns: [
      ['month_end', 'Date'],
      ['agent_id', 'String'],
      ['team', 'LowCardinality(String)'],
      ['scheme_sha256', 'String'],
      ['attribution_days', 'UInt16'],
      ['recovered', money],
      ['payments', 'UInt32'],
      ['commission', money],
      ['cures', 'UInt32'],
      ['cure_bonus', money],
      ['promises', 'UInt32'],
      ['kept_promises', 'UInt32'],
      ['kept_rate', 'Nullable(Float64)'],
      ['multiplier', 'Float64'],
      ['multiplier_effect', money],
      ['cap_reduction', money],
      ['breaches', 'UInt32'],
      ['deductions', money],
      ['floor', money],
      ['award', money],
      ['issued_at', "DateTime64(3, 'UTC')"],
    ],
    orderBy: '(month_end, team, agent_id)',
    shardBy: 'cityHash64(agent_id)',
  },
  incentive_evidence: {
    name: 'incentive_evidence',
    columns: [
      ['month_end', 'Date'],
      ['agent_id', 'String'],
      ['team', 'LowCardinality(String)'],
      ['kind', 'LowCardinality(String)'],
      ['loan_id', 'String'],
      ['ref_id', 'String'],
      ['action_id', 'String'],
      ['date', 'Date'],
      ['stage', 'LowCardinality(String)'],
      ['bucket', 'LowCardinality(String)'],
      ['base', money],
      ['rate', 'Float64'],
      ['value', money],
      ['note', 'String'],
    ],
    orderBy: '(month_end, agent_id, kind, ref_id)',
    shardBy: 'cityHash64(agent_id)',
  },
} as const satisfies Record<string, TableDef>;
