import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../lib/random.ts';
import { metricJsonChunks, prepareMetric, streamOf } from '../../../../api/routes/metric-body.ts';
import type { MetricResult } from '../../../../warehouse/metrics/run.ts';

/** A result of `n` rows with text that needs escaping and non-ASCII names. */
function result(n: number, seed: number): MetricResult {
  const rng = new Rng(seed);
  const names = ['华东', 'north "east"', 'back\\slash', 'line\nbreak', 'plain'];
  return {
    metric: 'overdue',
    title: 'Overdue rate',
    as_of: '2024-06-30',
    basis: 'balance',
    request: {} as MetricResult['request'],
    columns: [],
    rows: Array.from({ length: n }, (_, i) => ({
      month_end: '2024-06-30',
      region: names[i % names.length]!,
      overdue_rate: rng.next(),
      loans: rng.int(0, 1e6),
    })),
  };
}

const text = async (s: ReadableStream<Uint8Array>) => new Response(s).text();

describe('a metric body', () => {
  for (const n of [0, 1, 999, 1000, 1001, 2500]) {
    it(`of ${n} rows: chunks, stream and ETag all follow JSON.stringify`, async () => {
      const r = result(n, n + 1);
      const json = JSON.stringify(r);
      expect([...metricJsonChunks(r)].join('')).toBe(json);
      expect(await text(streamOf(metricJsonChunks(r)))).toBe(json);
      const p = prepareMetric(r);
      expect(p.etag).toBe(createHash('sha256').update(json).digest('base64url').slice(0, 27));
      expect(p.approxBytes).toBe(json.length);
    });
  }
});
