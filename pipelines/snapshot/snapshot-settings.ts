import { defaultBucketBounds } from '../../warehouse/classification.ts';
import type { DelinquencySettings } from '../../warehouse/config.ts';

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

export function snapshotParams(s: SnapshotSettings): Record<string, unknown> {
  return {
    grace: s.graceDays,
    grace_end: s.dpdConvention === 'grace_end' ? 1 : 0,
    obs_months: s.restructureObservationMonths,
    contagion_share: s.contagionShare,
    bucket_bounds: s.bucketBounds,
    card_products: s.creditCardProducts,
    nonretail_products: s.nonRetailProducts,
    retail_bounds: s.fiveClassBounds.retail,
    card_bounds: s.fiveClassBounds.creditCard,
    settings_label: settingsLabel(s),
  };
}
