import { describe, expect, it } from 'vitest';
import { keptLoanMonthColumns } from '../../../../pipelines/snapshot/refresh-scope.ts';
import { systemTables } from '../../../../warehouse/tables.ts';

describe('keptLoanMonthColumns', () => {
  it('names loan_month columns, each once, the loan and month-end among them', () => {
    const columns = new Set(systemTables.loan_month.columns.map(([n]) => n));
    for (const c of keptLoanMonthColumns) expect(columns.has(c), c).toBe(true);
    expect(new Set(keptLoanMonthColumns).size).toBe(keptLoanMonthColumns.length);
    expect(keptLoanMonthColumns).toContain('loan_id');
    expect(keptLoanMonthColumns).toContain('month_end');
  });
});
