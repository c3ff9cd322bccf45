/**
 * bench/console: the web console's server time per page on the demo-size book of bench/api
 * (20,000 loans × 36 months, seed 20240630, as of 2024-06-30, a scorecard champion scored at the
 * month-end; built once under bench/work/api with bench/api's recipe and the same functions, so
 * whichever of the two runs first builds it). Measured in process through `app.request` — what the
 * request log's `ms` measures, without the network — on the app `loanwatch serve` makes
 * (api/server.ts: its config, query gate and limits).
 *
 * Each run is a fresh process (nothing cached: a `loanwatch serve` just started). A person signs in
 * as a person does (the sign-in page, then the form 3 s later: the time to paste a key or type a
 * password) and opens the pages in the order of docs/console.md's table; then a collector signs in
 * the same way and opens his queue and a loan; then a user opens the change-password page. Five
 * runs (--runs); median and worst per page, with the load average before and after each run.
 * Writes bench/results/console.json (--out).
 *
 *   npx tsx bench/console.ts [--runs 5] [--work bench/work] [--pause-ms 3000] [--out bench/results/console.json]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ensureApiBook } from './lib/api-book.ts';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { delinquencySettings, loadConfig } from '../warehouse/config.ts';
import { defaultSnapshotSettings } from '../pipelines/snapshot/snapshot-settings.ts';
import { openWarehouse, type Warehouse } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { defaultTarget } from '../warehouse/feature-catalogue.ts';
import { latestChampionEvent } from '../models/registry/registry.ts';
import { targetName } from '../warehouse/feature-catalogue.ts';
import { createApiKey } from '../api/auth/keys.ts';
import { createUser } from '../api/auth/users.ts';
import { median } from './lib/median.ts';
import { runSelf } from './lib/run-self.ts';
import { benchMachine } from './lib/results.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    runs: { type: 'string' },
    'pause-ms': { type: 'string' },
    out: { type: 'string' },
    // internal: one measured run in this (fresh) process, its timings as JSON on stdout
    'one-run': { type: 'string' },
  },
});
const work = resolve(values.work ?? 'bench/work', 'api');
const runs = Number(values.runs ?? 5);
const pauseMs = Number(values['pause-ms'] ?? 3000);
const out = values.out ?? 'bench/results/console.json';
const asOf = '2024-06-30';
const loans = 20_000;
const database = 'bench_api';
const log = (s: string) => {
  console.error(`[bench/console] ${s}`);
};
const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: join(work, 'db'), CLICKHOUSE_DATABASE: database });

/** bench/api's book (bench/lib/api-book.ts) */
const ensureBook = (wh: Warehouse) => ensureApiBook(wh, { config, work, loans, asOf, log });

interface Principals {
  admin: string;
  collector: string;
  user: { name: string; password: string };
  card: string;
}

/** The pages timed, in order (docs/console.md's table, then the pages added since). */
const pageNames = [
  'sign-in (POST, 303)',
  'dashboard after sign-in, this month, whole book',
  'the same again',
  'dashboard, a product (first view)',
  'dashboard, another period (first view)',
  'models',
  'a model card',
  'audit log, first page',
  'audit CSV (the whole log)',
  'users (admin)',
  'collector sign-in (POST, 303)',
  'queue, collector east (first view)',
  'queue, the same again',
  'a loan page (collector)',
  'user sign-in (POST, 303, one scrypt hash)',
  'change password page',
] as const;
type PageName = (typeof pageNames)[number];

