/**
 * bench/api: autocannon against `loanwatch serve` (the same app on @hono/node-server, in this
 * process) on a demo-size book (default 20,000 loans × 36 months, built once under bench/work/api):
 * `loanwatch serve` runs in its own process; 200 connections for 30 s on the score lookup (random scored loans) and on one metric endpoint.
 * Then the score lookup with `as_of` (answered from the score index once its month is loaded) at 500 req/s open
 * loop while `--pullers` (default 8) collectors pull case lists for ever-new dates in the
 * background (each a build: heavy work behind the query gate, api/query-gate.ts), with how many
 * lists were built and how many pulls were refused (503, Retry-After honoured).
 * Writes bench/results/api.json with p50/p99 latency, requests/s and errors per endpoint.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../warehouse/config.ts';
import { openWarehouse, queryRows } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { openLoop } from './lib/open-loop.ts';
import { ensureApiBook } from './lib/api-book.ts';
import { createApiKey } from '../api/auth/keys.ts';
import { benchMachine, writeBenchResult } from './lib/results.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    'api-loans': { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    loans: { type: 'string' },
    months: { type: 'string' },
    pullers: { type: 'string' },
    'as-of-rate': { type: 'string' },
    'even-runs': { type: 'string' },
    'warmup-seconds': { type: 'string' },
  },
});
const work = resolve(values.work ?? 'bench/work', 'api');
const loans = Number(values['api-loans'] ?? 20_000);
const seconds = Number(values.seconds ?? 30);
const connections = Number(values.connections ?? 200);
const log = (s: string) => {
  console.error(`[bench/api] ${s}`);
};
const asOf = '2024-06-30';

const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: join(work, 'db') });
const wh = openWarehouse(config, { database: 'bench_api' });
await migrate(wh);
await ensureApiBook(wh, { config, work, loans, asOf, log });
const ids = (await queryRows<{ loan_id: string }>(wh, 'SELECT DISTINCT loan_id FROM bench_api.scores LIMIT 5000')).map(
  (r) => r.loan_id,
);
const { key } = await createApiKey(wh, { role: 'admin', label: 'bench' });
await wh.close();
// the server is `loanwatch serve` in its own process (chDB: one process per data path), as in production
const port = 18000 + Math.floor(Math.random() * 1000);
const server = spawn(process.execPath, ['bin/loanwatch.mjs', 'serve', '--port', String(port)], {
  env: {
    ...process.env,
    LOANWATCH_DATA_DIR: join(work, 'db'),
    CLICKHOUSE_DATABASE: 'bench_api',
    LOANWATCH_API_RATE_LIMIT: '10000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let t = 0; ; t++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
  } catch {
    /* starting */
  }
  if (t > 300) throw new Error('loanwatch serve did not start');
  await new Promise((r) => setTimeout(r, 100));
}
log(`serving ${ids.length} scored loans on port ${port}; ${connections} connections × ${seconds} s per endpoint`);

