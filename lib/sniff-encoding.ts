import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

/** Invalid and valid multi-byte characters of bytes read as UTF-8 (a streaming decoder keeps characters split across reads). */
function utf8Evidence(chunks: Iterable<Buffer>): { invalid: number; wide: number } {
  const dec = new TextDecoder('utf-8');
  let invalid = 0;
  let wide = 0;
  const count = (text: string) => {
    for (const c of text) {
      if (c === '\uFFFD') invalid++;
      else if (c.charCodeAt(0) > 0x7f) wide++;
    }
  };
  for (const chunk of chunks) count(dec.decode(chunk, { stream: true }));
  count(dec.decode());
  return { invalid, wide };
}

/** The file in 1 MiB reads. */
function* fileChunks(path: string): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      yield buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Byte pairs of GB2312's Chinese (both bytes 0xA1–0xFE: the characters of everyday simplified
 * Chinese) against every other byte above ASCII, read as GBK. A single-byte Western encoding's
 * accented letter is mostly followed by an ASCII letter or a comma — a pair GBK allows (0x40–0x7E
 * trails are its extension's rare characters) but never Chinese prose: Latin-1 "Müller" read as GBK
 * is "M黮ler", valid and garbled.
 */
function gbkEvidence(chunks: Iterable<Buffer>): { chinese: number; other: number } {
  let chinese = 0;
  let other = 0;
  // a lead byte at the end of a chunk waits for the next one's first byte
  let lead = -1;
  for (const chunk of chunks)
    for (const b of chunk) {
      if (lead >= 0) {
        if (lead >= 0xa1 && b >= 0xa1 && b <= 0xfe) chinese++;
        else other++;
        lead = -1;
      } else if (b >= 0x81 && b <= 0xfe) lead = b;
      else if (b >= 0x80) other++;
    }
  if (lead >= 0) other++;
  return { chinese, other };
}

/** Mostly GB2312 pairs: Chinese text in GBK (a few rarer characters or stray bytes allowed). */
const readsAsGbk = (e: { chinese: number; other: number }) => e.chinese > 0 && e.chinese >= 4 * e.other;

/**
 * UTF-8 unless the file reads as GBK Chinese, then GBK (GB18030-compatible): text in GBK read as
 * UTF-8 is mostly invalid sequences, while a UTF-8 file with a stray byte of another encoding has
 * more valid multi-byte characters than invalid bytes. Read as GBK, such a file's Chinese would be
 * stored garbled without a word; read as UTF-8, the row with the stray byte is quarantined (not valid
 * UTF-8) and the others load as written. A file of another encoding altogether (Latin-1 or
 * Windows-1252: "Müller", "café") is not Chinese in GBK either (gbkEvidence): it is read as UTF-8, so
 * its rows with such bytes are quarantined instead of stored as "M黮ler" and "caf�". A byte-order mark
 * says UTF-8. The first 64 KiB with a byte above ASCII decide a UTF-8 file (a bank's export may hold
 * an English header and thousands of ASCII rows before its first Chinese branch name: read as UTF-8
 * from its ASCII head, its GBK rows were quarantined and stored garbled); one that looks like GBK there
 * is read whole before it is taken for GBK (a stray GBK row early, UTF-8 Chinese after it, was read as
 * GBK and the Chinese garbled). A file all ASCII is UTF-8.
 */
export function sniffEncoding(path: string): 'utf8' | 'gbk' {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
    if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf8';
    const from = firstNonAscii(path);
    if (from === null) return 'utf8';
    // from a byte above ASCII after ASCII bytes alone: the start of a character in either encoding
    if (from > 0) n = readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  const head = utf8Evidence([buf.subarray(0, n === buf.length ? n - 4 : n)]);
  if (head.invalid === 0 || head.wide > head.invalid) return 'utf8';
  if (n < buf.length) return readsAsGbk(gbkEvidence([buf.subarray(0, n)])) ? 'gbk' : 'utf8';
  const whole = utf8Evidence(fileChunks(path));
  if (whole.wide > whole.invalid) return 'utf8';
  return readsAsGbk(gbkEvidence(fileChunks(path))) ? 'gbk' : 'utf8';
}

/** The offset of the file's first byte above ASCII, null when it has none (whole ASCII chunks skipped natively). */
function firstNonAscii(path: string): number | null {
  let offset = 0;
  for (const chunk of fileChunks(path)) {
    if (!isAscii(chunk)) return offset + chunk.findIndex((b) => b > 0x7f);
    offset += chunk.length;
  }
  return null;
}
