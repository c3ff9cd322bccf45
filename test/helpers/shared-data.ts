import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Path of a dataset under ../shared/data; throws a clear message when it is missing. */
export function sharedData(...parts: string[]): string {
  const p = resolve(process.env.LOANWATCH_SHARED_DATA ?? resolve('..', 'shared', 'data'), ...parts);
  if (!existsSync(p))
    throw new Error(
      `this test needs the public dataset ${p} (../shared/data beside the checkout, or set LOANWATCH_SHARED_DATA)`,
    );
  return p;
}
