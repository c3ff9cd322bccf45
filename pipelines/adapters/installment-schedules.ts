/**
 * Which loans' installment rows make a schedule that ingest's schedule rule accepts
 * (pipelines/ingest/schedule-rule.ts): numbers 1..n without a gap, due days rising strictly with the
 * number, amounts repaying the principal to within half a cent an installment. A source that samples
 * or truncates each loan's installments (Home Credit's installments_payments: a subset's rows, or a
 * loan still running when the extract was taken) would otherwise land every such loan's schedule in
 * the quarantine, where a data engineer can do nothing with it; the adapter sets those rows aside
 * with the reason instead and ingest evaluates the loan on the schedule generated from its terms.
 *
 * The first row of an installment number stands for it (as ingest takes a file's first line of a
 * key); the further rows are further payments of the same installment.
 */
export type ScheduleVerdict = 'complete' | 'gap' | 'unordered' | 'short';

export const scheduleAsideReasons: Record<Exclude<ScheduleVerdict, 'complete'>, string> = {
  gap: "schedule row not written: the source lacks some of the loan's installments (a gap in NUM_INSTALMENT_NUMBER); the loan is evaluated on the schedule generated from its terms",
  unordered:
    "schedule row not written: the loan's installment due days do not rise with their numbers; the loan is evaluated on the schedule generated from its terms",
  short:
    "schedule row not written: the loan's installments repay less than its principal (a loan still running at the extract); the loan is evaluated on the schedule generated from its terms",
};

export const furtherPaymentReason = 'schedule row not written: a further payment row of an installment already written';

/** Collects (number, due day, amount in cents) per loan; `verdicts` judges each loan once. */
export class InstallmentCollector {
  private readonly rows = new Map<string, number[]>();
  private readonly unjudged = new Set<string>();

  add(loan: string, installmentNo: string, dueDay: number, amount: string): void {
    const no = Number(installmentNo);
    const cents = Math.round(Number(amount) * 100);
    if (this.unjudged.has(loan)) return;
    if (!Number.isInteger(no) || !Number.isFinite(dueDay) || amount.trim() === '' || !Number.isFinite(cents)) {
      // a value ingest will refuse on its own, with the line: the loan\'s rows go to it as they are
      this.unjudged.add(loan);
      this.rows.delete(loan);
      return;
    }
    let flat = this.rows.get(loan);
    if (flat === undefined) this.rows.set(loan, (flat = []));
    flat.push(no, dueDay, cents);
  }

  /** A verdict per judged loan; a loan absent from the result is written as it is. */
  verdicts(principalCents: ReadonlyMap<string, number>): Map<string, ScheduleVerdict> {
    const out = new Map<string, ScheduleVerdict>();
    for (const [loan, flat] of this.rows) {
      const principal = principalCents.get(loan);
      if (principal === undefined) continue;
      out.set(loan, judge(flat, principal));
    }
    this.rows.clear();
    return out;
  }
}

function judge(flat: number[], principalCents: number): ScheduleVerdict {
  const order = Array.from({ length: flat.length / 3 }, (_, i) => i).sort((a, b) => flat[a * 3]! - flat[b * 3]!);
  let expected = 1;
  let lastDue = -Infinity;
  let repaid = 0;
  let n = 0;
  for (const i of order) {
    const no = flat[i * 3]!;
    if (no === expected - 1) continue; // a further row of the installment just counted
    if (no !== expected) return 'gap';
    const due = flat[i * 3 + 1]!;
    if (due <= lastDue) return 'unordered';
    lastDue = due;
    repaid += flat[i * 3 + 2]!;
    n += 1;
    expected += 1;
  }
  // ingest: (principal − repaid) × 200 > n refuses, in currency units; here in cents
  return (principalCents - repaid) * 2 > n ? 'short' : 'complete';
}
