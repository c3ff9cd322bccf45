import type { Text } from '../../reports/i18n.ts';

/**
 * Code lists the console showed as codes (`collector`, `auto_debit`, `file`, `late`) and their words.
 * A code missing from a table — a lender's own payment channel, say — is shown as stored (i18n.ts
 * `label`), never dropped: it is the lender's own name for it.
 */

/**
 * The roles as a column or a choice names them. The English of error-text.ts's roleLabels is lower
 * case to sit inside a sentence ("the collector role"); a cell or an option reads as a name.
 */
export const roleNames: Record<string, Text> = {
  admin: { 'zh-CN': '管理员', en: 'Administrator' },
  modeler: { 'zh-CN': '建模人员', en: 'Modeler' },
  executive: { 'zh-CN': '管理层', en: 'Executive' },
  collector: { 'zh-CN': '催收员', en: 'Collector' },
  auditor: { 'zh-CN': '审计员', en: 'Auditor' },
  // no role of a key: an audit row the command line wrote (its actor: the OS user and host)
  cli: { 'zh-CN': '命令行', en: 'Command line' },
};

/**
 * A case's stage (pipelines/cases/strategy.ts stageOf). i18n.ts's caseStageLabels gives English the
 * code itself (`late`); the DPD beside it in the queue says the days, so the name alone is enough.
 */
export const stageNames: Record<string, Text> = {
  watch: { 'zh-CN': '关注', en: 'Watch' },
  early: { 'zh-CN': '早期', en: 'Early' },
  mid: { 'zh-CN': '中期', en: 'Mid' },
  late: { 'zh-CN': '后期', en: 'Late' },
};

/**
 * How a payment came in (payments.channel: free text in the contract, SPEC §3). These are the codes
 * the demo book and the common core-banking exports use; any other is the lender's own and shown as is.
 */
export const paymentChannelNames: Record<string, Text> = {
  auto_debit: { 'zh-CN': '自动扣款', en: 'Auto-debit' },
  app: { 'zh-CN': '手机应用', en: 'Mobile app' },
  bank_transfer: { 'zh-CN': '银行转账', en: 'Bank transfer' },
  counter: { 'zh-CN': '柜台', en: 'Branch counter' },
};

/** Where a collection action's row came from (collection_actions.source: a file's ingest, the console or the API). */
export const actionSourceNames: Record<string, Text> = {
  file: { 'zh-CN': '文件导入', en: 'File import' },
  console: { 'zh-CN': '控制台录入', en: 'Console' },
  api: { 'zh-CN': '接口录入', en: 'API' },
};
