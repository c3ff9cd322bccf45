import { fiveClassesSql } from '../../warehouse/classification.ts';
import { sql, trusted, type Sql } from '../../warehouse/sql.ts';
import type { SnapshotParams } from './snapshot-settings.ts';
import { bucketSql } from '../../warehouse/bucket-sql.ts';

/** moved down to warehouse/ (the derived facts bucket an action day's DPD with it); re-exported for the snapshot's readers */
export { bucketSql } from '../../warehouse/bucket-sql.ts';

/** Bit mask of DPD ever above 0 / 30 / 60 / 90 (bits 0–3), from four "ever" counts or flags. */
export const everBitsSql = (gt0: string, gt30: string, gt60: string, gt90: string) =>
  trusted(`toUInt8((${gt0} > 0) + 2 * (${gt30} > 0) + 4 * (${gt60} > 0) + 8 * (${gt90} > 0))`);

/**
 * Row-level classification shared by the schedule path and the tape path:
 * bucket, five-category class before contagion (with the rule that set it),
 * IFRS 9 stage. Inputs are column names; settings are bound parameters.
 */
export function classifyColumns(
  c: { dpd: string; status: string; isCard: string; restructureObs: string },
  p: Pick<SnapshotParams, 'bucketBounds' | 'cardBounds' | 'retailBounds'>,
): Sql {
  const dpd = trusted(c.dpd);
  const status = trusted(c.status);
  const isCard = trusted(c.isCard);
  const restructureObs = trusted(c.restructureObs);
  const ord = sql`multiIf(${dpd} = 0, 1, ${dpd} <= b[1], 2, ${dpd} <= b[2], 3, ${dpd} <= b[3], 4, 5)`;
  return sql`
    ${bucketSql(c.dpd, c.status, p.bucketBounds)} AS bucket,
    if(${isCard}, ${p.cardBounds}, ${p.retailBounds}) AS b,
    ${ord} AS dpd_class_ord,
    multiIf(${status} = 'charged_off', 5, ${restructureObs} AND dpd_class_ord < 2, 2, dpd_class_ord) AS class_ord,
    multiIf(${status} = 'charged_off', 'charged_off', ${restructureObs} AND dpd_class_ord < 2, 'restructure_observation',
      ${isCard}, 'credit_card_dpd_floor', 'dpd_floor') AS class_rule,
    multiIf(${status} = 'charged_off' OR ${dpd} > 90, 3, ${dpd} > 30, 2, 1) AS ifrs9_stage`;
}

export const classNameOf = (ord: string) => trusted(`arrayElement(${fiveClassesSql}, ${ord})`);
