import { fileURLToPath } from 'node:url';
import { loadAccrualRules, type AccrualRules } from '../../warehouse/accrual-rules.ts';

// the file format lives in warehouse/ (config.ts reads LOANWATCH_ACCRUAL_RULES with it); the accrual's modules import it from here
export * from '../../warehouse/accrual-rules.ts';

export const defaultAccrualRulesPath = fileURLToPath(new URL('./default-accrual.json', import.meta.url));

let defaults: AccrualRules | undefined;
/** The rules of pipelines/accrual/default-accrual.json (docs/accrual.md), read once. */
export function defaultAccrualRules(): AccrualRules {
  defaults ??= loadAccrualRules(defaultAccrualRulesPath);
  return defaults;
}

/**
 * The rules the settings carry (LOANWATCH_ACCRUAL_RULES, read and checked with the configuration
 * at start-up: warehouse/config.ts), else the default file's. Every accrual — the snapshot's, a
 * date's for `dpd` and the case list — takes its rules from here, so they are one set.
 */
export const accrualRulesOf = (settings: { accrualRules?: AccrualRules | undefined }): AccrualRules =>
  settings.accrualRules ?? defaultAccrualRules();
