import { fiveClassesSql } from '../../warehouse/classification.ts';

/** The bucket of a DPD and status (C, M1…Mn, M{n+1}+, PO, WO); bounds are a bound parameter. */
export function bucketSql(dpd: string, status: string): string {
  return `multiIf(${status} = 'paid_off', 'PO', ${status} = 'charged_off', 'WO', ${dpd} = 0, 'C',
      ${dpd} > arrayMax({bucket_bounds:Array(UInt32)}), concat('M', toString(length({bucket_bounds:Array(UInt32)}) + 1), '+'),
      concat('M', toString(arrayFirstIndex(x -> ${dpd} <= x, {bucket_bounds:Array(UInt32)}))))`;
}

/** Bit mask of DPD ever above 0 / 30 / 60 / 90 (bits 0–3), from four "ever" counts or flags. */
export const everBitsSql = (gt0: string, gt30: string, gt60: string, gt90: string) =>
  `toUInt8((${gt0} > 0) + 2 * (${gt30} > 0) + 4 * (${gt60} > 0) + 8 * (${gt90} > 0))`;

/**
 * Row-level classification shared by the schedule path and the tape path:
 * bucket, five-category class before contagion (with the rule that set it),
 * IFRS 9 stage. Inputs are column names; settings are bound parameters.
 */
export function classifyColumns(c: { dpd: string; status: string; isCard: string; restructureObs: string }): string {
  const ord = `multiIf(${c.dpd} = 0, 1, ${c.dpd} <= b[1], 2, ${c.dpd} <= b[2], 3, ${c.dpd} <= b[3], 4, 5)`;
  return `
    ${bucketSql(c.dpd, c.status)} AS bucket,
    if(${c.isCard}, {card_bounds:Array(UInt32)}, {retail_bounds:Array(UInt32)}) AS b,
    ${ord} AS dpd_class_ord,
    multiIf(${c.status} = 'charged_off', 5, ${c.restructureObs} AND dpd_class_ord < 2, 2, dpd_class_ord) AS class_ord,
    multiIf(${c.status} = 'charged_off', 'charged_off', ${c.restructureObs} AND dpd_class_ord < 2, 'restructure_observation',
      ${c.isCard}, 'credit_card_dpd_floor', 'dpd_floor') AS class_rule,
    multiIf(${c.status} = 'charged_off' OR ${c.dpd} > 90, 3, ${c.dpd} > 30, 2, 1) AS ifrs9_stage`;
}

export const classNameOf = (ord: string) => `arrayElement(${fiveClassesSql}, ${ord})`;
