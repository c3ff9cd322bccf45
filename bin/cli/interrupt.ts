import type { Warehouse } from '../../warehouse/connection.ts';
import { exitCodes } from '../../lib/exit-codes.ts';

/** Thrown into a command at its next statement after Ctrl-C: it stops there, as a kill between two statements would. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/**
 * What the warehouse holds after a command stopped between two statements. Ingest and snapshot are
 * made for it: every ingest step is re-runnable and writes scratch tables the next run drops, and
 * its rows are keyed, so a run stopped anywhere and run again ends as one clean run; a snapshot
 * computes beside the live tables, swaps each in whole, and records its run only when done, so the
 * next run redoes it (docs/data-contract.md "Idempotency and interruption", docs/operations.md).
 */
const stateAfter: Record<string, string> = {
  ingest:
    'files with a receipt (loanwatch ingest-runs) are loaded; run the same ingest again for the rest: keys are idempotent, so it ends as one clean run would',
  snapshot:
    'the live snapshot tables are as before or replaced whole; run the snapshot again: it ends as an uninterrupted run would',
};
const otherwise =
  'statements that had ended are kept; an ingest or a snapshot stopped so is safe to run again (it ends as one clean run would)';

/** The one line Ctrl-C prints: what was stopped and what state the warehouse is in. */
export function interruptedLine(command: string | undefined, warehouse: boolean): string {
  if (!warehouse) return 'loanwatch: interrupted — nothing in the warehouse was being changed';
  const state = (command !== undefined && Object.hasOwn(stateAfter, command) ? stateAfter[command] : otherwise)!;
  return `loanwatch: interrupted — stopping once the engine's statement in progress ends (Ctrl-C again: at once); ${state}`;
}

export interface InterruptTrap {
  /** Ctrl-C was pressed during the command */
  readonly interrupted: boolean;
  /** the command that runs from now on, and whether it has the warehouse open */
  select(command: string, warehouse: boolean): void;
  /** the warehouse whose every next statement throws Interrupted once Ctrl-C was pressed */
  guard(wh: Warehouse): Warehouse;
  dispose(): void;
}

const statements = new Set<PropertyKey>(['query', 'command', 'exec', 'insert']);

/**
 * Ctrl-C during a command: one line to stderr saying what state the warehouse is in, then exit 130.
 * A statement the embedded engine runs cannot be cancelled (chDB has no interrupt; a connection
 * closed under it aborts the engine), so a command with the warehouse open stops at its next
 * statement, which throws Interrupted, and main returns 130 once the warehouse is closed. A command
 * without it exits at once; so does a second Ctrl-C. While a server listens for SIGINT itself
 * (serve, the demo's last step), it is the server's: it finishes its requests and returns; a
 * second Ctrl-C meanwhile exits at once.
 */
export function trapInterrupt(exit: (code: number) => void): InterruptTrap {
  let interrupted = false;
  let command: string | undefined;
  let warehouse = false;
  // listeners already there (a test runner's) are not a server's
  const before = process.listenerCount('SIGINT');
  // a server took a Ctrl-C already: a second one, while it finishes its requests, exits at once
  let served = false;
  const onSigint = () => {
    if (process.listenerCount('SIGINT') > before + 1) {
      served = true;
      return;
    }
    if (interrupted || served) {
      exit(exitCodes.interrupted);
      return;
    }
    interrupted = true;
    console.error(interruptedLine(command, warehouse));
    if (!warehouse) exit(exitCodes.interrupted);
  };
  process.on('SIGINT', onSigint);
  return {
    get interrupted() {
      return interrupted;
    },
    select(name, usesWarehouse) {
      command = name;
      warehouse = usesWarehouse;
    },
    guard(wh) {
      const client = new Proxy(wh.client, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (!statements.has(key) || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (interrupted) return Promise.reject(new Interrupted());
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { ...wh, client };
    },
    dispose() {
      process.off('SIGINT', onSigint);
    },
  };
}
