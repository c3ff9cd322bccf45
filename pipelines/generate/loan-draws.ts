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
import { dateInMonth, monthIndex } from './dates.ts';
import { Rng } from '../../lib/random.ts';
import { cents, type Cell } from '../files/table-sink.ts';
import type { Environment, LoanTerms } from './simulate-loan.ts';

/** What every loan of a book shares: its months, cohort sizes and economic environment. */
export interface BookFrame {
  asOf: string;
  firstMonth: number;
  shockStart: number;
  /** loans originated in each month from firstMonth */
  cohortSizes: number[];
  env: Environment;
}

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

export function bookFrame(o: { loans: number; months: number; asOf: string }): BookFrame {
  const asOfMonth = monthIndex(o.asOf);
  const firstMonth = asOfMonth - o.months + 1;
  const shockStart = firstMonth + Math.floor(o.months * 0.45);
  return {
    asOf: o.asOf,
    firstMonth,
    shockStart,
    cohortSizes: cohortSizes(o.loans, firstMonth, o.months),
    env: {
      asOfMonth,
      macro: (m) =>
        m >= shockStart && m < shockStart + 6 ? (m === shockStart || m === shockStart + 5 ? 0.45 : 0.9) : 0,
      season: (m) => delinquencySeason[(m % 12) + 1]!,
    },
  };
}

/** One loan's attributes: its customer row (a new customer only), its loan row and its simulation terms. */
export interface LoanDraw {
  /** 1-based position in the book */
  loanSeq: number;
  customerRow: Cell[] | null;
  loanRow: Cell[];
  terms: LoanTerms;
  /** the borrower's own risk draw (what a lender cannot see) */
  noise: number;
}

const productList = Object.entries(products);

/**
 * The book's attribute stream: every loan's product, customer, terms and risk, drawn in book order
 * from one random stream. It is cheap (no simulation), so a worker writing only some loans of the
 * book replays it from the start to reach its own with the same draws as a single process.
 */
export class LoanDraws {
  private readonly rng: Rng;
  private readonly recentBusiness: { id: string; region: string }[] = [];
  private customerSeq = 0;
  private loanSeq = 0;

  constructor(
    private readonly frame: BookFrame,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  *[Symbol.iterator](): Generator<LoanDraw> {
    const { cohortSizes: sizes, firstMonth } = this.frame;
    for (let k = 0; k < sizes.length; k++) for (let j = 0; j < sizes[k]!; j++) yield this.draw(firstMonth + k);
  }

  private draw(m: number): LoanDraw {
    const rng = this.rng;
    const [product, p] = productList[rng.weighted(productList.map(([, pp], idx) => [idx, pp.share] as const))]!;
    let customerId: string;
    let customerRow: Cell[] | null = null;
    let regionIdx = rng.weighted(regionWeights.map((w, idx) => [idx, w] as const));
    let incomeRisk = 0;
    const age = rng.int(21, 65);
    const reuse = p.nonRetail && this.recentBusiness.length > 0 && rng.chance(0.35);
    if (reuse) {
      const c = rng.pick(this.recentBusiness);
      customerId = c.id;
      regionIdx = regions.findIndex((r) => r[0] === c.region);
    } else {
      customerId = `C${String(++this.customerSeq).padStart(8, '0')}`;
      const income = rng.weighted(incomeBands.map((b) => [b, b[2]] as const));
      incomeRisk = income[1];
      const birthYear = Math.floor(m / 12) - age;
      const idNumber = `${rng.int(110000, 659999)}${birthYear}${String(rng.int(101, 1231)).padStart(4, '0')}${rng.int(1000, 9999)}`;
      customerRow = [
        customerId,
        birthYear,
        rng.pick(['M', 'F']),
        regions[regionIdx]![0],
        income[0],
        p.nonRetail ? 'non_retail' : 'retail',
        idNumber,
        `1${rng.int(30, 99)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
      ];
      if (p.nonRetail) {
        this.recentBusiness.push({ id: customerId, region: regions[regionIdx]![0] });
        if (this.recentBusiness.length > 50) this.recentBusiness.shift();
      }
    }
    const [region, regionRisk, branches] = regions[regionIdx]!;
    const [channel, channelRisk] = rng.weighted(channels.map((c) => [c, c[2]] as const));
    const loanSeq = ++this.loanSeq;
    const loanId = `L${String(loanSeq).padStart(9, '0')}`;
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
    const loanRow: Cell[] = [
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
    ];
    return {
      loanSeq,
      customerRow,
      loanRow,
      noise,
      terms: {
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
    };
  }
}
