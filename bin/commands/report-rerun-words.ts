/**
 * The line a re-run logs when the same inputs built data files other than the archived ones. It
 * names which loanwatch built each: wording changed between versions is the usual cause, and a
 * version marked -dirty (lib/loanwatch-version.ts) was built from uncommitted edits.
 */
export function rerunDiffersWords(id: string, changed: readonly string[], archived: unknown, current: string): string {
  const files = changed.length === 1 ? `${changed[0]} differs` : `${changed.join(', ')} differ`;
  return `archive ${id}: already archived from the same inputs, but this build's ${files} from the archived files; the archived ones are kept (${versionsWords(archived, current)})`;
}

function versionsWords(archived: unknown, current: string): string {
  if (typeof archived !== 'string')
    return `archived by a loanwatch that did not record its version, this is loanwatch ${current}: wording changed between versions is one cause`;
  if (archived !== current)
    return `archived by loanwatch ${archived}, this is loanwatch ${current}: wording changed between versions is one cause`;
  // one version for both builds: only uncommitted edits can tell them apart, and the marker says so
  return current.endsWith('-dirty')
    ? `archived by loanwatch ${archived} too: both built from uncommitted changes, which may differ`
    : `archived by this same loanwatch ${current}`;
}
