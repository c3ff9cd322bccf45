/**
 * Something the user can fix: bad input, a missing file, a refused request. The CLI prints its
 * message as one line (plus the hint, if any) and exits with `exitCode`; the API answers 4xx.
 * Anything that is not a UserError is an internal fault (exit 1, or a 500).
 */
export class UserError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint;
  }
}
