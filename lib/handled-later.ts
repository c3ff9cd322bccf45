/**
 * A read sent ahead and awaited later: marked handled now, so its failure while an earlier read is
 * awaited is not an unhandled rejection (which ends the process); awaiting it still throws.
 */
export function handledLater<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}
