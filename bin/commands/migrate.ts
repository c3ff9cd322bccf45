import { defineCommand } from '../cli/command.ts';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'create or upgrade the warehouse schema (every command does this first)',
  flags: {},
  examples: ['CLICKHOUSE_URL=https://ch.example:8443 loanwatch migrate'],
  warehouse: true,
  // opening the warehouse migrates it; nothing else to do
  run: ({ out, wh }) => {
    out.line(`warehouse ${wh.database} is up to date`);
    return Promise.resolve();
  },
});
