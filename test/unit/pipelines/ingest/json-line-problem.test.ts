import { describe, expect, it } from 'vitest';
import { jsonLineProblem } from '../../../../pipelines/ingest/json-line-problem.ts';

describe('a JSONL line read in Node says where it breaks', () => {
  it('names the line and the column where the parser stopped', () => {
    expect(jsonLineProblem('{"payment_id":"P2","amount":10.00,}', 7)).toEqual({
      problem: 'malformed JSON line (line 7, column 35)',
    });
    expect(jsonLineProblem('{"a" 1}', 1)).toEqual({ problem: 'malformed JSON line (line 1, column 6)' });
  });

  it('a line cut short is named just past its end; a line that is no object says so', () => {
    expect(jsonLineProblem('{"payment_id":"P3"', 3)).toEqual({ problem: 'malformed JSON line (line 3, column 19)' });
    expect(jsonLineProblem('[1, 2]', 2)).toEqual({ problem: 'malformed JSON line (line 2: not a JSON object)' });
  });

  it('an object is its value', () => {
    expect(jsonLineProblem('{"loan_id":"L1"}', 1)).toEqual({ value: { loan_id: 'L1' } });
  });
});
