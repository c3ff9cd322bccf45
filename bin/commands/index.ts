import type { CommandEntry, CommandModule } from '../cli/command.ts';

/*
 * Every command, in the order `loanwatch --help` lists them, each loaded only when named: a
 * command's module pulls in its whole pipeline (engine client, models, report renderers), and
 * loading all of them cost every command line about 1.5 s before it did anything.
 */
const entry = (name: string, load: () => Promise<object>): CommandEntry => ({
  name,
  load: async () => (await load()) as CommandModule,
});

export const commands: readonly CommandEntry[] = [
  entry('demo', async () => (await import('./demo.ts')).demoCommand),
  entry('generate', async () => (await import('./generate.ts')).generate),
  entry('ingest', async () => (await import('./ingest.ts')).ingestCommand),
  entry('ingest-runs', async () => (await import('./ingest-runs.ts')).ingestRunsCommand),
  entry('quarantine', async () => (await import('./quarantine.ts')).quarantineCommand),
  entry('corrections', async () => (await import('./corrections.ts')).correctionsCommand),
  entry('snapshot', async () => (await import('./snapshot.ts')).snapshotCommand),
  entry('dpd', async () => (await import('./dpd.ts')).dpdCommand),
  entry('metrics', async () => (await import('./metrics.ts')).metricsCommand),
  entry('train', async () => (await import('./train.ts')).trainCommand),
  entry('evaluate', async () => (await import('./evaluate.ts')).evaluateCommand),
  entry('promote', async () => (await import('./promote.ts')).promoteCommand),
  entry('score', async () => (await import('./score.ts')).scoreCommand),
  entry('cases', async () => (await import('./cases.ts')).casesCommand),
  entry('experiment', async () => (await import('./experiment.ts')).experimentCommand),
  entry('warnings', async () => (await import('./warnings.ts')).warningsCommand),
  entry('promises', async () => (await import('./promises.ts')).promisesCommand),
  entry('contact-compliance', async () => (await import('./contact-compliance.ts')).contactComplianceCommand),
  entry('report', async () => (await import('./report.ts')).reportCommand),
  entry('bureau', async () => (await import('./bureau.ts')).bureauCommand),
  entry('incentives', async () => (await import('./incentives.ts')).incentivesCommand),
  entry('placements', async () => (await import('./placements.ts')).placementsCommand),
  entry('disposal', async () => (await import('./disposal.ts')).disposalCommand),
  entry('serve', async () => (await import('./serve.ts')).serveCommand),
  entry('keys create', async () => (await import('./keys.ts')).keysCreateCommand),
  entry('keys list', async () => (await import('./keys.ts')).keysListCommand),
  entry('keys revoke', async () => (await import('./keys.ts')).keysRevokeCommand),
  entry('users create', async () => (await import('./users.ts')).usersCreateCommand),
  entry('users list', async () => (await import('./users.ts')).usersListCommand),
  entry('users disable', async () => (await import('./users.ts')).usersDisableCommand),
  entry('migrate', async () => (await import('./migrate.ts')).migrateCommand),
];
