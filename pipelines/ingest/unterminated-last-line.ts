import { closeSync, openSync, readSync, statSync } from 'node:fs';
import iconv from 'iconv-lite';

/** How much of a file's end is read for its last line: a row longer than this is shown cut. */
const tailBytes = 4096;

/**
 * A CSV's last line when the file ends without a line break, else null. An export or a transfer that
 * stopped part-way ends so — inside its last field, the row still has every field and reads whole
 * (`…,15` for 1500.00, a loan then 19 days past due) — and so does a file saved by an editor that
 * writes no final line break. The two cannot be told apart from the bytes, so the load is told with
 * the line, not refused.
 */
export function unterminatedLastLine(path: string): string | null {
  const size = statSync(path).size;
  if (size === 0) return null;
  const fd = openSync(path, 'r');
  try {
    const n = Math.min(size, tailBytes);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    const last = buf[n - 1];
    if (last === 0x0a || last === 0x0d) return null;
    const text = buf.toString('utf8');
    // a GBK file's Chinese reads as U+FFFD in UTF-8; a cut at the read's start may too (one character)
    const decoded = text.slice(1).includes('\uFFFD') ? iconv.decode(buf, 'gb18030') : text;
    const line = decoded.split(/\r\n|\r|\n/u).at(-1) ?? '';
    return line.length > 120 ? `…${line.slice(-119)}` : line;
  } finally {
    closeSync(fd);
  }
}
