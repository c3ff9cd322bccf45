#!/usr/bin/env node
// Entry point for the `loanwatch` bin: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

// `loanwatch dpd … --format csv | head` closes the pipe early: that is the reader's choice, not an error;
// any other failed write (stdout redirected to a full disk) is one line and exit 1, never a stack
let stdoutFailed = (e) => {
  process.stderr.write(`loanwatch: could not write to standard output: ${e.message}\n`);
  process.exit(1);
};
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  else stdoutFailed(e);
});
// `loanwatch ingest … 2>&1 | head -1` closes the log's pipe: the run goes on and its exit code says
// how it ended (the lines after are lost); an error here exited 1 mid-load with no word anywhere
process.stderr.on('error', () => undefined);
register();
const { outputStreamError, reportError } = await import('./cli/report-error.ts');
stdoutFailed = (e) => process.exit(reportError(outputStreamError(e)));
// tsx turns on source maps; node then reads the (multi-megabyte) map of every bundled dependency a
// command loads — 4–5 s of a report's start. Stack traces are for LOANWATCH_DEBUG=1 only (a user
// never sees one), so only then are they mapped back to the TypeScript lines.
if (!process.env.LOANWATCH_DEBUG) process.setSourceMapsEnabled(false);
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), undefined, { stdinAside: true });
