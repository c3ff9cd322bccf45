import { exec, type Warehouse } from './connection.ts';
import { tableRef } from './ddl.ts';
import { systemTables } from './tables.ts';

/**
 * Each defaulted loan's first month-end in default (DPD > 90 or charged off: `default_flag` is
 * cumulative) and its EAD then, with the loan's attributes. Recovery and LGD read this instead of
 * grouping every post-default loan-month again on each request; it is rebuilt with every snapshot.
 */
export const loanDefaultsSelect = (wh: Pick<Warehouse, 'database'>) => `
  SELECT loan_id, min(month_end) AS default_me, argMin(principal_balance, month_end) AS ead, any(product) AS product, any(region) AS region,
    any(branch) AS branch, any(channel) AS channel, any(cohort_month) AS cohort_month
  FROM ${tableRef(wh, 'loan_month')} WHERE default_flag = 1 GROUP BY loan_id`;

const columns = systemTables.loan_defaults.columns.map(([n]) => n).join(', ');

/** Swapped in whole (EXCHANGE), like the snapshot it derives from: readers never see it half built. */
export async function rebuildLoanDefaults(wh: Warehouse) {
  const live = tableRef(wh, 'loan_defaults');
  const next = `${live}_next`;
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
  await exec(wh, `CREATE TABLE ${next} AS ${live}`);
  await exec(wh, `INSERT INTO ${next} (${columns}) ${loanDefaultsSelect(wh)}`);
  await exec(wh, `EXCHANGE TABLES ${next} AND ${live}`);
  await exec(wh, `DROP TABLE IF EXISTS ${next}`);
}