async function load(name: string, path: () => string, overallRate?: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
    ...(overallRate ? { connectionRate: Math.max(1, Math.round(overallRate / connections)) } : {}),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  const out = {
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    rps: Math.round(result.requests.average),
    errors,
    requests: result.requests.total,
  };
  log(`${name}: ${JSON.stringify(out)}`);
  return out;
}
let k = 0;
const scorePath = () => `/v1/loans/${ids[(k++ * 7919) % ids.length]}/score`;
const metricPath = () => '/v1/metrics/overdue?from=2024-01-31';
// latency at a fixed offered load of 1,000 req/s (the target is p99 at ≥ 500 req/s), then the
// most the server takes with 200 connections flat out (latency there is mostly queueing)
const rate = Number(values.rate ?? 1000);
// warm-up: the score index and the metric cache fill on first use; then each endpoint at the offered
// rate for --warmup-seconds (default 10), not measured: a server just started compiles its hot paths
// under the first seconds of load (in one run without it, the loop lagged ~100 ms for 5 s, p99 675 ms),
// and a serving process runs for days, so the runs measure it warm
for (const p of [scorePath(), metricPath()])
  await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${key}` } });
const warmupSeconds = Number(values['warmup-seconds'] ?? 10);
if (warmupSeconds > 0)
  for (const path of [scorePath, metricPath])
    await openLoop({
      port,
      path,
      headers: { authorization: `Bearer ${key}` },
      rate,
      seconds: warmupSeconds,
      connections,
    });
// the same offered load with evenly spaced arrivals (open loop): the latency a user sees at that rate
const even = async (name: string, path: () => string) => {
  const r = await openLoop({ port, path, headers: { authorization: `Bearer ${key}` }, rate, seconds, connections });
  log(`${name} (open loop, ${rate} req/s evenly spaced): ${JSON.stringify(r)}`);
  return r;
};
// the open-loop runs are repeated (--even-runs, default 3): a tail that shows in one run in three
// is a tail users see, so every run is written and the target holds only if each run meets it
const evenRuns = Math.max(1, Number(values['even-runs'] ?? 3));
const repeated = async (name: string, path: () => string) => {
  const runs = [];
  for (let i = 0; i < evenRuns; i++) runs.push(await even(`${name}, run ${i + 1} of ${evenRuns}`, path));
  const worst = runs.reduce((a, b) => (b.p99_ms > a.p99_ms ? b : a));
  return { runs, worst_p99_ms: worst.p99_ms, worst_max_ms: Math.max(...runs.map((r) => r.max_ms)) };
};
const scoreEven = await repeated('score', scorePath);
const score = {
  ...(await load('score', scorePath, rate)),
  even: scoreEven.runs[0]!,
  even_runs: scoreEven.runs,
  even_worst_p99_ms: scoreEven.worst_p99_ms,
  even_worst_max_ms: scoreEven.worst_max_ms,
  max: await load('score (saturated)', scorePath),
};
const metricEven = await repeated('metric', metricPath);
const metric = {
  ...(await load('metric', metricPath, rate)),
  even: metricEven.runs[0]!,
  even_runs: metricEven.runs,
  even_worst_p99_ms: metricEven.worst_p99_ms,
  even_worst_max_ms: metricEven.worst_max_ms,
  max: await load('metric (saturated)', metricPath),
};

/** `work` while `n` collectors pull case lists of dates not pulled before (so every pull is a build, not a cached page). */
async function withPullers<T>(n: number, work: () => Promise<T>) {
  const stats = { lists: 0, refused: 0, errors: 0 };
  let stop = false;
  let day = 0;
  // mid-month days of the book's last two years, in turn: 700 dates, more than a run pulls
  const nextDate = () => {
    const d = new Date(Date.UTC(2022, 6, 1) + (day++ % 700) * 86_400_000);
    return d.toISOString().slice(0, 10);
  };
  const loops = Array.from({ length: n }, async () => {
    while (!stop) {
      const r = await fetch(`http://127.0.0.1:${port}/v1/cases?as_of=${nextDate()}&limit=50`, {
        headers: { authorization: `Bearer ${key}` },
      });
      await r.arrayBuffer();
      if (r.status === 200) stats.lists++;
      else if (r.status === 503) {
        stats.refused++;
        await new Promise((res) => setTimeout(res, Number(r.headers.get('retry-after') ?? 1) * 1000));
      } else stats.errors++;
    }
  });
  const result = await work();
  stop = true;
  await Promise.all(loops);
  return { ...result, pullers: { count: n, ...stats } };
}
const pullers = Number(values.pullers ?? 8);
const asOfRate = Number(values['as-of-rate'] ?? 500);
const asOfScorePath = () => `/v1/loans/${ids[(k++ * 7919) % ids.length]}/score?as_of=${asOf}`;
const scoreAsOfUnderPullers = await withPullers(pullers, async () => {
  const r = await openLoop({
    port,
    path: asOfScorePath,
    headers: { authorization: `Bearer ${key}` },
    rate: asOfRate,
    seconds,
    connections,
  });
  log(`score with as_of (open loop, ${asOfRate} req/s) beside ${pullers} case-list pullers: ${JSON.stringify(r)}`);
  return r;
});
log(`pullers: ${JSON.stringify(scoreAsOfUnderPullers.pullers)}`);
server.kill('SIGTERM');
const result = {
  machine: benchMachine(),
  book: { loans, months: 36, scored_loans: ids.length },
  connections,
  seconds,
  warmup_seconds: warmupSeconds,
  offered_rate: rate,
  even_runs: evenRuns,
  score,
  metric,
  score_as_of_with_case_list_pullers: { offered_rate: asOfRate, ...scoreAsOfUnderPullers },
  targets: {
    score_as_of_p99_le_50ms_at_500_with_pullers: asOfRate >= 500 && scoreAsOfUnderPullers.p99_ms <= 50,
    score_as_of_errors_zero_with_pullers: scoreAsOfUnderPullers.errors === 0,
    errors_zero: [score, ...score.even_runs, score.max, metric, ...metric.even_runs, metric.max].every(
      (r) => r.errors === 0,
    ),
    // at the offered rate with arrivals spaced evenly, in every run; autocannon's own rate limiter releases each second's quota at once
    score_p99_le_20ms_at_offered_rate_every_run: rate >= 1000 && score.even_runs.every((r) => r.p99_ms <= 20),
    score_rps_ge_500: score.even_runs.every((r) => r.rps >= 500),
    autocannon_rate_limited_p99_le_20ms: score.p99_ms <= 20,
  },
};
writeBenchResult('api', result);
console.log(JSON.stringify(result, null, 2));
process.exit(0);
