import type { Warehouse } from '../../warehouse/connection.ts';
import {
  assertKnownFilterValues,
  UnknownFilterValueError,
  UnknownNameError,
  type FilterValues,
} from '../../warehouse/metrics/known-values.ts';
import { UserError } from '../../lib/user-error.ts';
import { ApiError } from '../errors.ts';

/** The filter values a request names, checked against the warehouse: an unknown one is a 400 listing the known values (not an empty 200). */
export async function checkKnownFilters(wh: Warehouse, filters: FilterValues): Promise<void> {
  try {
    await assertKnownFilterValues(wh, filters);
  } catch (e) {
    if (!(e instanceof UnknownFilterValueError)) throw e;
    throw new ApiError(
      'bad_request',
      e.message,
      {
        fields: e.unknown.map((u) => ({ field: u.field, message: `unknown: ${u.values.join(', ')}`, known: u.known })),
      },
      { cause: e },
    );
  }
}

/**
 * A name filter checked as the CLI checks it (warehouse/metrics/known-values.ts: an agent, a loan,
 * a warning rule): one that names nothing at all is a 400 with the CLI's message (the value and the
 * nearest known name), not an empty 200 that reads like a real name with nothing in the period.
 * `parameter` is the query parameter the details name.
 */
export async function checkKnownNames(parameter: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (e) {
    if (!(e instanceof UnknownNameError)) throw e;
    throw new ApiError(
      'bad_request',
      e.message,
      { fields: [{ field: parameter, message: `unknown ${e.what}: ${e.values.join(', ')}` }] },
      { cause: e },
    );
  }
}

/** Runs pipeline code for a route: what it refuses as a UserError (a request it cannot answer) is the client's 400, not a 500. */
export async function userErrorsAsBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UserError && !(e instanceof ApiError))
      throw new ApiError('bad_request', e.message, undefined, { cause: e });
    throw e;
  }
}

/**
 * A metric request's refusal with the field it is about in `details.fields`, as every other 400 on a
 * named parameter has it: the message leads with the field (`from: …`), or names group_by.
 */
export function metricRefusal(e: Error): ApiError {
  const field =
    /^([a-z_]+): /u.exec(e.message)?.[1] ??
    (/\bgrouped by\b|\bin group_by\b/u.test(e.message) ? 'group_by' : undefined);
  const message = field ? e.message.replace(`${field}: `, '') : e.message;
  return new ApiError('bad_request', e.message, field ? { fields: [{ field, message }] } : undefined, { cause: e });
}
