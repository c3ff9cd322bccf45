/**
 * Typed API errors: a code, an HTTP status, a message safe to show, and the cause kept for the
 * log only. No stack trace or SQL text ever reaches a response.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorCode, 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = statusOf[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: unknown };
}

/** What the audit log records of a refused request beyond the key on the context: why, and the key id a 401 claimed. */
export interface DenialFacts {
  reason: string;
  key_id?: string;
  role?: string;
  claimed_key_id?: string;
}

/** A 401 or 403 with the facts for its audit row (the message stays what the client may hear). */
export class AuthError extends ApiError {
  constructor(
    code: 'unauthorized' | 'forbidden',
    message: string,
    readonly facts: DenialFacts,
  ) {
    super(code, message);
  }
}
