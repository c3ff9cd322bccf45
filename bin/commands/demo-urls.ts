import { allows, type Permission } from '../../api/auth/permissions.ts';

const demoRoles = ['admin', 'executive', 'collector'] as const;

/**
 * The URLs the demo prints, each with the demo keys that open it (from the permission its route
 * needs): the executive key of the "Try:" lines was refused the case list and the warnings, and
 * nothing said which key went with which URL. `URL name url (…)`, one a line.
 */
export function demoUrlLines(base: string, o: { period: string; asOf: string; casesDay: string }): string[] {
  const urls: { name: string; url: string; permission?: Permission; note?: string }[] = [
    { name: 'docs', url: `${base}/docs`, note: 'no key' },
    {
      name: 'console',
      url: `${base}/console`,
      note: 'sign in with a key: the executive key opens the dashboard, the collector key the queue',
    },
    {
      name: 'report',
      url: `${base}/v1/reports/management?period=${o.period}&lang=en&format=html`,
      permission: 'reports:read',
    },
    {
      name: 'report-zh',
      url: `${base}/v1/reports/regulatory?period=${o.period}&lang=zh-CN&format=pdf`,
      permission: 'reports:read',
    },
    { name: 'cases', url: `${base}/v1/cases?as_of=${o.casesDay}&limit=20`, permission: 'cases:read' },
    { name: 'warnings', url: `${base}/v1/warnings?as_of=${o.asOf}&limit=20`, permission: 'warnings:read' },
  ];
  return urls.map(({ name, url, permission, note }) => {
    const who = permission ? `keys: ${demoRoles.filter((r) => allows(r, permission)).join(', ')}` : note!;
    return `URL ${name} ${url} (${who})`;
  });
}
