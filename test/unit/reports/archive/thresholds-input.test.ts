import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thresholdsInput, thresholdsLabel } from '../../../../reports/archive/thresholds-input.ts';
import { defaultThresholdsFile } from '../../../../reports/summary/thresholds.ts';

/**
 * Review 3: two 2024-06 management packs, one with the shipped limits and one with a bank's file
 * (its NPL ratio red, not amber), were listed alike but for the inputs hash.
 */
describe("an archived pack's thresholds, as the listing names them", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-thresholds-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the shipped file is "default"; a copy of it byte for byte too', () => {
    expect(thresholdsLabel({ thresholds: thresholdsInput(defaultThresholdsFile) })).toBe('default');
    const copy = join(dir, 'copy.json');
    writeFileSync(copy, readFileSync(defaultThresholdsFile));
    expect(thresholdsLabel({ thresholds: thresholdsInput(copy) })).toBe('default');
  });

  it("a bank's file: the first 12 hex digits of its SHA-256, as sha256sum prints it", () => {
    const text = '{"limits":{"npl_ratio":{"max":"1%","amber":"0.8%"}}}\n';
    const bank = join(dir, 'thA.json');
    writeFileSync(bank, text);
    const sha = createHash('sha256').update(text).digest('hex');
    expect(thresholdsInput(bank)).toBe(`sha256:${sha}`);
    expect(thresholdsLabel({ thresholds: thresholdsInput(bank), loans: '10:ab' })).toBe(sha.slice(0, 12));
  });

  it('a pack archived without a thresholds input: blank', () => {
    expect(thresholdsLabel({ loans: '10:ab' })).toBe('');
  });
});
