import { describe, expect, it } from 'vitest';
import { UnknownFilterValueError } from '../../../../warehouse/metrics/known-values.ts';

const message = (values: string[], known: string[]) =>
  new UnknownFilterValueError([{ field: 'region', values, known }]).message;

describe('unknown filter value message', () => {
  it('never lists or suggests an empty value, wherever it sorts among the known ones', () => {
    for (const known of [
      ['', 'central', 'east'],
      ['central', '', 'east'],
      ['central', 'east', ''],
      ['', '', 'central', 'east'],
    ])
      expect(message(['nosuch'], known)).toBe('unknown region "nosuch" — known: central, east');
    // "ab" is two edits from "" and from nothing else: no "did you mean """
    expect(message(['ab'], ['', 'north'])).toBe('unknown region "ab" — known: north');
    expect(message(['eats'], ['', 'central', 'east'])).toBe(
      'unknown region "eats" (did you mean "east"?) — known: central, east',
    );
  });

  it("the error's known values (the API's details.fields[].known) hold no empty value either", () => {
    const e = new UnknownFilterValueError([
      { field: 'region', values: ['x'], known: ['', 'central', 'east'] },
      { field: 'product', values: ['y'], known: ['card', ''] },
    ]);
    expect(e.unknown.map((u) => u.known)).toEqual([['central', 'east'], ['card']]);
    expect(e.message).toBe('unknown region "x" — known: central, east; unknown product "y" — known: card');
  });

  it('a warehouse whose only value is empty says it holds none', () => {
    expect(message(['east'], [''])).toBe('unknown region "east" — no region values in the warehouse yet');
  });

  it('counts the hidden values only among the listed ones', () => {
    const known = ['', ...Array.from({ length: 32 }, (_, i) => `r${String(i).padStart(2, '0')}`)];
    expect(message(['x'], known)).toMatch(/, r29, … \(2 more\)$/u);
    expect(message(['x'], known)).not.toMatch(/known: ,/u);
  });
});
