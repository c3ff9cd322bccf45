import { z } from 'zod';
import { isCalendarDate, isEngineDate } from './dates.ts';

/**
 * The date and month schemas every front end checks with (CLI flags, API parameters, the metric
 * request), so one value gets one answer and one message everywhere.
 */

/** A month YYYY-MM. */
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/u, 'expected a month YYYY-MM');

/** A real calendar date YYYY-MM-DD (2024-13-45 is refused here, not by the engine). */
// abort: a value that is no date at all gets one message, not also the range's
export const isoDate = z.string().refine(isCalendarDate, { error: 'expected a calendar date YYYY-MM-DD', abort: true });

/**
 * A real calendar date inside ClickHouse's Date range (1970-01-01 … 2149-06-06): one bound as a
 * {x:Date} parameter cannot fail inside the query.
 */
export const engineDate = isoDate.refine(
  isEngineDate,
  'expected a real date YYYY-MM-DD between 1970-01-01 and 2149-06-06',
);
