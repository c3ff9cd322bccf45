import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine a benchmark ran on, in every results file (BENCHMARKS.md states it beside each figure). */
export const benchMachine = () => ({
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  mem_gb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

/** Writes bench/results/<name>.json: indented, one trailing newline. */
export function writeBenchResult(name: string, result: unknown) {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
}
