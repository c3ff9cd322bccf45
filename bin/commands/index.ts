import type { CommandModule } from '../cli/command.ts';
import { demoCommand } from './demo.ts';
import { generate } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { quarantineCommand } from './quarantine.ts';
import { snapshotCommand } from './snapshot.ts';
import { dpdCommand } from './dpd.ts';
import { metricsCommand } from './metrics.ts';
import { trainCommand } from './train.ts';
import { evaluateCommand } from './evaluate.ts';
import { promoteCommand } from './promote.ts';
import { scoreCommand } from './score.ts';
import { casesCommand } from './cases.ts';
import { experimentCommand } from './experiment.ts';
import { warningsCommand } from './warnings.ts';
import { promisesCommand } from './promises.ts';
import { contactComplianceCommand } from './contact-compliance.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts';
import { usersCreateCommand, usersDisableCommand, usersListCommand } from './users.ts';
import { migrateCommand } from './migrate.ts';
import { bureauCommand } from './bureau.ts';
import { incentivesCommand } from './incentives.ts';
import { disposalCommand } from './disposal.ts';
import { placementsCommand } from './placements.ts';

/** Every command, in the order `loanwatch --help` lists them. */
export const commands = [
  demoCommand,
  generate,
  ingestCommand,
  quarantineCommand,
  snapshotCommand,
  dpdCommand,
  metricsCommand,
  trainCommand,
  evaluateCommand,
  promoteCommand,
  scoreCommand,
  casesCommand,
  experimentCommand,
  warningsCommand,
  promisesCommand,
  contactComplianceCommand,
  reportCommand,
  bureauCommand,
  incentivesCommand,
  placementsCommand,
  disposalCommand,
  serveCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  usersCreateCommand,
  usersListCommand,
  usersDisableCommand,
  migrateCommand,
] as unknown as readonly CommandModule[];
