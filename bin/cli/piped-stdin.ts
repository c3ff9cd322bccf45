import { closeSync, fstatSync, openSync } from 'node:fs';

/**
 * The embedded engine (chDB) takes a process's standard input, when it is a pipe, a socket or a file
 * with bytes in it, as data for the next INSERT and refuses that insert ("both inlined and external
 * data"): `loanwatch ingest f.csv` in a `while read …; done < files.txt` loop, or under a scheduler
 * that pipes into it, failed at its first write. So before a command runs, a piped stdin is taken
 * aside: read whole by the command that asks for it (the password `users create` takes), otherwise
 * left unread and fd 0 pointed at /dev/null. A terminal, /dev/null or a closed stdin is left as it is.
 */
export async function takeStdinAside(read: boolean): Promise<void> {
  if (!isPiped()) return;
  if (read) {
    // read to its end: the engine finds nothing left in it
    piped = await readAll(process.stdin);
    return;
  }
  // process.stdin was never opened (it is created on first use), so no stream is left on the old fd 0
  closeSync(0);
  const fd = openSync('/dev/null', 'r');
  // POSIX open takes the lowest free descriptor: 0, just freed
  if (fd !== 0) closeSync(fd);
}

/** What takeStdinAside(true) read from a piped stdin; undefined when stdin was not piped. */
export const pipedStdin = (): string | undefined => piped;

let piped: string | undefined;

function isPiped(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || s.isSocket() || (s.isFile() && s.size > 0);
  } catch {
    return false;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}
