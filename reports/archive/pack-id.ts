import { createHash } from 'node:crypto';
import type { Pack, ReportSegment } from '../template.ts';
import type { Lang } from '../i18n.ts';

const segmentKeys = ['product', 'region', 'branch'] as const;

/** A segment with its keys in one order and each list sorted and deduplicated: `--region b,a` and `a,b` are one pack. */
export function canonicalSegment(segment: ReportSegment): ReportSegment {
  const out: ReportSegment = {};
  for (const k of segmentKeys) {
    const values = segment[k];
    if (values?.length) out[k] = [...new Set(values)].sort();
  }
  return out;
}

/** What an archive id looks like: `2024-06-management-zh-CN-` and 12 hex digits. */
export const archiveIdPattern = /^\d{4}-(0[1-9]|1[0-2])-[a-z]+-[A-Za-z-]+-[0-9a-f]{12}$/u;

/**
 * The archive id of a pack: readable where it sits in a folder listing (period, pack, language)
 * and derived from everything that decides its content (the segment and the inputs' fingerprint),
 * so the same inputs give the same id and a changed input a new one.
 */
export function archiveId(o: {
  pack: Pack;
  period: string;
  segment: ReportSegment;
  lang: Lang;
  inputsSha256: string;
}): string {
  const key = JSON.stringify([o.pack, o.period, canonicalSegment(o.segment), o.lang, o.inputsSha256]);
  return `${o.period}-${o.pack}-${o.lang}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
