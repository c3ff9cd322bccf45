import type { Case } from '../../../../pipelines/cases/case-list.ts';
import type { StoredAction } from '../../../../api/routes/collection-actions.ts';
import type { LoanView } from '../../../../api/console/workbench-data.ts';
import type { OutcomeForm } from '../../../../api/console/loan-page.ts';
import { queueBody, queueQuery } from '../../../../api/console/queue.ts';
import type { Lang } from '../../../../reports/i18n.ts';

/** a case of a queue, every field set; `over` changes some */
export const aCase = (over: Partial<Case> = {}): Case => ({
  rank: 1,
  loan_id: 'L000001',
  region: 'east',
  product: 'consumer',
  team: 'east-late',
  placed_with: '',
  stage: 'late',
  dpd: 164,
  bucket: 'M6',
  balance: 2_057_000,
  probability: 0.687,
  probability_source: 'roll_rate_matrix',
  model: null,
  expected_loss: 1_413_159,
  grade: 'E',
  reasons: [],
  action: 'legal_action',
  last_contacts: [],
  amount_to_cure: 133_000.5,
  charges_owed: 2_345.67,
  open_promises: [],
  ...over,
});

export const anAction = (over: Partial<StoredAction> = {}): StoredAction => ({
  action_id: 'a1',
  loan_id: 'L000001',
  action_date: '2024-06-01',
  channel: 'phone',
  outcome: 'contacted',
  agent_id: 'ag1',
  team: 'east-late',
  promised_amount: null,
  promised_date: null,
  action_time: '',
  source: 'file',
  recorded_by: '',
  note: '',
  version: 'v1',
  ...over,
});

/** a loan's page data: one payment, one action, a score and the case; `over` changes some */
export const aLoanView = (over: Partial<LoanView> = {}): LoanView => ({
  loan: {
    loan_id: 'L000001',
    product: 'consumer',
    region: 'east',
    branch: 'east-01',
    channel: 'online',
    principal: 3_000_000,
    annual_rate: 0.08,
    term_months: 36,
    origination_date: '2022-01-10',
    phone: '138****0000',
  },
  schedule: [],
  payments: [{ paid_date: '2024-01-05', amount: 1000, channel: 'auto_debit' }],
  months: [],
  actions: [anAction()],
  recorders: new Map(),
  score: {
    loan_id: 'L000001',
    month_end: '2024-05-31',
    model_name: 'ew',
    model_version: 3,
    probability: 0.5602,
    points: 480,
    grade: 'E',
    reasons: [],
    region: 'east',
    dpd: 12,
    target: 'dpd30_3m',
    counterfactual: null,
    counterfactual_unavailable: null,
  },
  warnings: [],
  warnings_through: '2024-06-30',
  case: aCase(),
  ...over,
});

const blankOutcome: OutcomeForm = {
  action_id: 'new',
  action_date: '2024-06-30',
  action_time: '',
  channel: 'phone',
  outcome: 'contacted',
  promised_amount: '',
  promised_date: '',
  note: '',
};

export const loanOptions = { asOf: '2024-06-30', csrf: 'x', form: blankOutcome, canRecord: false, today: '2024-06-30' };

/** The queue page's body for these cases (no filters, one product, the whole book's scope), as text. */
export const queuePage = async (cases: Case[], lang: Lang): Promise<string> =>
  (
    await queueBody(
      {
        cases,
        total: cases.length,
        asOf: '2024-06-30',
        q: queueQuery.parse({}),
        products: ['consumer'],
        scope: 'all',
        days: { first: '2023-01-31', last: '2024-06-30' },
      },
      lang,
    )
  ).toString();
