import { z } from 'zod';

/** `NAME` or `NAME@VERSION` of a registered model. */
export const modelRef = z.string().regex(/^[A-Za-z0-9_-]{1,64}(@\d{1,9})?$/u, 'expected NAME or NAME@VERSION');

export const parseModelRef = (ref: string) => {
  const [name, v] = ref.split('@');
  return { name: name!, version: v ? Number(v) : undefined };
};
