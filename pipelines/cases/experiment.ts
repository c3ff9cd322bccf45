import { createHash } from 'node:crypto';

/**
 * Strategy champion/challenger: a case's test group is a pure function of the experiment name
 * and the loan id (SHA-256 → a point in [0, 1) → the group whose weight band holds it), so the
 * same loan stays in the same group on every run and machine, and groups are balanced by weight.
 */
export interface Arm { name: string; weight: number }

export function assignArm(experiment: string, loanId: string, arms: Arm[]): string {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  if (!(total > 0) || arms.some((a) => !(a.weight >= 0))) throw new Error('arm weights must be non-negative and sum to more than 0');
  const u = createHash('sha256').update(`${experiment}\u0000${loanId}`).digest().readUInt32BE(0) / 2 ** 32;
  let acc = 0;
  for (const a of arms) {
    acc += a.weight / total;
    if (u < acc) return a.name;
  }
  return arms[arms.length - 1]!.name;
}
