import { describe, expect, it } from 'vitest';
import { inLoanPart, rangeParts, wholeBook } from '../../../warehouse/loan-part.ts';
import { render } from '../../../warehouse/sql.ts';

describe('loan parts', () => {
  it('boundaries make consecutive ranges, open at both ends; none is the whole book', () => {
    expect(rangeParts([])).toEqual([wholeBook]);
    expect(rangeParts(['L2', 'L5']).map((p) => [p.count, p.index, p.range])).toEqual([
      [3, 0, { from: null, to: 'L2' }],
      [3, 1, { from: 'L2', to: 'L5' }],
      [3, 2, { from: 'L5', to: null }],
    ]);
  });

  it('a range is bound parameters on the column, an open end no condition; a hash part stays a hash', () => {
    const [first, middle, last] = rangeParts(['L2', 'L5']);
    const middleSql = render(inLoanPart('lwq_l.loan_id', middle));
    expect(middleSql.query).toMatch(/^\(lwq_l\.loan_id >= \{lwp_0:String\} AND lwq_l\.loan_id < \{lwp_1:String\}\)$/);
    expect(middleSql.query_params).toEqual({ lwp_0: 'L2', lwp_1: 'L5' });
    expect(render(inLoanPart('loan_id', first)).query).toBe('(loan_id < {lwp_0:String})');
    expect(render(inLoanPart('loan_id', last)).query).toBe('(loan_id >= {lwp_0:String})');
    expect(render(inLoanPart('loan_id', { count: 4, index: 1 })).query).toBe(
      'cityHash64(loan_id) % {lwp_0:UInt32} = {lwp_1:UInt32}',
    );
    // an id with a quote is a value, never text of the statement
    const quoted = render(inLoanPart('loan_id', rangeParts(["L'9"])[1]));
    expect(quoted.query).not.toContain("L'9");
  });
});
