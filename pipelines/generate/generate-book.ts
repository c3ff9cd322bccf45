import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  products,
  regions,
  regionWeights,
  channels,
  incomeBands,
  ageRisk,
  riskNoiseSd,
  originationSeason,
  delinquencySeason,
} from './book-params.ts';
import { injectBadRow, type Corruption } from './bad-rows.ts';
import { dateInMonth, monthIndex } from './dates.ts';
import { Rng } from '../../lib/random.ts';
import { cents, TableSink, type Cell, type FileFormat } from '../files/table-sink.ts';
import { simulateLoan, type Environment } from './simulate-loan.ts';
import { addFieldEvents, principalBalanceAt } from './field-events.ts';
import { buildSchedule } from '../../warehouse/schedule/build-schedule.ts';

/** the field events' own random stream (field-events.ts), apart from the loan's */
const fieldEventsStream = 0x0f1e1d;

export interface GenerateOptions {
  loans: number;
  /** months of origination cohorts, ending at the as-of month */
  months: number;
  /** month-end of the data (YYYY-MM-DD) */
  asOf: string;
  seed: number;
  /** share of extra contract-breaking rows per file */
  badRows: number;
  outDir: string;
  format: FileFormat;
  onProgress?: (done: number, total: number) => void;
}

/** Bumped whenever the generator's output for a seed changes (caches of generated books key on it). */
export const GENERATOR_VERSION = 5;

export const entityColumns = {
  customers: ['customer_id', 'birth_year', 'gender', 'region', 'income_band', 'borrower_type', 'id_number', 'phone'],
  loans: [
    'loan_id',
    'customer_id',
    'product',
    'origination_date',
    'principal',
    'annual_rate',
    'term_months',
    'repayment_method',
    'branch',
    'region',
    'channel',
    'collateral_type',
    'collateral_value',
    'currency',
  ],
  schedule: ['loan_id', 'installment_no', 'due_date', 'principal_due', 'interest_due'],
  payments: [
    'payment_id',
    'loan_id',
    'paid_date',
    'amount',
    'principal_paid',
    'interest_paid',
    'penalty_paid',
    'channel',
  ],
  collection_actions: [
    'action_id',
    'loan_id',
    'action_date',
    'channel',
    'outcome',
    'agent_id',
    'team',
    'promised_amount',
    'promised_date',
    'action_time',
  ],
  loan_events: ['event_id', 'loan_id', 'event_date', 'type', 'amount', 'note'],
  truth: ['loan_id', 'month_end', 'true_prob', 'observable_prob'],
} as const;

const corruptions: Record<string, Corruption> = {
  customers: { kinds: ['missing_key', 'bad_number', 'wrong_columns', 'malformed_json'], keyCol: 0, numberCol: 1 },
  loans: {
    kinds: [
      'missing_key',
      'bad_date',
      'negative_amount',
      'bad_number',
      'too_many_decimals',
      'bad_enum',
      'duplicate_conflict',
      'wrong_columns',
      'malformed_json',
    ],
    keyCol: 0,
    dateCol: 3,
    amountCol: 4,
    numberCol: 6,
    enumCol: 7,
  },
  schedule: {
    kinds: ['bad_date', 'negative_amount', 'unknown_loan', 'bad_number'],
    keyCol: 1,
    dateCol: 2,
    amountCol: 3,
    numberCol: 1,
    loanCol: 0,
  },
  payments: {
    kinds: [
      'missing_key',
      'bad_date',
      'negative_amount',
      'bad_number',
      'too_many_decimals',
      'unknown_loan',
      'duplicate_conflict',
      'wrong_columns',
      'malformed_json',
    ],
    keyCol: 0,
    dateCol: 2,
    amountCol: 3,
    numberCol: 3,
    loanCol: 1,
  },
  collection_actions: {
    kinds: ['missing_key', 'bad_date', 'bad_enum', 'unknown_loan', 'wrong_columns'],
    keyCol: 0,
    dateCol: 2,
    enumCol: 3,
    loanCol: 1,
  },
  loan_events: {
    kinds: ['missing_key', 'bad_date', 'negative_amount', 'bad_enum', 'unknown_loan'],
    keyCol: 0,
    dateCol: 2,
    amountCol: 4,
    enumCol: 3,
    loanCol: 1,
  },
};

