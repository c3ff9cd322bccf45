/** The median of timed runs (the upper middle one for an even count); the input is not reordered. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
