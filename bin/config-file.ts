import { readFileSync } from 'node:fs';
import { UserError } from '../lib/user-error.ts';
import { assertInputFile } from '../lib/input-file.ts';
import { jsonText } from '../lib/user-json.ts';

/** A user's configuration file (strategy table, warning rules, experiment) that cannot be used: exit 2 with the reason. */
export class ConfigFileError extends UserError {}

export function readConfigFile<T>(path: string, what: string, parse: (raw: unknown) => T): T {
  assertInputFile(path, what);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigFileError(
      `${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText(text));
  } catch (e) {
    throw new ConfigFileError(`${what} ${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  try {
    return parse(raw);
  } catch (e) {
    throw new ConfigFileError(`${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}
