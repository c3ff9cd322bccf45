import { Rng } from '../../lib/random.ts';
import type { Dataset } from '../../models/data/dataset.ts';

/**
 * A book where one feature matters only given another: the risk follows u, the book records
 * `balance` = u + c and `credit_limit` = c (c independent of u), so `credit_limit` alone says nothing (IV ≈ 0,
 * screened out of a classic scorecard) but with `balance` it says everything about u, and falls
 * with the risk. `balance` is missing for 3 % of rows (riskier), `channel` a category with its own
 * effect, `noise` nothing. Monthly periods, seeded.
 */
export function conditionalBook(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const balance = new Float64Array(n);
  const creditLimit = new Float64Array(n);
  const noise = new Float64Array(n);
  const codes = new Int32Array(n);
  const label = new Uint8Array(n);
  const period: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.normal();
    const c = rng.normal();
    const missing = rng.chance(0.03);
    balance[i] = missing ? Number.NaN : u + c;
    creditLimit[i] = c;
    noise[i] = rng.normal();
    codes[i] = rng.int(0, 2);
    const z = -1.8 + 1.4 * u + (missing ? 0.5 : 0) + [0, 0.4, -0.3][codes[i]!]!;
    label[i] = rng.chance(1 / (1 + Math.exp(-z))) ? 1 : 0;
    period.push(`2024-0${1 + (i % 6)}-28`);
  }
  return {
    n,
    columns: [
      { name: 'balance', kind: 'numeric', values: balance },
      { name: 'credit_limit', kind: 'numeric', values: creditLimit },
      { name: 'noise', kind: 'numeric', values: noise },
      { name: 'channel', kind: 'categorical', codes, levels: ['branch', 'online', 'agent'] },
    ],
    label,
    period,
    ids: Array.from({ length: n }, (_, i) => String(i + 1)),
  };
}
