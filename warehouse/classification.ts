/**
 * Delinquency buckets and the five categories, shared by the snapshot (which assigns them)
 * and the metrics (which order them). Bucket bounds are a snapshot setting; these are the defaults.
 */
export const defaultBucketBounds = [30, 60, 90, 120, 150, 180];

/** C, M1…Mn, M{n+1}+, then the terminal PO and WO. */
export function bucketLabels(bounds: number[]): string[] {
  return ['C', ...bounds.map((_, i) => `M${i + 1}`), `M${bounds.length + 1}+`, 'PO', 'WO'];
}

/** 正常, 关注, 次级, 可疑, 损失 — best to worst. */
export const fiveClasses = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;

/** SQL array literal of the five classes, for indexOf/arrayElement (constants, not user input). */
export const fiveClassesSql = `[${fiveClasses.map((c) => `'${c}'`).join(', ')}]`;
