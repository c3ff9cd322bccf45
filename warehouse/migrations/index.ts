import { exec, queryRows, type Warehouse } from '../connection.ts';
import { maskedPersonalNumbersSql } from '../personal-numbers.ts';
import { createDatabaseStatement, createTableStatements, tableRef } from '../ddl.ts';
import { fillDerivedStatements, fillLoanKeyStatements, fillNextMonthEndStatements } from '../derived-facts.ts';
import {
  accrualTables,
  apiKeyAgentColumns,
  apiKeyRevocationColumns,
  apiTables,
  archiveTables,
  auditClientRequestIdColumns,
  collectionActionOriginColumns,
  collectionFactsPromiseColumns,
  loanDefaultCashColumns,
  loanDefaultPreDefaultColumns,
  loanDefaultPaidOffColumns,
  warningFactsPairsColumns,
  collectionTables,
  consoleTables,
  correctionTables,
  correctionOriginColumns,
  ingestReceiptCorrectionColumns,
  quarantineRowKeyColumns,
  quarantineRowKeyUnknownColumns,
  counterfactualTables,
  incentiveTables,
  loanMonthDerived,
  loanMonthKey,
  loanMonthNextRow,
  refreshTables,
  reportTables,
  modelTables,
  monthEndStateTables,
  rawTables,
  snapshotRunRefreshColumns,
  systemTables,
  warningRunKindColumns,
  consoleSessionAgentColumns,
  accrualSnapshotMonthEndColumns,
  warningRunTables,
} from '../tables.ts';

export interface Migration {
  version: number;
  name: string;
  statements(wh: Warehouse): string[];
}

/** `ALTER TABLE` of a catalogue table: on a cluster, of the local and of the Distributed table. */
const alterTable = (wh: Warehouse, name: string) =>
  (wh.cluster ? [`${name}_local`, name] : [name]).map(
    (t) => `ALTER TABLE ${tableRef(wh, t)}${wh.cluster ? ` ON CLUSTER ${wh.cluster}` : ''}`,
  );

/** Columns added to a catalogue table after it was created (a table created from the current catalogue already has them). */
const addColumns = (wh: Warehouse, table: string, columns: readonly (readonly [string, string])[]) =>
  alterTable(wh, table).map(
    (alter) => `${alter} ${columns.map(([n, type]) => `ADD COLUMN IF NOT EXISTS ${n} ${type}`).join(', ')}`,
  );

/** A stored text column's phone and ID numbers masked in place (warehouse/personal-numbers.ts). */
function maskNumbersIn(wh: Warehouse, table: string, column: string): string[] {
  const masked = maskedPersonalNumbersSql(column);
  // the rows live in the local tables on a cluster (a Distributed table takes no mutation)
  const [alter] = alterTable(wh, table);
  return [`${alter} UPDATE ${column} = ${masked} WHERE ${column} != ${masked} SETTINGS mutations_sync = 2`];
}

/** Columns added to loan_month after migration 3. */
const addLoanMonthColumns = (wh: Warehouse, columns: readonly (readonly [string, string])[]) =>
  addColumns(wh, 'loan_month', columns);

/**
 * A raw table's stored row_hash replaced by the catalogue's ALIAS (the same hash of the same
 * columns). Dropped and added rather than modified: both halves are IF [NOT] EXISTS, so a run
 * stopped between them is simply run again; on a table created with the ALIAS it is re-created.
 */
function rowHashAliasStatements(wh: Warehouse, def: (typeof rawTables)[keyof typeof rawTables]): string[] {
  const rowHash = def.columns.find(([n]) => n === 'row_hash')!;
  return alterTable(wh, def.name).flatMap((alter) => [
    `${alter} DROP COLUMN IF EXISTS row_hash`,
    `${alter} ADD COLUMN IF NOT EXISTS row_hash ${rowHash[1]}`,
  ]);
}

/**
 * Ordered, append-only list of migrations. Every statement is IF NOT EXISTS,
 * so a migration interrupted half-way is simply run again.
 */
/**
 * loan_defaults filled from the existing snapshot. The fill writes every column the table declares
 * now, so each migration that fills it first adds all the columns added to it since it was created
 * (IF NOT EXISTS: a later migration's own add is then a no-op): a warehouse several versions behind
 * would otherwise stop at the first fill, naming a column a later migration adds.
 */