/** One run in a fresh process: the app `loanwatch serve` makes, driven through app.request with a cookie jar per person. */
async function oneRun(p: Principals): Promise<Record<string, number>> {
  const { createApp } = await import('../api/app.ts');
  const { QueryGate, queryGateOptions } = await import('../api/query-gate.ts');
  const wh = openWarehouse(config, { database });
  const app = createApp({
    wh,
    log: () => undefined,
    rateLimitPerMinute: 1_000_000,
    anonRateLimitPerMinute: 1_000_000,
    keyCacheMs: config.LOANWATCH_API_KEY_CACHE_MS,
    maxBodyBytes: config.LOANWATCH_API_MAX_BODY_BYTES,
    snapshotSettings: defaultSnapshotSettings(delinquencySettings(config)),
    queryGate: new QueryGate(queryGateOptions(config, wh.embedded)),
  });
  const ms: Record<string, number> = {};
  const person = () => {
    const jar = new Map<string, string>();
    const request = async (path: string, form?: Record<string, string>) => {
      const t0 = performance.now();
      const r = await app.request(`http://localhost${path}`, {
        method: form ? 'POST' : 'GET',
        headers: {
          'accept-language': 'zh-CN,zh;q=0.9',
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      const text = await r.text();
      const took = performance.now() - t0;
      for (const c of r.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const [k = '', v = ''] = pair.split('=');
        if (/max-age=0/iu.test(c) || v === '') jar.delete(k);
        else jar.set(k, v);
      }
      return { status: r.status, text, took, location: r.headers.get('location') };
    };
    const time = async (name: PageName, path: string, want: number, form?: Record<string, string>) => {
      const r = await request(path, form);
      if (r.status !== want)
        throw new Error(`${name}: ${path} answered ${r.status}, not ${want}: ${r.text.slice(0, 300)}`);
      ms[name] = Math.round(r.took * 10) / 10;
      return r;
    };
    /** the sign-in page, a pause (pasting a key, typing a password), the form */
    const signIn = async (name: PageName, fields: Record<string, string>) => {
      const page = await request('/console/login');
      const token = /name="_csrf" value="([^"]+)"/u.exec(page.text)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, pauseMs));
      return time(name, '/console/login', 303, { _csrf: token, next: '', ...fields });
    };
    return { time, signIn, request };
  };

  const admin = person();
  await admin.signIn('sign-in (POST, 303)', { key: p.admin });
  await admin.time('dashboard after sign-in, this month, whole book', '/console/dashboard', 200);
  await admin.time('the same again', '/console/dashboard', 200);
  await admin.time('dashboard, a product (first view)', '/console/dashboard?product=consumer', 200);
  await admin.time('dashboard, another period (first view)', '/console/dashboard?period=2024-03', 200);
  await admin.time('models', '/console/models', 200);
  await admin.time('a model card', p.card, 200);
  await admin.time('audit log, first page', '/console/audit', 200);
  await admin.time('audit CSV (the whole log)', '/console/audit.csv', 200);
  const users = await admin.request('/console/users');
  // the page exists from this change on; a run of the code before it has none (404)
  if (users.status === 200) await admin.time('users (admin)', '/console/users', 200);

  const collector = person();
  await collector.signIn('collector sign-in (POST, 303)', { key: p.collector });
  const queue = await collector.time('queue, collector east (first view)', `/console/queue?as_of=${asOf}`, 200);
  await collector.time('queue, the same again', `/console/queue?as_of=${asOf}`, 200);
  const loan = /<tr data-loan="([^"]+)"/u.exec(queue.text)?.[1];
  if (!loan) throw new Error('the queue is empty');
  await collector.time('a loan page (collector)', `/console/loans/${loan}?as_of=${asOf}`, 200);

  const user = person();
  await user.signIn('user sign-in (POST, 303, one scrypt hash)', { name: p.user.name, password: p.user.password });
  if ((await user.request('/console/password')).status !== 404)
    await user.time('change password page', '/console/password', 200);
  await wh.close();
  return ms;
}

if (values['one-run'] !== undefined) {
  const ms = await oneRun(JSON.parse(values['one-run']) as Principals);
  process.stdout.write(`${JSON.stringify(ms)}\n`);
  process.exit(0);
}

const wh = openWarehouse(config, { database });
await migrate(wh);
await ensureBook(wh);
const champion = await latestChampionEvent(wh, targetName(defaultTarget));
if (!champion) throw new Error('no champion in the bench book');
const principals: Principals = {
  admin: (await createApiKey(wh, { role: 'admin', label: 'bench-console' })).key,
  collector: (await createApiKey(wh, { role: 'collector', region: 'east', label: 'bench-console-east' })).key,
  // a user of this bench run (names are never reused)
  user: { name: `bench-${Date.now().toString(36)}`, password: randomBytes(15).toString('base64url') },
  card: `/console/models/${champion.model_name}/${champion.version}`,
};
await createUser(wh, { ...principals.user, role: 'auditor', by: 'bench' });
await wh.close();

const perRun: { ms: Record<string, number>; load_before: number[]; load_after: number[] }[] = [];
for (let i = 0; i < runs; i++) {
  const before = loadavg().map((x) => Math.round(x * 100) / 100);
  const ms = runSelf(
    fileURLToPath(import.meta.url),
    ['--work', resolve(work, '..'), '--pause-ms', String(pauseMs), '--one-run', JSON.stringify(principals)],
    `run ${i + 1}`,
  ) as Record<string, number>;
  const after = loadavg().map((x) => Math.round(x * 100) / 100);
  perRun.push({ ms, load_before: before, load_after: after });
  log(`run ${i + 1}/${runs}: ${JSON.stringify(ms)} (load ${before.join(' ')} → ${after.join(' ')})`);
}

const pages = Object.fromEntries(
  pageNames
    .filter((name) => perRun.length > 0 && perRun.every((r) => name in r.ms))
    .map((name) => {
      const xs = perRun.map((r) => r.ms[name]!);
      return [name, { median_ms: Math.round(median(xs)), worst_ms: Math.round(Math.max(...xs)), runs_ms: xs }];
    }),
);
const result = {
  machine: {
    ...benchMachine(),
    // 1, 5 and 15-minute load averages around each run: the figures mean something only on an idle machine
    load_average: perRun.map((r) => ({ before: r.load_before, after: r.load_after })),
  },
  book: { loans, months: 36, as_of: asOf, seed: 20240630, work: 'bench/work/api' },
  method: `in process through app.request on the app loanwatch serve makes; each run a fresh process; sign-in page, ${pauseMs} ms pause, form; pages in order; ${runs} runs`,
  target_ms: 300,
  pages,
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${out}`);
for (const [name, v] of Object.entries(pages)) log(`${name}: median ${v.median_ms} ms, worst ${v.worst_ms} ms`);
