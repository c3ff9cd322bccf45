#!/usr/bin/env node
// Entry point for the `loanwatch` bin: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

// `loanwatch dpd … --format csv | head` closes the pipe early: that is the reader's choice, not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  else throw e;
});
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
