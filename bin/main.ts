import { loadConfig } from '../warehouse/config.ts';
import { openWarehouse } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { commands } from './commands/index.ts';
import { parseCommandLine } from './cli/parse.ts';
import { processOutput, type Output } from './cli/output.ts';
import { reportError } from './cli/report-error.ts';
import { trapInterrupt } from './cli/interrupt.ts';
import { takeStdinAside } from './cli/piped-stdin.ts';
import { exitCodes } from '../lib/exit-codes.ts';

/** How main ends the process at once (a second Ctrl-C); tests pass their own. */
export interface MainOptions {
  exit?: (code: number) => void;
  /** set a piped stdin aside before the command runs (cli/piped-stdin.ts): the bin entry's process, not a test's */
  stdinAside?: boolean;
}

/**
 * `loanwatch <command> …`: parse against the command table, open (and migrate) the warehouse when
 * the command needs it, run it. Returns the exit code (lib/exit-codes.ts): 0 done, 2 the user's to
 * fix, 1 a fault, 75 the warehouse held by another process, …
 */
export async function main(argv: string[], out: Output = processOutput, o: MainOptions = {}): Promise<number> {
  const trap = trapInterrupt(o.exit ?? ((code) => process.exit(code)));
  try {
    const selected = await parseCommandLine(argv, commands, out);
    if (typeof selected === 'number') return selected;
    const config = loadConfig();
    const { module, values } = selected;
    trap.select(module.name, module.warehouse);
    if (o.stdinAside) await takeStdinAside(module.readsStdin?.(values) === true);
    if (!module.warehouse) {
      await module.run({ config, out }, values);
      return trap.interrupted ? exitCodes.interrupted : 0;
    }
    const opened = openWarehouse(config);
    try {
      const wh = trap.guard(opened);
      await migrate(wh);
      await module.run({ config, out, wh }, values);
    } finally {
      await opened.close();
    }
    return trap.interrupted ? exitCodes.interrupted : 0;
  } catch (e) {
    // the command stopped at its next statement after Ctrl-C: its line is printed, not an error
    return trap.interrupted ? exitCodes.interrupted : reportError(e);
  } finally {
    trap.dispose();
  }
}
