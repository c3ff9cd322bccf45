import { z } from 'zod';

/** `NAME` or `NAME@VERSION` of a registered model. */
export const modelRef = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}(@[1-9]\d{0,8})?$/u, 'expected NAME or NAME@VERSION (a version from 1)');

export const parseModelRef = (ref: string) => {
  const [name, v] = ref.split('@');
  return { name: name!, version: v ? Number(v) : undefined };
};