function cohortSizes(total: number, firstMonth: number, months: number): number[] {
  const w = Array.from(
    { length: months },
    (_, k) => originationSeason[((firstMonth + k) % 12) + 1]! * Math.pow(1.015, k),
  );
  const sum = w.reduce((s, x) => s + x, 0);
  const sizes = w.map((x) => Math.floor((total * x) / sum));
  for (let k = 0, left = total - sizes.reduce((s, x) => s + x, 0); left > 0; k = (k + 1) % months, left--)
    sizes[k]! += 1;
  return sizes;
}

const hashSeed = (seed: number, i: number) =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35)) >>> 0;

/** Generates a synthetic loan book in the SPEC §3 formats plus truth.csv and manifest.json. Streams to disk. */
export async function generateBook(o: GenerateOptions) {
  mkdirSync(o.outDir, { recursive: true });
  const asOfMonth = monthIndex(o.asOf);
  const firstMonth = asOfMonth - o.months + 1;
  const shockStart = firstMonth + Math.floor(o.months * 0.45);
  const env: Environment = {
    asOfMonth,
    macro: (m) => (m >= shockStart && m < shockStart + 6 ? (m === shockStart || m === shockStart + 5 ? 0.45 : 0.9) : 0),
    season: (m) => delinquencySeason[(m % 12) + 1]!,
  };
  const ext = o.format === 'csv' ? 'csv' : 'jsonl';
  const sinks = Object.fromEntries(
    Object.entries(entityColumns).map(([e, cols]) => [
      e,
      new TableSink(join(o.outDir, `${e}.${e === 'truth' ? 'csv' : ext}`), cols, e === 'truth' ? 'csv' : o.format),
    ]),
  ) as Record<keyof typeof entityColumns, TableSink>;
  const rng = new Rng(o.seed);
  const badRng = new Rng(o.seed ^ 0x5bad5eed);
  // the manifest of bad rows is streamed like the entity files: at 10M loans it holds millions of lines
  const badRows = new TableSink(join(o.outDir, 'bad_rows.jsonl'), [], 'jsonl');
  let badCount = 0;
  const emit = (entity: Exclude<keyof typeof entityColumns, 'truth'>, cells: Cell[]) => {
    sinks[entity].write(cells);
    if (o.badRows > 0 && badRng.chance(o.badRows))
      badRows.raw(JSON.stringify(injectBadRow(badRng, sinks[entity], entity, cells, corruptions[entity]!, badCount++)));
  };
  const productList = Object.entries(products);
  const recentBusiness: { id: string; region: string }[] = [];
  let customerSeq = 0;
  let loanSeq = 0;
  const sizes = cohortSizes(o.loans, firstMonth, o.months);
  for (let k = 0; k < o.months; k++) {
    const m = firstMonth + k;
    for (let j = 0; j < sizes[k]!; j++) {
      const [product, p] = productList[rng.weighted(productList.map(([, pp], idx) => [idx, pp.share] as const))]!;
      let customerId: string;
      let regionIdx = rng.weighted(regionWeights.map((w, idx) => [idx, w] as const));
      let incomeRisk = 0;
      const age = rng.int(21, 65);
      const reuse = p.nonRetail && recentBusiness.length > 0 && rng.chance(0.35);
      if (reuse) {
        const c = rng.pick(recentBusiness);
        customerId = c.id;
        regionIdx = regions.findIndex((r) => r[0] === c.region);
      } else {
        customerId = `C${String(++customerSeq).padStart(8, '0')}`;
        const income = rng.weighted(incomeBands.map((b) => [b, b[2]] as const));
        incomeRisk = income[1];
        const birthYear = Math.floor(m / 12) - age;
        const idNumber = `${rng.int(110000, 659999)}${birthYear}${String(rng.int(101, 1231)).padStart(4, '0')}${rng.int(1000, 9999)}`;
        emit('customers', [
          customerId,
          birthYear,
          rng.pick(['M', 'F']),
          regions[regionIdx]![0],
          income[0],
          p.nonRetail ? 'non_retail' : 'retail',
          idNumber,
          `1${rng.int(30, 99)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
        ]);
        if (p.nonRetail) {
          recentBusiness.push({ id: customerId, region: regions[regionIdx]![0] });
          if (recentBusiness.length > 50) recentBusiness.shift();
        }
      }
      const [region, regionRisk, branches] = regions[regionIdx]!;
      const [channel, channelRisk] = rng.weighted(channels.map((c) => [c, c[2]] as const));
      const loanId = `L${String(++loanSeq).padStart(9, '0')}`;
      const principalCents = Math.round(rng.logUniform(p.principal[0], p.principal[1]) / 100) * 10_000;
      const rate = Math.round(rng.uniform(p.rate[0], p.rate[1]) * 10_000) / 10_000;
      const method = rng.weighted(p.methods);
      const term = method === 'bullet' ? rng.pick([6, 12]) : rng.pick(p.terms);
      const collateral = rng.weighted(p.collateral);
      const collateralValueCents =
        collateral === 'none' ? null : Math.round(principalCents / rng.uniform(p.ltv[0], p.ltv[1]) / 100) * 100;
      const rateRisk = ((rate - (p.rate[0] + p.rate[1]) / 2) / Math.max(1e-6, p.rate[1] - p.rate[0])) * 1.2;
      const noise = riskNoiseSd * rng.normal();
      const r0 =
        p.risk +
        incomeRisk +
        ageRisk(age) +
        regionRisk +
        channelRisk +
        rateRisk +
        noise -
        (collateral === 'none' ? 0 : 0.2);
      const originationDate = dateInMonth(m, rng.int(1, 28));
      emit('loans', [
        loanId,
        customerId,
        product,
        originationDate,
        cents(principalCents),
        rate.toFixed(4),
        term,
        method,
        rng.pick(branches),
        region,
        channel,
        collateral,
        collateralValueCents === null ? null : cents(collateralValueCents),
        'CNY',
      ]);
      const h = simulateLoan(
        {
          loanId,
          region,
          originationDate,
          principalCents,
          annualRate: rate,
          termMonths: term,
          method,
          collateralValueCents,
          risk: { r0, prepayMonthly: p.prepayMonthly },
          observedR0: r0 - noise,
        },
        env,
        new Rng(hashSeed(o.seed, loanSeq)),
      );
      const schedule =
        h.amendedSchedule ??
        buildSchedule({ originationDate, principalCents, annualRate: rate, termMonths: term, method });
      addFieldEvents(new Rng(hashSeed(o.seed ^ fieldEventsStream, loanSeq)), h, {
        asOf: o.asOf,
        balanceAt: (date) => principalBalanceAt(schedule, h.payments, date),
      });
      h.amendedSchedule?.forEach((i) => {
        emit('schedule', [loanId, i.installmentNo, i.dueDate, cents(i.principalCents), cents(i.interestCents)]);
      });
      h.payments.forEach((x, n) => {
        emit('payments', [
          `${loanId}-P${n + 1}`,
          loanId,
          x.date,
          cents(x.amountCents),
          null,
          null,
          x.penaltyCents ? cents(x.penaltyCents) : null,
          x.channel,
        ]);
      });
      h.actions.forEach((x, n) => {
        emit('collection_actions', [
          `${loanId}-A${n + 1}`,
          loanId,
          x.date,
          x.channel,
          x.outcome,
          x.agentId,
          x.team,
          x.promisedCents === null ? null : cents(x.promisedCents),
          x.promisedDate,
          x.time ?? null,
        ]);
      });
      h.events.forEach((x, n) => {
        emit('loan_events', [`${loanId}-E${n + 1}`, loanId, x.date, x.type, cents(x.amountCents), x.note]);
      });
      h.truth.forEach((x) => sinks.truth.write([loanId, x.monthEnd, x.prob.toFixed(6), x.observableProb.toFixed(6)]));
      if (loanSeq % 2000 === 0) {
        for (const s of [...Object.values(sinks), badRows]) await s.flushIfFull();
        o.onProgress?.(loanSeq, o.loans);
      }
    }
  }
  for (const s of [...Object.values(sinks), badRows]) await s.close();
  o.onProgress?.(loanSeq, o.loans);
  const manifest = {
    generator: 'loanwatch generate',
    generatorVersion: GENERATOR_VERSION,
    seed: o.seed,
    loans: o.loans,
    months: o.months,
    asOf: o.asOf,
    format: o.format,
    macroShock: { from: dateInMonth(shockStart, 1), months: 6 },
    rows: Object.fromEntries(Object.entries(sinks).map(([e, s]) => [e, s.rows])),
    badRows: badCount,
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}
