import { z } from 'zod';
import { isCalendarDate } from '../warehouse/dates.ts';

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped). */
export const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** A real calendar date YYYY-MM-DD (2024-13-45 is refused here, not by the engine). */
export const isoDate = z.string().refine(isCalendarDate, 'YYYY-MM-DD');
