/**
 * The one permission table (SPEC §9 roles). A route names the permission it needs; a role has it
 * or gets 403. Collectors are further limited to their own region/team and see masked PII.
 */
export const roles = ['admin', 'modeler', 'executive', 'collector', 'auditor'] as const;
export type Role = (typeof roles)[number];

export const permissions = {
  'scores:read': ['admin', 'modeler', 'collector'],
  'scores:batch': ['admin', 'modeler'],
  'metrics:read': ['admin', 'modeler', 'executive', 'auditor'],
  'cases:read': ['admin', 'collector'],
  'warnings:read': ['admin', 'modeler', 'collector', 'auditor'],
  'models:read': ['admin', 'modeler', 'executive', 'auditor'],
  'models:promote': ['admin', 'modeler'],
  'reports:read': ['admin', 'executive', 'auditor'],
  // the packs as they were issued, with their hashes: what executives and auditors go back to
  'reports:archive': ['admin', 'executive', 'auditor'],
  'audit:read': ['admin', 'auditor'],
  'keys:manage': ['admin'],
  // collection outcomes recorded by people (console form, POST /v1/collection-actions); collectors on their own region's loans
  'actions:record': ['admin', 'collector'],
  'actions:read': ['admin', 'collector', 'auditor'],
  // promises to pay and their states (GET /v1/promises); a collector sees his region and team's
  'promises:read': ['admin', 'collector'],
  // recorded actions that broke a contact rule (GET /v1/contact-compliance); a collector sees his own
  'compliance:read': ['admin', 'auditor', 'collector'],
  // the web console's pages: the executive dashboard (the collector workbench needs cases:read)
  'dashboard:read': ['admin', 'executive'],
  // monthly incentive awards with evidence (GET /v1/incentives); a collector sees his own agent's only
  'incentives:read': ['admin', 'collector'],
  // the console's modeler pages (versions, cards, monitoring, promote form); the auditor's page is audit:read
  'models:workbench': ['admin', 'modeler'],
  // disposal options of late loans (GET /v1/disposal); a collector sees his region's loans (his team's, when his key names one)
  'disposal:read': ['admin', 'executive', 'auditor', 'collector'],
  // agency placement and recall proposals and placement history (GET /v1/placements); a collector sees his region's loans (his team's, when his key names one)
  'placements:read': ['admin', 'collector', 'auditor'],
  // the month's credit-bureau submission (GET /v1/bureau): every account with its customer hash, so not for collectors
  'bureau:read': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export const allows = (role: Role, p: Permission) => (permissions[p] as readonly Role[]).includes(role);
