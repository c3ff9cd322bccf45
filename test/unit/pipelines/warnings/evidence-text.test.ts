import { describe, expect, it } from 'vitest';
import { evidenceText, warningCsvColumns, warningsCsv } from '../../../../pipelines/warnings/list-warnings.ts';

describe("a warning's evidence in the CSV: one text cell, no JSON", () => {
  it('reads key=value pairs, a list joined, a nested object by dotted keys', () => {
    expect(
      evidenceText({
        broken: 1,
        action_id: 'L1-A20',
        promised_amount: '348.35',
        reasons: ['dpd_now', 'utilisation'],
        psi: { score: 0.31, top: null },
        kept: false,
      }),
    ).toBe(
      'broken=1; action_id=L1-A20; promised_amount=348.35; reasons=dpd_now, utilisation; psi.score=0.31; psi.top=; kept=false',
    );
    expect(evidenceText({})).toBe('');
  });

  it('the CSV cell holds that text (quoted as a CSV needs it), never a JSON object', () => {
    const csv = warningsCsv([
      {
        ...{ as_of: '2024-06-30', rule_id: 'broken_promise', kind: 'broken_promise', severity: 'warning' },
        ...{ loan_id: 'L1', model: '', value: 1, threshold: 1, region: 'east', product: 'consumer' },
        ...{ branch: 'b1', team: 't1', fired_at: '2024-07-01 02:00:00' },
        evidence: { note: 'said "later", then left', paid: 0 },
      },
    ] as Parameters<typeof warningsCsv>[0]);
    const [header, row] = csv.split('\n');
    expect(header).toBe(warningCsvColumns.join(','));
    expect(row).toContain('"note=said ""later"", then left; paid=0"');
    expect(row).not.toMatch(/\{|\}/u);
  });
});
