import { raw } from 'hono/html';

/**
 * Which fields a refused form's error is about, for `aria-invalid` and `aria-describedby` on them: a
 * screen reader heard the refusal above the form but not which field it was, nor the refusal again on
 * reaching the field. The names are read from the refusal's technical detail, which lists each
 * refused field as `field: reason` joined by "; " (the contract's reasons, zod's, the amount's) —
 * the same text the page folds beneath the refusal. A refusal that names no field (a conflict,
 * changed since) marks none.
 */
export function faultedFields(technical: string | undefined): ReadonlySet<string> {
  const found = new Set<string>();
  for (const m of (technical ?? '').matchAll(/(?:^|;\s*)([a-z_]+):/gu)) found.add(m[1]!);
  return found;
}

/** A refused form's error and the fields it is about. */
export interface FormFaults {
  /** the id of the error's element */
  errorId: string;
  fields: ReadonlySet<string>;
}

/**
 * A field's `aria-invalid` and `aria-describedby` (the error first, then its own hints), or only its
 * hints when it is not at fault.
 */
export function fieldAria(name: string, faults: FormFaults | undefined, ...hints: string[]) {
  const faulted = faults?.fields.has(name) ?? false;
  const describedBy = [...(faulted && faults ? [faults.errorId] : []), ...hints].join(' ');
  return raw(
    `${faulted ? 'aria-invalid="true" ' : ''}${describedBy ? `aria-describedby="${describedBy}"` : ''}`.trim(),
  );
}

/**
 * The refusal's own attributes: it takes the focus when the page opens (the page is the answer to
 * the refused post, opened at the form's fragment), so a keyboard or screen reader user starts at it.
 */
export const errorFocus = raw('tabindex="-1" autofocus');
