import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import type {
  RefEvent,
  RefInstallment,
  RefLoan,
  RefOverride,
  RefPayment,
  RefSettings,
} from '../reference/snapshot-reference.ts';
import type { SnapshotSettings } from '../../pipelines/snapshot/snapshot-settings.ts';

/** Reads the ingested raw tables as plain objects for the TypeScript reference. */
export async function referenceInput(wh: Warehouse, lastMonthEnd: string) {
  const db = wh.database;
  const num = <T>(rows: T[], keys: (keyof T)[]) =>
    rows.map((r) => {
      for (const k of keys) if (r[k] !== null) (r as Record<string, unknown>)[k as string] = Number(r[k]);
      return r;
    });
  const loans = num(
    await queryRows<RefLoan>(
      wh,
      `SELECT loan_id, customer_id, product, toString(origination_date) AS origination_date, principal, annual_rate, term_months, repayment_method FROM ${db}.loans WHERE loan_id NOT IN (SELECT loan_id FROM ${db}.performance) ORDER BY loan_id`,
    ),
    ['principal', 'annual_rate', 'term_months'],
  );
  const schedule = num(
    await queryRows<RefInstallment>(
      wh,
      `SELECT loan_id, installment_no, toString(due_date) AS due_date, principal_due, interest_due FROM ${db}.schedule`,
    ),
    ['installment_no', 'principal_due', 'interest_due'],
  );
  const payments = num(
    await queryRows<RefPayment>(
      wh,
      `SELECT loan_id, toString(paid_date) AS paid_date, amount, principal_paid, penalty_paid FROM ${db}.payments`,
    ),
    ['amount', 'principal_paid', 'penalty_paid'],
  );
  const events = num(
    await queryRows<RefEvent>(
      wh,
      `SELECT loan_id, toString(event_date) AS event_date, type, amount FROM ${db}.loan_events`,
    ),
    ['amount'],
  );
  const overrides = await queryRows<RefOverride>(
    wh,
    `SELECT loan_id, toString(effective_date) AS effective_date, five_class, toString(set_at) AS set_at FROM ${db}.classification_overrides`,
  );
  const nonRetail = new Set(
    (
      await queryRows<{ customer_id: string }>(
        wh,
        `SELECT customer_id FROM ${db}.customers WHERE borrower_type = 'non_retail'`,
      )
    ).map((r) => r.customer_id),
  );
  return { loans, schedule, payments, events, overrides, nonRetailCustomers: nonRetail, lastMonthEnd };
}

export const refSettings = (s: SnapshotSettings): RefSettings => ({
  graceDays: s.graceDays,
  dpdConvention: s.dpdConvention,
  restructureObservationMonths: s.restructureObservationMonths,
  contagionShare: s.contagionShare,
  bucketBounds: s.bucketBounds,
  creditCardProducts: s.creditCardProducts,
  nonRetailProducts: s.nonRetailProducts,
  retail: s.fiveClassBounds.retail,
  card: s.fiveClassBounds.creditCard,
});
