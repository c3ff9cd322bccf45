import { describe, expect, it } from 'vitest';
import { derivedFactsPasses } from '../../../warehouse/derived-facts.ts';

describe('derivedFactsPasses', () => {
  it('takes half the snapshot passes, at least one', () => {
    expect([1, 2, 3, 4, 5, 20, 21].map(derivedFactsPasses)).toEqual([1, 1, 2, 2, 3, 10, 11]);
  });
});
