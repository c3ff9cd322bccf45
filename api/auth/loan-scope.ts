import type { ApiKey } from './keys.ts';

/**
 * Whether a key may open one loan (its page, its actions, recording on it): a collector only the
 * loans of his queue — his region's, and when his key names a team, the loans whose current team
 * (the team of their latest action, pipelines/cases/case-actions.ts) is his. The same rule as the
 * case list's scoped filters (scopedFilters), so a loan outside a collector's queue is a 404 by its
 * id too, as another region's is. Other roles see every loan.
 */
export function mayOpenLoan(key: ApiKey, loan: { region: string; team: string }): boolean {
  if (key.role !== 'collector') return true;
  if (loan.region !== key.region) return false;
  return !key.team || loan.team === key.team;
}
