import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Warehouse } from '../../warehouse/connection.ts';
import { subset } from '../data/dataset.ts';
import { loadFeatureRows } from '../data/load-features.ts';
import type { ModelArtifact } from '../model-types.ts';
import { defaultBookActions, type ActionSpec } from './actions.ts';
import { counterfactuals, type Counterfactual } from './counterfactual.ts';

/** Loans searched between two turns of the event loop (a few milliseconds of work). */
const loansPerTurn = 32;

/**
 * Counterfactuals of scored loans: each loan's features at the month-end of its score are read
 * from ew_features and searched with the model that scored it (the book's actions by default).
 * A loan without a feature row at that month-end gets none. The search (hundreds of re-scorings a
 * loan) runs a few loans at a time, letting the event loop turn between them: in the API a case
 * list's search would otherwise hold every other request for as long as it runs (seconds on a
 * large list), score lookups from memory included.
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
    for (let start = 0; start < ds.n; start += loansPerTurn) {
      const part = subset(
        ds,
        Int32Array.from({ length: Math.min(loansPerTurn, ds.n - start) }, (_, k) => start + k),
      );
      const found = counterfactuals(art, part, {
        actions: o.actions ?? defaultBookActions,
        targetGrade: o.targetGrade,
        subject: 'loan',
      });
      part.ids.forEach((id, i) => out.set(id, found[i] ?? null));
      await nextTurn();
    }
  }
  return out;
}
