import type { Warehouse } from '../../warehouse/connection.ts';
import { auditCli } from './cli-audit.ts';
import type { CasesFlags } from './cases.ts';

/** The cases table shows this many; csv and json write every case. */
const tableRows = 50;

/** A case-list pull from the CLI, audited as GET /v1/cases audits one (`cases.pull`: filters, returned, total). */
export async function auditCasesPull(wh: Warehouse, f: CasesFlags, total: number): Promise<void> {
  await auditCli(wh, undefined, 'cases.pull', f['as-of'], {
    region: f.region ?? null,
    team: f.team ?? null,
    product: f.product ?? null,
    stage: f.stage ?? null,
    format: f.format,
    returned: f.format === 'table' ? Math.min(tableRows, total) : total,
    total,
  });
}
