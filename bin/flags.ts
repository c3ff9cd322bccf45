import { z } from 'zod';

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped). */
export const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
