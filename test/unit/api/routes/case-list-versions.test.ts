import { describe, expect, it } from 'vitest';
import { versionOf } from '../../../../api/routes/case-list-versions.ts';
import type { Case } from '../../../../pipelines/cases/case-list.ts';

const list = (ids: string[], dpd = 10) => ids.map((loan_id, i) => ({ rank: i + 1, loan_id, dpd }) as unknown as Case);

describe('versionOf (a case list version a cursor names)', () => {
  it('is the order of the loans: another order or another case is another version', () => {
    const v = versionOf(list(['A', 'B', 'C']));
    expect(versionOf(list(['A', 'B', 'C']))).toBe(v);
    expect(versionOf(list(['B', 'A', 'C']))).not.toBe(v);
    expect(versionOf(list(['A', 'B']))).not.toBe(v);
    expect(versionOf(list(['A', 'B', 'C', 'D']))).not.toBe(v);
    // ids run together are still told apart
    expect(versionOf(list(['AB', 'C']))).not.toBe(versionOf(list(['A', 'BC'])));
  });

  it('a rebuild that moved no case is the same version: paging by it neither skips nor repeats a case', () => {
    expect(versionOf(list(['A', 'B'], 40))).toBe(versionOf(list(['A', 'B'], 10)));
  });
});
