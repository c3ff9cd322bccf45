import type { Column } from './dataset.ts';

/**
 * Columns a modeler must look at before a model scores customers with them, whatever they do to
 * the fit: attributes lending law commonly protects (by name, English and Chinese), numbers whose
 * few integer levels may be codes rather than amounts, and near-unique integers that may be
 * identifiers rather than amounts. The gate states them (docs/models.md).
 */
export interface ReviewFlag {
  column: string;
  flag: 'protected' | 'coded-integer' | 'near-unique-integer';
  /** kept (a warning) or dropped (`dropProtected`) */
  action: 'kept' | 'dropped';
  reason: string;
}

/** Name words of protected attributes: each group's label and its English tokens. */
const protectedGroups: readonly { label: string; tokens: readonly string[]; zh: readonly string[] }[] = [
  { label: 'sex or gender', tokens: ['sex', 'gender'], zh: ['性别'] },
  { label: 'marital status', tokens: ['marital', 'marriage', 'married', 'spouse'], zh: ['婚姻', '婚否', '配偶'] },
  { label: 'age', tokens: ['age', 'dob', 'birthdate', 'birthday'], zh: ['年龄', '出生'] },
  { label: 'race or ethnicity', tokens: ['race', 'racial', 'ethnic', 'ethnicity'], zh: ['种族', '民族'] },
  { label: 'religion', tokens: ['religion', 'religious', 'faith'], zh: ['宗教', '信仰'] },
  { label: 'nationality', tokens: ['nationality', 'citizenship', 'citizen'], zh: ['国籍', '户籍'] },
];

/** An age of something other than the person (a loan's, an account's) is not protected. */
const notAPersonsAge = new Set(['loan', 'account', 'acct', 'credit', 'vintage', 'file', 'history', 'book', 'debt', 'oldest', 'newest', 'car', 'vehicle', 'property', 'house', 'building']);

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/gu, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/u)
    .filter(Boolean);

/** The protected attribute a column's name says it holds, or null. */
export function protectedAttribute(name: string): string | null {
  const w = words(name);
  for (const g of protectedGroups) {
    if (g.zh.some((z) => name.includes(z))) return g.label;
    const hit = w.some((t) => g.tokens.includes(t));
    if (hit && !(g.label === 'age' && w.some((t) => notAPersonsAge.has(t)))) return g.label;
  }
  return null;
}

/** At most this many integer levels make a numeric column look like codes. */
export const codedIntegerLevels = 10;

/**
 * A numeric column of 2 to `codedIntegerLevels` distinct integer values: it may be codes (SEX 1/2,
 * EDUCATION 1–6) binned as ranges, as if 2 were more than 1 — or a count that is one. The gate
 * cannot tell which from the values, so it says so and names the flag that reads it as categories.
 * Its special values (`except`: declared with --special, or sentinel codes) are binned apart, not as
 * ranges, so they are not among the levels.
 */
export function codedIntegerLevelsOf(col: Column, except: readonly number[] = []): number[] | null {
  if (col.kind !== 'numeric') return null;
  const levels = new Set<number>();
  for (const x of col.values) {
    if (Number.isNaN(x) || except.includes(x)) continue;
    if (!Number.isInteger(x)) return null;
    levels.add(x);
    if (levels.size > codedIntegerLevels) return null;
  }
  return levels.size >= 2 ? [...levels].sort((a, b) => a - b) : null;
}
