/**
 * `compute` of an array, once per array and length: recomputed when the array has grown since (a
 * training appends to the same array; its items are never changed once made). For values derived
 * from a model's parts that a scorer would otherwise rebuild on every call.
 */
export function keptPerArray<T, R>(compute: (items: T[]) => R): (items: T[]) => R {
  const kept = new WeakMap<T[], { length: number; value: R }>();
  return (items) => {
    const k = kept.get(items);
    if (k?.length === items.length) return k.value;
    const value = compute(items);
    kept.set(items, { length: items.length, value });
    return value;
  };
}
