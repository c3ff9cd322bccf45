import { iso4217Codes } from '../../lib/iso-4217.ts';
import type { RawEntity } from '../../warehouse/tables.ts';

/**
 * The SPEC §3 input contract, one declaration per entity. validation-sql.ts
 * compiles these into ClickHouse expressions; nothing else encodes the rules.
 */
export type FieldKind =
  | 'id'
  | 'text'
  | 'date'
  | 'month'
  | 'money'
  | 'int'
  | 'rate'
  | 'enum'
  | 'pii_hash'
  | 'pii_mask'
  // a local time of day HH:MM (00:00–23:59)
  | 'time';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
  /** money: strictly positive instead of non-negative */
  positive?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** enum: what the values are, said instead of listing them when they are many */
  valuesAre?: string;
  /** value aliases (e.g. Chinese names of a repayment method) mapped before validation */
  valueAliases?: Record<string, string>;
  /** used when the column is absent or empty */
  default?: string;
  /** target column name when it differs (PII is stored under a derived name) */
  target?: string;
  /**
   * a date or month of something that happened (a payment, an action, an origination): not after
   * tomorrow (the engine's today + 1 day, for a clock a timezone ahead). A typo such as 2149 would
   * otherwise move the day the data ends, and every installment due before it would count as unpaid
   */
  happened?: boolean;
  /** free text a person typed: phone and ID numbers in it are stored masked (warehouse/personal-numbers.ts) */
  freeText?: boolean;
}

export interface EntitySpec {
  entity: RawEntity;
  key: readonly string[];
  fields: readonly FieldSpec[];
  /** every row must reference an accepted loan */
  referencesLoan: boolean;
  /** header aliases (Chinese or common variants) → canonical field name */
  aliases: Record<string, string>;
}

export const actionChannels = ['sms', 'phone', 'visit', 'letter', 'legal', 'agency'] as const;
export const actionOutcomes = ['no_contact', 'contacted', 'promise_to_pay', 'refused', 'paid', 'wrong_party'] as const;
export const eventTypes = [
  'charge_off',
  'recovery',
  'restructure',
  'collateral_sale',
  'debt_sale',
  'settlement',
  'legal_filed',
  // amount waived (penalty interest, compound interest, fees); note = reason
  'waiver',
  // contact-rule events (amount 0): a complaint starts a cooling-off period; do_not_contact's note is
  // the reason (legal_hold, bankruptcy, deceased, dispute) until a contact_allowed; consent_withdrawn's
  // note is the channel the borrower no longer consents to
  'complaint',
  'do_not_contact',
  'contact_allowed',
  'consent_withdrawn',
  // placement with an external collection agency (amount = balance placed, note = agency id) and its recall
  'agency_placement',
  'agency_recall',
] as const;

const loanRef = { name: 'loan_id', kind: 'id', required: true } as const;

