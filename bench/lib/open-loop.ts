import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An open-loop load generator: requests start on a fixed schedule (rate per second, evenly spaced)
 * over a pool of keep-alive connections, whether or not earlier ones have answered, and each
 * latency is measured from its scheduled start — so a slow answer is never hidden by a client that
 * waits (coordinated omission), and no burst is created by the client either. autocannon's rate
 * limit instead sends each connection's whole quota for a second at once on every one-second tick.
 */
export async function openLoop(o: {
  port: number;
  path: () => string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  connections: number;
}) {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const total = Math.round(o.rate * o.seconds);
  const start = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const fire = (scheduled: number) => {
    const p = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: o.port, path: o.path(), headers: o.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
          latencies.push(performance.now() - scheduled);
          resolve();
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        fail(e.code ?? e.message);
        resolve();
      });
      req.end();
    });
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  const scheduledAt = (i: number) => start + (i / o.rate) * 1000;
  while (sent < total) {
    const now = performance.now();
    for (; sent < total && scheduledAt(sent) <= now; sent++) fire(scheduledAt(sent));
    // sleep until the next request is due: a client that polls (setImmediate) keeps a core busy,
    // which on a 2-core machine the server under test then lacks
    if (sent < total) await sleep(Math.max(0, scheduledAt(sent) - performance.now()));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN).toFixed(2));
  return {
    p50_ms: q(0.5),
    p99_ms: q(0.99),
    max_ms: q(1),
    rps: Math.round(latencies.length / ((performance.now() - start) / 1000)),
    errors,
    error_kinds: errorKinds,
    requests: total,
  };
}
