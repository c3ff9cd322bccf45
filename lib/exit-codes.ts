/**
 * Every exit code of `loanwatch`, in one place: `--help` and docs/data-contract.md list them, and a
 * scheduler branches on them (retry on 75, alert on 1, fix the input on 2).
 */
export const exitCodes = {
  ok: 0,
  /** a fault in loanwatch or the machine (a full disk, the engine's memory bound) */
  fault: 1,
  /** the user's to fix: a bad flag or value, a refused file, nothing to ingest */
  usage: 2,
  /** ingest: loaded, but a file quarantined more than --max-quarantined's share (without it: every row) */
  partial: 3,
  /** EX_TEMPFAIL (sysexits.h): the warehouse is open in another process; try again later */
  locked: 75,
  /** 128 + SIGINT: stopped by Ctrl-C */
  interrupted: 130,
} as const;

/** The exit codes as `--help` lists them, one a line. */
export const exitCodeHelp: readonly (readonly [number, string])[] = [
  [exitCodes.ok, 'done (an ingest may have quarantined rows: its receipts say how many)'],
  [exitCodes.fault, 'a fault in loanwatch or the machine (full disk, memory bound): the message says which'],
  [exitCodes.usage, 'bad input, yours to fix: a flag or value, a refused file, nothing to ingest; nothing loaded'],
  [
    exitCodes.partial,
    'ingest: loaded, but a file quarantined more than --max-quarantined (without it: every row of a file)',
  ],
  [exitCodes.locked, 'the warehouse is open in another process (named): try again when it ends'],
  [exitCodes.interrupted, 'interrupted (Ctrl-C); an ingest or snapshot stopped so is safe to run again'],
];