const refillLoanDefaults = (wh: Warehouse) => [
  ...addColumns(wh, 'loan_defaults', [
    ...loanDefaultCashColumns,
    ...loanDefaultPreDefaultColumns,
    ...loanDefaultPaidOffColumns,
  ]),
  ...fillDerivedStatements(wh, 'loan_defaults'),
];

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'raw entity tables',
    statements: (wh) => Object.values(rawTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 2,
    name: 'quarantine, receipts, overrides',
    statements: (wh) =>
      [systemTables.quarantine, systemTables.ingest_receipts, systemTables.classification_overrides].flatMap((t) =>
        createTableStatements(wh, t),
      ),
  },
  {
    version: 3,
    name: 'month-end snapshot table',
    statements: (wh) => createTableStatements(wh, systemTables.loan_month),
  },
  {
    version: 4,
    name: 'loan_month derived columns for metrics',
    // tables created by migration 3 from the current catalogue already have them (IF NOT EXISTS)
    statements: (wh) => addLoanMonthColumns(wh, loanMonthDerived),
  },
  {
    version: 5,
    name: 'early-warning features, model registry, champion history, scores',
    statements: (wh) => Object.values(modelTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 6,
    name: 'API keys and audit log',
    statements: (wh) => Object.values(apiTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 7,
    name: 'warnings and strategy experiment assignments',
    statements: (wh) => Object.values(collectionTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 8,
    name: 'snapshot runs (when each snapshot read its inputs)',
    statements: (wh) => createTableStatements(wh, systemTables.snapshot_runs),
  },
  {
    version: 9,
    name: 'provisions and model monitoring for reports',
    statements: (wh) => Object.values(reportTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 10,
    name: 'per-loan default facts (recovery, LGD), filled from the existing snapshot',
    statements: (wh) => [
      ...createTableStatements(wh, systemTables.loan_defaults),
      ...fillDerivedStatements(wh, 'loan_defaults'),
    ],
  },
  {
    version: 11,
    name: 'per-action collection facts (collection KPIs), filled from the existing snapshot',
    statements: (wh) => [
      ...createTableStatements(wh, systemTables.collection_facts),
      ...fillDerivedStatements(wh, 'collection_facts'),
    ],
  },
  {
    version: 12,
    name: "loan_month.next_month_end (each loan's next row), filled from the existing snapshot",
    statements: (wh) => [...addLoanMonthColumns(wh, loanMonthNextRow), ...fillNextMonthEndStatements(wh)],
  },
  {
    version: 13,
    name: "loan_month.loan_key (the loan's number in the snapshot), filled from the existing snapshot",
    statements: (wh) => [...addLoanMonthColumns(wh, loanMonthKey), ...fillLoanKeyStatements(wh)],
  },
  {
    version: 14,
    name: 'raw tables: row_hash computed where read (an ALIAS of the data columns), no longer stored',
    statements: (wh) => Object.values(rawTables).flatMap((t) => rowHashAliasStatements(wh, t)),
  },
  {
    version: 15,
    name: 'raw tables: ingest_id LowCardinality(String)',
    // re-running it is a no-op: the column already has the type
    statements: (wh) =>
      Object.values(rawTables).flatMap((t) =>
        alterTable(wh, t.name).map((alter) => `${alter} MODIFY COLUMN ingest_id LowCardinality(String)`),
      ),
  },
  {
    version: 16,
    name: 'api_keys: revocation rows (revoked_at, revoked_by, revoke_reason); audit_log: client_request_id',
    statements: (wh) => [
      ...addColumns(wh, 'api_keys', apiKeyRevocationColumns),
      ...addColumns(wh, 'audit_log', auditClientRequestIdColumns),
    ],
  },
  {
    version: 17,
    name: 'report archive (packs by period, segment, language, inputs and file hashes)',
    statements: (wh) => Object.values(archiveTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 18,
    name: 'collection_actions: source, recorded_by and note of outcomes recorded in the console or the API',
    statements: (wh) => addColumns(wh, 'collection_actions', collectionActionOriginColumns),
  },
  {
    version: 19,
    name: 'loan_month_accrual: penalty and compound interest, fees, waivers, interest arrears on/off balance sheet, amount to cure (issue 23)',
    statements: (wh) => Object.values(accrualTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 20,
    name: 'collection_actions.action_time (local HH:MM of a contact, for the contact rules; issue 22 item 1), in the row hash',
    statements: (wh) => [
      ...alterTable(wh, 'collection_actions').map(
        (alter) => `${alter} ADD COLUMN IF NOT EXISTS action_time String AFTER promised_date`,
      ),
      ...rowHashAliasStatements(wh, rawTables.collection_actions),
    ],
  },
  {
    version: 21,
    name: "incentive awards and their evidence by agent and month; api_keys.agent_id (a collector key's own agent) (issue 22, item 3)",
    statements: (wh) => [
      ...Object.values(incentiveTables).flatMap((t) => createTableStatements(wh, t)),
      ...addColumns(wh, 'api_keys', apiKeyAgentColumns),
    ],
  },
  {
    version: 23,
    name: 'incremental snapshot refresh: snapshot_runs kind, fingerprint and loans refreshed; snapshot_seen (what each run had seen)',
    statements: (wh) => [
      ...addColumns(wh, 'snapshot_runs', snapshotRunRefreshColumns),
      ...createTableStatements(wh, refreshTables.snapshot_seen),
    ],
  },
  {
    version: 24,
    name: 'console users (name, scrypt password hash, role and scope) and console sessions shared by API processes',
    statements: (wh) => Object.values(consoleTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    // 25 was never used (docs/console.md: a TTL on console_sessions was considered and left)
    version: 26,
    name: 'collection_facts.promise_status (each promise once its deadline has passed), filled from the existing snapshot',
    statements: (wh) => [
      ...addColumns(wh, 'collection_facts', collectionFactsPromiseColumns),
      ...fillDerivedStatements(wh, 'collection_facts'),
    ],
  },
  {
    version: 27,
    name: "warning_facts (each judgeable loan-month's overdue streak and next month-ends), filled from the existing snapshot",
    statements: (wh) => [
      ...createTableStatements(wh, systemTables.warning_facts),
      ...fillDerivedStatements(wh, 'warning_facts'),
    ],
  },
  {
    version: 28,
    name: 'loan_defaults.cash_k and cash (cash after default by month since the default), filled from the existing snapshot',
    statements: (wh) => [...refillLoanDefaults(wh)],
  },
  {
    version: 29,
    name: 'warning_facts.pairs (each loan-month judged on every horizon and level) instead of its next month-ends, filled from the existing snapshot',
    statements: (wh) => [
      ...addColumns(wh, 'warning_facts', warningFactsPairsColumns),
      ...alterTable(wh, 'warning_facts').map((alter) => `${alter} DROP COLUMN IF EXISTS nexts`),
      ...fillDerivedStatements(wh, 'warning_facts'),
    ],
  },
  {
    version: 30,
    name: 'restructure_facts and sale_facts (what the disposal evidence reads of each restructure and sale), filled from the existing snapshot',
    statements: (wh) => [
      ...createTableStatements(wh, systemTables.restructure_facts),
      ...fillDerivedStatements(wh, 'restructure_facts'),
      ...createTableStatements(wh, systemTables.sale_facts),
      ...fillDerivedStatements(wh, 'sale_facts'),
    ],
  },
  {
    version: 31,
    name: 'loan_defaults.pre_default (the loan-months a 12-month PD counts each defaulted loan in), filled from the existing snapshot',
    statements: (wh) => [...refillLoanDefaults(wh)],
  },
  {
    version: 32,
    name: 'loan_defaults.paid_off_me (the first month-end each defaulted loan is paid off), filled from the existing snapshot',
    statements: (wh) => [...refillLoanDefaults(wh)],
  },
  {
    version: 33,
    name: "loan_counterfactuals: each scored loan-month's counterfactual sentence, kept once a case list has searched it",
    statements: (wh) => createTableStatements(wh, counterfactualTables.loan_counterfactuals),
  },
  {
    version: 34,
    name: "month_end_state: each schedule loan's state at a month-end, for case lists on the days after it, and the run it was written under (issue 24)",
    statements: (wh) => Object.values(monthEndStateTables).flatMap((t) => createTableStatements(wh, t)),
  },
  {
    version: 35,
    name: "collection_facts: an action's stage from the loan's bucket at the month-end before the action's month, its cure at the action's month-end, refilled from the existing snapshot",
    statements: (wh) => fillDerivedStatements(wh, 'collection_facts'),
  },
  {
    version: 36,
    name: 'row_corrections (the audit of loaded rows corrected or retracted); ingest_receipts: mode, rows_corrected, rows_retracted',
    statements: (wh) => [
      ...createTableStatements(wh, correctionTables.row_corrections),
      ...addColumns(wh, 'ingest_receipts', ingestReceiptCorrectionColumns),
    ],
  },
  {
    version: 37,
    name: "collection_facts: an action's stage from the loan's DPD on the action's day (dpd_then, bucket_then), its cure at the first month-end after that day, refilled from the existing snapshot with the settings it was built with",
    statements: (wh) => fillDerivedStatements(wh, 'collection_facts'),
  },
  {
    version: 38,
    name: "quarantine.row_key (each quarantined row's key as its raw table writes it, '' when none; NULL: written before, not recorded)",
    statements: (wh) => addColumns(wh, 'quarantine', quarantineRowKeyColumns),
  },
  {
    version: 39,
    name: 'quarantine.row_key_unknown (1: a row from before migration 38 whose key could not be derived from its raw text; the derivation runs once, at the first quarantine listing)',
    statements: (wh) => addColumns(wh, 'quarantine', quarantineRowKeyUnknownColumns),
  },
  {
    version: 40,
    name: "ingest_run_log (each ingest run's start and end: complete, failed with its reason, or unfinished)",
    statements: (wh) => createTableStatements(wh, systemTables.ingest_run_log),
  },
  {
    version: 41,
    name: "row_corrections.actor and .reason (who corrected, retracted or rolled back the rows, and why; '' before)",
    statements: (wh) => addColumns(wh, 'row_corrections', correctionOriginColumns),
  },
  {
    version: 42,
    // the ingest masks a note's phone and ID numbers since 066d28c: the notes stored before are masked
    // the same way, so a re-sent old file is already present (not a key conflict whose reason wrote out
    // the number) and no answer serves the numbers
    name: 'loan_events.note: phone and ID numbers masked in the notes stored before the ingest masked them',
    statements: (wh) => maskNumbersIn(wh, 'loan_events', 'note'),
  },
  {
    version: 43,
    // the days fired before it have no run row: a day with stored warnings counts as run (warning-runs.ts)
    name: 'warning_runs (each run of the warning rules for a day: its start and end, the rules, how many fired), so a day they never ran for is told from one on which they fired nothing',
    statements: (wh) => createTableStatements(wh, warningRunTables.warning_runs),
  },
  {
    version: 44,
    // a rollback reads no file: since 356e64d its receipts count the removed rows in rows_retracted
    // only; the receipts written before also counted them read and accepted, so a daily sum of
    // rows_accepted counted removed rows as loaded
    name: 'ingest_receipts of rollbacks: rows_read and rows_accepted 0 (the removed rows stay in rows_retracted)',
    statements: (wh) => {
      // the local tables on a cluster: a Distributed table takes no mutation
      const [alter] = alterTable(wh, 'ingest_receipts');
      return [
        `${alter} UPDATE rows_read = 0, rows_accepted = 0 WHERE mode = 'rollback' AND (rows_read != 0 OR rows_accepted != 0) SETTINGS mutations_sync = 2`,
      ];
    },
  },
  {
    version: 45,
    // the CLI named a skipped rule's kind from the rules file in use, the API from the default rules:
    // a run of another file's rules was judged by kinds it never had
    name: "warning_runs.rule_kinds (each run's rule kinds beside its ids; empty for the runs before)",
    statements: (wh) => addColumns(wh, 'warning_runs', warningRunKindColumns),
  },
  {
    version: 46,
    // a session read back from the warehouse (after a restart, by another process) lost the key's agent:
    // its actions were recorded under the key id
    name: "console_sessions.agent_id (the key's agent of each session; empty for the sessions before)",
    statements: (wh) => addColumns(wh, 'console_sessions', consoleSessionAgentColumns),
  },
  {
    version: 47,
    // a written-off loan's 表外欠息 counted only in its charge-off month: the accrual now has its month-ends
    // after it (until settled or sold), which the metrics join to the charge-off month's snapshot row
    name: 'loan_month_accrual.snapshot_month_end (the snapshot row each accrual row reads; its own month-end for the rows before)',
    statements: (wh) => addColumns(wh, 'loan_month_accrual', accrualSnapshotMonthEndColumns),
  },
  {
    version: 48,
    // a quarantined row kept the phone and ID numbers typed in a note as written (the loaded row had them
    // masked): the quarantine masks them since; the rows quarantined before are masked the same way
    name: 'quarantine.raw: phone and ID numbers masked in the rows quarantined before the quarantine masked them',
    statements: (wh) => maskNumbersIn(wh, 'quarantine', 'raw'),
  },
];

/** Applies every migration not yet recorded; safe to run any number of times. */
export async function migrate(wh: Warehouse): Promise<number[]> {
  await exec(wh, createDatabaseStatement(wh));
  for (const s of createTableStatements(wh, systemTables.schema_migrations)) await exec(wh, s);
  const done = new Set(
    (await queryRows<{ version: number }>(wh, `SELECT version FROM ${tableRef(wh, 'schema_migrations')}`)).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const s of m.statements(wh)) await exec(wh, s);
    await exec(
      wh,
      `INSERT INTO ${tableRef(wh, 'schema_migrations')} (version, name, applied_at) VALUES ({v:UInt32}, {n:String}, now())`,
      { v: m.version, n: m.name },
    );
    applied.push(m.version);
  }
  return applied;
}
