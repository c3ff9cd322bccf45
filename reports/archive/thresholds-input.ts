import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defaultThresholdsFile } from '../summary/thresholds.ts';

/** A thresholds file as a pack's inputs record it: `sha256:` and the hash of its bytes. */
export const thresholdsInput = (file: string) =>
  `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;

let shipped: string | undefined;

/**
 * Which limits an archived pack was judged against, short enough for the listing: `default` for
 * the thresholds file that ships (byte for byte), else the first 12 hex digits of its SHA-256 —
 * `sha256sum` of a bank's file finds it; '' for a pack whose inputs recorded none. Two whole-book
 * packs of one month that differ only by thresholds file (one red where the other is amber) were
 * otherwise told apart by the inputs hash alone.
 */
export function thresholdsLabel(inputs: Record<string, string>): string {
  const recorded = inputs.thresholds;
  if (!recorded) return '';
  shipped ??= thresholdsInput(defaultThresholdsFile);
  return recorded === shipped ? 'default' : recorded.replace(/^sha256:/u, '').slice(0, 12);
}
