import { loadConfig } from '../warehouse/config.ts';
import { openWarehouse } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrations/index.ts';
import { commands } from './commands/index.ts';
import { parseCommandLine } from './cli/parse.ts';
import { processOutput, type Output } from './cli/output.ts';
import { reportError } from './cli/report-error.ts';

/**
 * `loanwatch <command> …`: parse against the command table, open (and migrate) the warehouse when
 * the command needs it, run it. Returns the exit code (lib/exit-codes.ts): 0 done, 2 the user's to
 * fix, 1 a fault, 75 the warehouse held by another process, …
 */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  try {
    const selected = await parseCommandLine(argv, commands, out);
    if (typeof selected === 'number') return selected;
    const config = loadConfig();
    const { module, values } = selected;
    if (!module.warehouse) {
      await module.run({ config, out }, values);
      return 0;
    }
    const wh = openWarehouse(config);
    try {
      await migrate(wh);
      await module.run({ config, out, wh }, values);
    } finally {
      await wh.close();
    }
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
