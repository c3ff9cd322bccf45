/**
 * The early-warning features (SPEC §6), each computed at month-end t from information
 * available at t only: loan_month rows with month_end ≤ t, collection actions dated ≤ t,
 * promises whose outcome was settled (promised date + 3 days) on or before t, and
 * origination-time loan and customer attributes. Names are ClickHouse identifiers of the
 * ew_features table and come only from this catalogue.
 */
export interface FeatureDef {
  name: string;
  kind: 'numeric' | 'categorical';
  description: string;
}

export const featureCatalogue = [
  { name: 'dpd_now', kind: 'numeric', description: 'DPD at t' },
  { name: 'max_dpd_3m', kind: 'numeric', description: 'maximum month-end DPD over t-2 … t' },
  { name: 'max_dpd_6m', kind: 'numeric', description: 'maximum month-end DPD over t-5 … t' },
  { name: 'max_dpd_12m', kind: 'numeric', description: 'maximum month-end DPD over t-11 … t' },
  { name: 'months_delinquent_6m', kind: 'numeric', description: 'month-ends with DPD > 0 over t-5 … t' },
  { name: 'months_delinquent_12m', kind: 'numeric', description: 'month-ends with DPD > 0 over t-11 … t' },
  { name: 'months_30plus_12m', kind: 'numeric', description: 'month-ends with DPD > 30 over t-11 … t' },
  {
    name: 'months_since_delinquent',
    kind: 'numeric',
    description: 'months since the last month-end with DPD > 0 (missing: never)',
  },
  { name: 'mob', kind: 'numeric', description: 'months on book at t' },
  { name: 'remaining_term', kind: 'numeric', description: 'contractual term minus MOB' },
  { name: 'annual_rate', kind: 'numeric', description: 'contract interest rate' },
  { name: 'log_principal', kind: 'numeric', description: 'ln(original principal)' },
  { name: 'balance_paid_down', kind: 'numeric', description: '1 − principal balance / original principal' },
  { name: 'balance_change_3m', kind: 'numeric', description: 'principal balance at t / at t-3 (missing: MOB < 3)' },
  { name: 'paid_ratio_3m', kind: 'numeric', description: 'cash paid over t-2 … t / original principal' },
  {
    name: 'paid_share_3m',
    kind: 'numeric',
    description: 'cash paid over t-2 … t / (that cash + amount overdue at t): the payment-to-due ratio',
  },
  { name: 'overdue_ratio', kind: 'numeric', description: 'overdue principal and interest at t / original principal' },
  { name: 'ltv', kind: 'numeric', description: 'principal balance / collateral value (missing: unsecured)' },
  { name: 'age', kind: 'numeric', description: 'borrower age at t (missing: unknown or non-retail)' },
  { name: 'actions_6m', kind: 'numeric', description: 'collection actions over the six months to t' },
  { name: 'contacts_3m', kind: 'numeric', description: 'actions that reached the borrower over the three months to t' },
  { name: 'promises_6m', kind: 'numeric', description: 'promises to pay made over the six months to t' },
  { name: 'broken_promises_6m', kind: 'numeric', description: 'promises settled as broken over the six months to t' },
  { name: 'product', kind: 'categorical', description: 'product' },
  { name: 'repayment_method', kind: 'categorical', description: 'repayment method' },
  { name: 'collateral_type', kind: 'categorical', description: 'collateral type' },
  { name: 'region', kind: 'categorical', description: 'region' },
  { name: 'channel', kind: 'categorical', description: 'origination channel' },
  { name: 'income_band', kind: 'categorical', description: 'borrower income band' },
  { name: 'borrower_type', kind: 'categorical', description: 'retail or non-retail borrower' },
] as const satisfies readonly FeatureDef[];

export type FeatureName = (typeof featureCatalogue)[number]['name'];
export const featureNames: readonly string[] = featureCatalogue.map((f) => f.name);
export const isCatalogueFeature = (name: string): name is FeatureName => featureNames.includes(name);

/** The early-warning target (SPEC §6): dpd > threshold at any month-end in t+1 … t+horizon. */
export interface TargetSpec {
  horizonMonths: number;
  dpdThreshold: number;
}
export const defaultTarget: TargetSpec = { horizonMonths: 3, dpdThreshold: 30 };
export const targetName = (t: TargetSpec) => `dpd${t.dpdThreshold}_${t.horizonMonths}m`;
