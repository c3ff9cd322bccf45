/**
 * The actions loanwatch writes to the audit log (the API, the console and the CLI): the audit route's
 * `action=` filter names one of these or one the log holds — a misspelt action answered with an
 * empty log read as "no such events happened".
 */
export const auditActionNames = [
  'auth.unauthorized',
  'auth.forbidden',
  'cases.pull',
  'scores.out_of_scope',
  'model.promote',
  'keys.create',
  'keys.revoke',
  'keys.list',
  'users.create',
  'users.list',
  'users.disable',
  'warnings.list',
  'experiment.results',
  'corrections.list',
  'console.sign_in',
  'console.sign_out',
  'console.password_change',
  'loans.view',
  'collection_actions.record',
  'collection_actions.correct',
  'collection_actions.withdraw',
  'audit.export',
  'reports.archive_integrity',
] as const;
