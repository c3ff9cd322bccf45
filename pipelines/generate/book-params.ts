import type { RepaymentMethod } from '../../warehouse/schedule/build-schedule.ts';

/** Product catalogue of the synthetic book: shares, sizes, terms, pricing and base risk (logit offsets). */
export interface ProductParams {
  share: number;
  principal: [number, number];
  terms: number[];
  rate: [number, number];
  methods: [RepaymentMethod, number][];
  risk: number;
  collateral: [string, number][];
  /** collateral value = principal / LTV, LTV uniform in this range */
  ltv: [number, number];
  nonRetail: boolean;
  prepayMonthly: number;
}

export const products: Record<string, ProductParams> = {
  consumer: {
    share: 0.4,
    principal: [5_000, 200_000],
    terms: [6, 12, 24, 36],
    rate: [0.08, 0.24],
    methods: [
      ['annuity', 0.8],
      ['equal_principal', 0.2],
    ],
    risk: 0.3,
    collateral: [['none', 1]],
    ltv: [1, 1],
    nonRetail: false,
    prepayMonthly: 0.008,
  },
  credit_card: {
    share: 0.2,
    principal: [3_000, 50_000],
    terms: [3, 6, 12, 24],
    rate: [0.12, 0.18],
    methods: [['annuity', 1]],
    risk: 0.5,
    collateral: [['none', 1]],
    ltv: [1, 1],
    nonRetail: false,
    prepayMonthly: 0.01,
  },
  mortgage: {
    share: 0.15,
    principal: [300_000, 3_000_000],
    terms: [120, 180, 240, 300, 360],
    rate: [0.035, 0.055],
    methods: [
      ['annuity', 0.7],
      ['equal_principal', 0.3],
    ],
    risk: -1.2,
    collateral: [['property', 1]],
    ltv: [0.5, 0.8],
    nonRetail: false,
    prepayMonthly: 0.004,
  },
  small_business: {
    share: 0.15,
    principal: [50_000, 2_000_000],
    terms: [6, 12, 24, 36],
    rate: [0.05, 0.15],
    methods: [
      ['interest_only', 0.45],
      ['annuity', 0.45],
      ['bullet', 0.1],
    ],
    risk: 0.2,
    collateral: [
      ['equipment', 0.3],
      ['property', 0.3],
      ['none', 0.4],
    ],
    ltv: [0.6, 0.9],
    nonRetail: true,
    prepayMonthly: 0.005,
  },
  provident_fund: {
    share: 0.1,
    principal: [200_000, 1_200_000],
    terms: [120, 180, 240, 300, 360],
    rate: [0.0285, 0.0325],
    methods: [
      ['annuity', 0.8],
      ['equal_principal', 0.2],
    ],
    risk: -1.5,
    collateral: [['property', 1]],
    ltv: [0.5, 0.8],
    nonRetail: false,
    prepayMonthly: 0.003,
  },
};

export const regions: [string, number, string[]][] = [
  ['east', -0.2, ['east-01', 'east-02', 'east-03', 'east-04']],
  ['south', -0.1, ['south-01', 'south-02', 'south-03']],
  ['north', 0, ['north-01', 'north-02', 'north-03']],
  ['central', 0.05, ['central-01', 'central-02']],
  ['southwest', 0.1, ['southwest-01', 'southwest-02']],
  ['northeast', 0.3, ['northeast-01', 'northeast-02']],
  ['northwest', 0.2, ['northwest-01']],
];
export const regionWeights = [0.28, 0.2, 0.16, 0.12, 0.1, 0.08, 0.06];

export const channels: [string, number, number][] = [
  ['branch', -0.2, 0.35],
  ['online', 0.3, 0.35],
  ['agent', 0.1, 0.15],
  ['partner', 0.4, 0.15],
];
export const incomeBands: [string, number, number][] = [
  ['low', 0.6, 0.25],
  ['mid', 0, 0.4],
  ['high', -0.4, 0.25],
  ['very_high', -0.8, 0.1],
];

/** sd of each borrower's own risk draw (logit), on top of what the attributes explain: unknown to the lender */
export const riskNoiseSd = 0.6;

export function ageRisk(age: number): number {
  if (age < 25) return 0.5;
  if (age < 35) return 0.2;
  if (age < 50) return -0.1;
  return -0.2;
}

/** Origination volume seasonality by calendar month (1 = Jan); Feb dips for Chinese New Year. */
export const originationSeason = [0, 1.0, 0.6, 1.1, 1.1, 1.05, 1.05, 0.95, 0.95, 1.0, 1.1, 1.15, 1.2];
/** Delinquency seasonality (logit offset) by calendar month: post-holiday stress in Feb, year-end in Dec. */
export const delinquencySeason = [0, 0, 0.25, 0.05, 0, 0, 0, 0, 0, 0, 0, 0, 0.1];
