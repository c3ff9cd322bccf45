import { describe, expect, it } from 'vitest';
import { derivedFactsPasses } from '../../../warehouse/derived-facts.ts';

describe('derivedFactsPasses', () => {
  it('takes a quarter of the snapshot passes, at least one', () => {
    expect([1, 2, 4, 5, 8, 20, 21].map(derivedFactsPasses)).toEqual([1, 1, 1, 2, 2, 5, 6]);
  });
});
