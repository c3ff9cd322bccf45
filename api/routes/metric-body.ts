import { createHash } from 'node:crypto';
import type { MetricResult } from '../../warehouse/metrics/run.ts';
import type { Sized } from '../cache.ts';

/** A metric result as cached: its ETag and size measured once, when it is computed, not per request. */
export interface PreparedMetric extends Sized {
  result: MetricResult;
  etag: string;
}

/** The JSON text of a result in pieces (rows a thousand at a time); joined, it is JSON.stringify(result). */
export function* metricJsonChunks(r: MetricResult, rowsPerChunk = 1000): Generator<string> {
  const { rows, ...head } = r;
  yield `${JSON.stringify(head).slice(0, -1)},"rows":[`;
  for (let i = 0; i < rows.length; i += rowsPerChunk)
    yield `${i > 0 ? ',' : ''}${rows
      .slice(i, i + rowsPerChunk)
      .map((x) => JSON.stringify(x))
      .join(',')}`;
  yield ']}';
}

export function prepareMetric(result: MetricResult): PreparedMetric {
  const hash = createHash('sha256');
  let approxBytes = 0;
  for (const piece of metricJsonChunks(result)) {
    hash.update(piece);
    approxBytes += piece.length;
  }
  return { result, approxBytes, etag: hash.digest('base64url').slice(0, 27) };
}

/** Text pieces as a response body stream, encoded as they are read (backpressure: one piece at a time). */
export function streamOf(pieces: Iterable<string>): ReadableStream<Uint8Array> {
  const it = pieces[Symbol.iterator]();
  const utf8 = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(utf8.encode(next.value));
    },
  });
}
