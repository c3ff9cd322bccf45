import { queryRows, type Warehouse } from '../../warehouse/connection.ts';
import { tableRef } from '../../warehouse/ddl.ts';
import type { ModelVersion } from './registry.ts';

/**
 * What the feature table says of the --loan-share of a book version trained before the share was
 * recorded (metrics.loan_share, 2026-12-06): the share itself when the table still holds its rows,
 * else the share its row counts make of the table now (null: the table holds none of its target).
 */
export type UnrecordedShare = { share: number } | { about: number | null; labelled: number };

const hashRange = 1_000_000;

interface Bucket {
  h: number;
  train_n: string;
  train_bads: string;
  test_n: string;
  test_bads: string;
}

/**
 * Before 6bf043f the sample was the one --seed 1 draws now, whatever the version's seed: the loans
 * whose hash falls under the share (models/data/load-features.ts). Samples drawn so are nested, so
 * the version's training and test loan-months and bads, counted up the hashes, meet at exactly one
 * bound when the table still holds its rows; every share inside that bound draws the same rows.
 */
export async function unrecordedShare(wh: Warehouse, m: ModelVersion): Promise<UnrecordedShare | null> {
  const split = /^out-of-time: train < (\S+) ≤ test \((\d+) month-ends\)/u.exec(m.metrics.split);
  if (!split) return null;
  const labelled = `eligible = 1 AND label_observed = 1 AND target = {target:String}`;
  // the version's test part is its cutoff's first month-ends: a longer book has labelled later ones since
  const buckets = await queryRows<Bucket>(
    wh,
    `SELECT toUInt32(cityHash64(loan_id) % ${hashRange}) AS h,
      countIf(month_end < {cutoff:Date}) AS train_n, countIf(month_end < {cutoff:Date} AND label = 1) AS train_bads,
      countIf(month_end >= {cutoff:Date}) AS test_n, countIf(month_end >= {cutoff:Date} AND label = 1) AS test_bads
    FROM ${tableRef(wh, 'ew_features')}
    WHERE ${labelled} AND month_end <= (
      SELECT max(month_end) FROM (SELECT DISTINCT month_end FROM ${tableRef(wh, 'ew_features')}
        WHERE ${labelled} AND month_end >= {cutoff:Date} ORDER BY month_end LIMIT {months:UInt32}))
    GROUP BY h ORDER BY h`,
    { target: m.target, cutoff: split[1], months: Number(split[2]) },
  );
  const q = m.metrics;
  const want = [q.train.n, q.train.bads, q.test.n, q.test.bads].join();
  const sum = { train_n: 0, train_bads: 0, test_n: 0, test_bads: 0 };
  for (let i = 0; i <= buckets.length; i++) {
    if ([sum.train_n, sum.train_bads, sum.test_n, sum.test_bads].join() === want) {
      const lowest = i === 0 ? 1 : buckets[i - 1]!.h + 1;
      return { share: roundestShare(lowest, i < buckets.length ? buckets[i]!.h : hashRange) };
    }
    const b = buckets[i];
    if (b) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += Number(b[k]);
  }
  const rows = sum.train_n + sum.test_n;
  const about = rows ? Number(((q.train.n + q.test.n) / rows).toPrecision(2)) : null;
  return { about, labelled: rows };
}

/** The share with the fewest decimals whose bound (load-features: share × 1,000,000, rounded) is in [lowest, highest]: the one a modeler typed. */
function roundestShare(lowest: number, highest: number): number {
  for (let step = hashRange; step >= 1; step /= 10) {
    const bound = Math.ceil(lowest / step) * step;
    if (bound <= highest) return Number((bound / hashRange).toFixed(6));
  }
  return Number((lowest / hashRange).toFixed(6));
}
