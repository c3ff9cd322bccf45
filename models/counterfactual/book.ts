import type { Warehouse } from '../../warehouse/connection.ts';
import { loadFeatureRows } from '../data/load-features.ts';
import type { ModelArtifact } from '../model-types.ts';
import { defaultBookActions, type ActionSpec } from './actions.ts';
import { counterfactuals, type Counterfactual } from './counterfactual.ts';

/**
 * Counterfactuals of scored loans: each loan's features at the month-end of its score are read
 * from ew_features and searched with the model that scored it (the book's actions by default).
 * A loan without a feature row at that month-end gets none.
 */
export async function loanCounterfactuals(
  wh: Warehouse,
  art: ModelArtifact,
  scored: readonly { loan_id: string; month_end: string }[],
  o: { actions?: ActionSpec[]; targetGrade?: string } = {},
): Promise<Map<string, Counterfactual | null>> {
  const out = new Map<string, Counterfactual | null>();
  const byMonth = new Map<string, string[]>();
  for (const s of scored) {
    const ids = byMonth.get(s.month_end);
    if (ids) ids.push(s.loan_id);
    else byMonth.set(s.month_end, [s.loan_id]);
  }
  for (const [monthEnd, ids] of byMonth) {
    const ds = await loadFeatureRows(wh, { mode: 'month', monthEnd, ids });
    const found = counterfactuals(art, ds, {
      actions: o.actions ?? defaultBookActions,
      targetGrade: o.targetGrade,
      subject: 'loan',
    });
    ds.ids.forEach((id, i) => out.set(id, found[i] ?? null));
  }
  return out;
}
