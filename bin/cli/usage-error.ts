import { UserError } from '../../lib/user-error.ts';

/** A command line that does not parse: one sentence, then where to read the command's flags. */
export class UsageError extends UserError {
  constructor(message: string, command?: string) {
    super(message, {
      hint: `run 'loanwatch ${command ? `${command} ` : ''}--help' for ${command ? 'its flags' : 'the commands'}`,
    });
  }
}