export const entitySpecs: Record<RawEntity, EntitySpec> = {
  customers: {
    entity: 'customers',
    key: ['customer_id'],
    referencesLoan: false,
    fields: [
      { name: 'customer_id', kind: 'id', required: true },
      { name: 'birth_year', kind: 'int', min: 1900, max: 2030 },
      {
        name: 'gender',
        kind: 'enum',
        values: ['M', 'F', 'U'],
        valueAliases: { 男: 'M', 女: 'F', m: 'M', f: 'F' },
        default: 'U',
      },
      { name: 'region', kind: 'text' },
      { name: 'income_band', kind: 'text' },
      {
        name: 'borrower_type',
        kind: 'enum',
        values: ['retail', 'non_retail'],
        valueAliases: { 个人: 'retail', 对公: 'non_retail', 企业: 'non_retail' },
        default: 'retail',
      },
      { name: 'id_number', kind: 'pii_hash', target: 'id_number_hash' },
      { name: 'phone', kind: 'pii_mask', target: 'phone_masked' },
    ],
    aliases: {
      客户编号: 'customer_id',
      客户号: 'customer_id',
      出生年份: 'birth_year',
      性别: 'gender',
      地区: 'region',
      区域: 'region',
      收入档次: 'income_band',
      借款人类型: 'borrower_type',
      身份证号: 'id_number',
      身份证号码: 'id_number',
      证件号码: 'id_number',
      手机号: 'phone',
      手机号码: 'phone',
      移动电话: 'phone',
      手机: 'phone',
      电话: 'phone',
      mobile: 'phone',
    },
  },
  loans: {
    entity: 'loans',
    key: ['loan_id'],
    referencesLoan: false,
    fields: [
      { name: 'loan_id', kind: 'id', required: true },
      { name: 'customer_id', kind: 'id', required: true },
      { name: 'product', kind: 'text', required: true },
      { name: 'origination_date', kind: 'date', required: true, happened: true },
      { name: 'principal', kind: 'money', required: true, positive: true },
      { name: 'annual_rate', kind: 'rate', required: true },
      { name: 'term_months', kind: 'int', required: true, min: 1, max: 600 },
      {
        name: 'repayment_method',
        kind: 'enum',
        values: ['annuity', 'equal_principal', 'interest_only', 'bullet'],
        default: 'annuity',
        valueAliases: {
          等额本息: 'annuity',
          等额本金: 'equal_principal',
          先息后本: 'interest_only',
          按月付息到期还本: 'interest_only',
          到期一次还本付息: 'bullet',
          一次性还本付息: 'bullet',
        },
      },
      { name: 'branch', kind: 'text' },
      { name: 'region', kind: 'text' },
      { name: 'channel', kind: 'text' },
      { name: 'collateral_type', kind: 'text', default: 'none' },
      { name: 'collateral_value', kind: 'money' },
      {
        name: 'currency',
        kind: 'enum',
        values: iso4217Codes,
        valuesAre: 'an ISO 4217 currency code (three upper-case letters, e.g. CNY)',
        default: 'CNY',
      },
    ],
    aliases: {
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      客户编号: 'customer_id',
      产品: 'product',
      放款日期: 'origination_date',
      发放日期: 'origination_date',
      本金: 'principal',
      贷款金额: 'principal',
      年利率: 'annual_rate',
      期限: 'term_months',
      期数: 'term_months',
      还款方式: 'repayment_method',
      网点: 'branch',
      机构: 'branch',
      地区: 'region',
      渠道: 'channel',
      担保方式: 'collateral_type',
      抵押物价值: 'collateral_value',
      币种: 'currency',
    },
  },
  schedule: {
    entity: 'schedule',
    key: ['loan_id', 'installment_no'],
    referencesLoan: true,
    fields: [
      loanRef,
      { name: 'installment_no', kind: 'int', required: true, min: 1, max: 1200 },
      { name: 'due_date', kind: 'date', required: true },
      { name: 'principal_due', kind: 'money', required: true },
      { name: 'interest_due', kind: 'money', required: true },
    ],
    aliases: {
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      期次: 'installment_no',
      期号: 'installment_no',
      应还日期: 'due_date',
      到期日: 'due_date',
      应还本金: 'principal_due',
      应还利息: 'interest_due',
    },
  },
  payments: {
    entity: 'payments',
    key: ['payment_id'],
    referencesLoan: true,
    fields: [
      { name: 'payment_id', kind: 'id', required: true },
      loanRef,
      { name: 'paid_date', kind: 'date', required: true, happened: true },
      { name: 'amount', kind: 'money', required: true, positive: true },
      { name: 'principal_paid', kind: 'money' },
      { name: 'interest_paid', kind: 'money' },
      { name: 'penalty_paid', kind: 'money' },
      { name: 'channel', kind: 'text' },
    ],
    aliases: {
      还款编号: 'payment_id',
      流水号: 'payment_id',
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      还款日期: 'paid_date',
      实还日期: 'paid_date',
      还款金额: 'amount',
      实还金额: 'amount',
      实还本金: 'principal_paid',
      实还利息: 'interest_paid',
      罚息: 'penalty_paid',
      渠道: 'channel',
    },
  },
  performance: {
    entity: 'performance',
    key: ['loan_id', 'as_of_month'],
    referencesLoan: true,
    fields: [
      loanRef,
      { name: 'as_of_month', kind: 'month', required: true, happened: true },
      { name: 'dpd', kind: 'int', required: true, min: 0, max: 100_000 },
      { name: 'principal_balance', kind: 'money', required: true },
      { name: 'overdue_amount', kind: 'money' },
    ],
    aliases: {
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      数据月份: 'as_of_month',
      统计月份: 'as_of_month',
      逾期天数: 'dpd',
      本金余额: 'principal_balance',
      贷款余额: 'principal_balance',
      逾期金额: 'overdue_amount',
    },
  },
  collection_actions: {
    entity: 'collection_actions',
    key: ['action_id'],
    referencesLoan: true,
    fields: [
      { name: 'action_id', kind: 'id', required: true },
      loanRef,
      { name: 'action_date', kind: 'date', required: true, happened: true },
      {
        name: 'channel',
        kind: 'enum',
        required: true,
        values: actionChannels,
        valueAliases: { 短信: 'sms', 电话: 'phone', 外访: 'visit', 信函: 'letter', 诉讼: 'legal', 委外: 'agency' },
      },
      {
        name: 'outcome',
        kind: 'enum',
        required: true,
        values: actionOutcomes,
        valueAliases: {
          未联系上: 'no_contact',
          已联系: 'contacted',
          承诺还款: 'promise_to_pay',
          拒绝还款: 'refused',
          已还款: 'paid',
          非本人: 'wrong_party',
        },
      },
      { name: 'agent_id', kind: 'text' },
      { name: 'team', kind: 'text' },
      { name: 'promised_amount', kind: 'money' },
      { name: 'promised_date', kind: 'date' },
      // local time of day of the contact (the contact rules' hours); absent: those rules cannot be checked
      { name: 'action_time', kind: 'time' },
    ],
    aliases: {
      催收编号: 'action_id',
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      催收日期: 'action_date',
      催收方式: 'channel',
      催收结果: 'outcome',
      催收员: 'agent_id',
      小组: 'team',
      团队: 'team',
      承诺金额: 'promised_amount',
      承诺日期: 'promised_date',
      催收时间: 'action_time',
    },
  },
  loan_events: {
    entity: 'loan_events',
    key: ['event_id'],
    referencesLoan: true,
    fields: [
      { name: 'event_id', kind: 'id', required: true },
      loanRef,
      { name: 'event_date', kind: 'date', required: true, happened: true },
      {
        name: 'type',
        kind: 'enum',
        required: true,
        values: eventTypes,
        valueAliases: {
          核销: 'charge_off',
          回收: 'recovery',
          重组: 'restructure',
          抵押物处置: 'collateral_sale',
          债权转让: 'debt_sale',
          和解: 'settlement',
          起诉: 'legal_filed',
          减免: 'waiver',
          投诉: 'complaint',
          停催: 'do_not_contact',
          恢复催收: 'contact_allowed',
          撤回授权: 'consent_withdrawn',
          委外: 'agency_placement',
          委外收回: 'agency_recall',
        },
      },
      { name: 'amount', kind: 'money', required: true },
      { name: 'note', kind: 'text', freeText: true },
    ],
    aliases: {
      事件编号: 'event_id',
      贷款编号: 'loan_id',
      借据号: 'loan_id',
      事件日期: 'event_date',
      事件类型: 'type',
      金额: 'amount',
      备注: 'note',
    },
  },
};

/** Dependency order: referenced entities are ingested first. */
/** Personal data: hashed or masked on the way in, and never shown in clear in the quarantine. */
export const isPiiKind = (kind: FieldKind) => kind === 'pii_hash' || kind === 'pii_mask';

/** The names of every personal-data field of any entity (the quarantine masks them). */
export const piiFieldNames: ReadonlySet<string> = new Set(
  Object.values(entitySpecs).flatMap((spec) => spec.fields.filter((f) => isPiiKind(f.kind)).map((f) => f.name)),
);

export const ingestOrder: RawEntity[] = [
  'customers',
  'loans',
  'schedule',
  'payments',
  'performance',
  'collection_actions',
  'loan_events',
];

/** Maps a header cell to a canonical field name of the entity, or null when unknown (kept in raw only). */
export function canonicalField(spec: EntitySpec, header: string): string | null {
  const h = header.trim().replace(/^\uFEFF/, '');
  const lower = h.toLowerCase();
  if (spec.fields.some((f) => f.name === lower)) return lower;
  return spec.aliases[h] ?? null;
}
