import { defaultBucketBounds } from '../../warehouse/classification.ts';
import type { DelinquencySettings } from '../../warehouse/config.ts';
import { param, sql, trusted, type Param, type Sql } from '../../warehouse/sql.ts';
import { inLoanPart, type LoanPart } from '../../warehouse/loan-part.ts';

/** Everything a snapshot depends on besides the data; named in every output that uses it. */
export interface SnapshotSettings extends DelinquencySettings {
  /** upper DPD bound of each delinquent bucket; labels M1..Mn, then `M{n+1}+` above the last */
  bucketBounds: number[];
  /** products classified with the 2011 credit-card table */
  creditCardProducts: string[];
  /** products whose borrowers are non-retail (contagion applies) besides customers.borrower_type = 'non_retail' */
  nonRetailProducts: string[];
  /** five-category DPD floors: upper bound of 关注, 次级, 可疑 (above → 损失) */
  fiveClassBounds: { retail: [number, number, number]; creditCard: [number, number, number] };
}

export const defaultSnapshotSettings = (d: DelinquencySettings): SnapshotSettings => ({
  ...d,
  bucketBounds: defaultBucketBounds,
  creditCardProducts: ['credit_card'],
  nonRetailProducts: ['small_business', 'corporate'],
  // 2023 rules on risk classification of commercial-bank financial assets (arts. 10–13) and
  // the 2011 credit-card business rules (art. 51): DPD floors.
  fiveClassBounds: { retail: [90, 270, 360], creditCard: [90, 120, 180] },
});

/** A short label for the settings, stored on every snapshot row and printed in reports. */
export const settingsLabel = (s: SnapshotSettings) =>
  `grace=${s.graceDays}d;dpd_from=${s.dpdConvention};buckets=${s.bucketBounds.join('/')};restructure_obs=${s.restructureObservationMonths}m;contagion>${s.contagionShare}`;

/**
 * The settings as bound values, one param object each: a statement that uses one several times
 * binds it once, and fragments built apart from the same settings share it.
 */
export interface SnapshotParams {
  grace: Param;
  graceEnd: Param;
  obsMonths: Param;
  contagionShare: Param;
  bucketBounds: Param;
  cardProducts: Param;
  nonRetailProducts: Param;
  retailBounds: Param;
  cardBounds: Param;
  label: Param;
}

export function snapshotParams(s: SnapshotSettings): SnapshotParams {
  return {
    grace: param(s.graceDays, 'UInt16'),
    graceEnd: param(s.dpdConvention === 'grace_end' ? 1 : 0, 'UInt8'),
    obsMonths: param(s.restructureObservationMonths, 'UInt16'),
    contagionShare: param(s.contagionShare, 'Float64'),
    bucketBounds: param(s.bucketBounds, 'Array(UInt32)'),
    cardProducts: param(s.creditCardProducts, 'Array(String)'),
    nonRetailProducts: param(s.nonRetailProducts, 'Array(String)'),
    retailBounds: param(s.fiveClassBounds.retail, 'Array(UInt32)'),
    cardBounds: param(s.fiveClassBounds.creditCard, 'Array(UInt32)'),
    label: param(settingsLabel(s), 'String'),
  };
}

/** What one pass of the loan-month queries reads: the settings, a hash bucket of the loans, and whether only non-retail loans. */
export interface SnapshotPass {
  settings: SnapshotParams;
  /** the loans of this part (by hash of loan_id) */
  bucket: LoanPart;
  /** 1: non-retail loans only (the contagion pre-pass) */
  nonRetailOnly: Param;
  /** a subquery of loan ids: only these loans (an incremental refresh); absent, every loan */
  loans?: Sql;
}

export const snapshotPass = (
  settings: SnapshotParams,
  o: { buckets: number; bucket: number; nonRetailOnly: boolean; loans?: Sql },
): SnapshotPass => ({
  settings,
  bucket: { count: o.buckets, index: o.bucket },
  nonRetailOnly: param(o.nonRetailOnly ? 1 : 0, 'UInt8'),
  ...(o.loans ? { loans: o.loans } : {}),
});

/** The pass's hash bucket (and loan subset, if any), as a condition on a loan id column. */
export const inPassBucket = (loanIdColumn: string, pass: SnapshotPass) => {
  const bucket = inLoanPart(loanIdColumn, pass.bucket);
  return pass.loans ? sql`${bucket} AND ${trusted(loanIdColumn)} IN (${pass.loans})` : bucket;
};
