import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { sniffEncoding } from '../../lib/sniff-encoding.ts';
import { UserError } from '../../lib/user-error.ts';

/**
 * Where the first byte that is not UTF-8 sits in `bytes`, or -1 (a sequence cut off at the end
 * counts as invalid: the caller passes whole files or carries the tail over).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // the sequence length and the range of its second byte (overlongs and surrogates excluded)
    const [len, lo, hi] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b === 0xf4
                  ? [4, 0x80, 0x8f]
                  : b >= 0xf1 && b <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (len === 0 || i + len > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/** The file's bytes, read by read. */
async function* byteChunks(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

/** The 1-based line of byte offset `at` of the file (newlines before it, plus one). */
async function lineOf(path: string, at: number): Promise<number> {
  let line = 1;
  let seen = 0;
  for await (const chunk of byteChunks(path)) {
    const end = Math.min(chunk.length, at - seen);
    for (let i = 0; i < end; i++) if (chunk[i] === 0x0a) line++;
    seen += chunk.length;
    if (seen >= at) break;
  }
  return line;
}

/** Where the file stops being UTF-8 (its byte offset), or -1; read in chunks, a split character carried over. */
async function invalidUtf8Offset(path: string): Promise<number> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of byteChunks(path)) {
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    // the last up-to-3 bytes may be a character the next read completes
    let cut = bytes.length;
    for (let k = 1; k <= 3 && k <= bytes.length; k++) {
      const b = bytes[bytes.length - k]!;
      if ((b & 0xc0) === 0xc0) {
        const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (need > k) cut = bytes.length - k;
        break;
      }
      if ((b & 0xc0) !== 0x80) break;
    }
    const body = bytes.subarray(0, cut);
    if (!isUtf8(body)) return offset + firstInvalidUtf8(body);
    offset += cut;
    carry = bytes.subarray(cut);
  }
  return carry.length ? offset : -1;
}

/** Whether every byte decodes as GB18030 (GBK's superset) and its non-ASCII text is mostly Chinese. */
async function readsAsChinese(path: string): Promise<boolean> {
  const dec = new TextDecoder('gb18030', { fatal: true });
  let wide = 0;
  let chinese = 0;
  try {
    for await (const chunk of byteChunks(path))
      for (const c of dec.decode(chunk, { stream: true })) {
        const code = c.codePointAt(0)!;
        if (code < 0x80) continue;
        wide++;
        // CJK ideographs, CJK punctuation and full-width forms
        if ((code >= 0x3000 && code <= 0x9fff) || (code >= 0xff00 && code <= 0xffef)) chinese++;
      }
    dec.decode();
  } catch {
    return false;
  }
  return wide > 0 && chinese >= 0.9 * wide;
}

/**
 * A table file as text, for `train --table` and `score --table`. UTF-8 (a byte-order mark allowed)
 * is read as it is; a file that ingest's sniffing takes for GBK is decoded as GB18030 when every
 * byte decodes and its text is Chinese; anything else is refused with the line of its first byte
 * that is not UTF-8. Read as UTF-8 without a check, a Latin-1 `é` became U+FFFD — an unseen
 * category, scored in the riskiest bin — and a GBK file trained on garbled labels.
 */
export async function tableText(path: string, what: string): Promise<AsyncIterable<string>> {
  if (sniffEncoding(path) === 'gbk') {
    if (await readsAsChinese(path)) return decoded(path, 'gb18030');
  }
  const at = await invalidUtf8Offset(path);
  if (at >= 0)
    throw new UserError(
      `${what} ${path}:${await lineOf(path, at)}: not UTF-8 (byte 0x${(await byteAt(path, at)).toString(16).padStart(2, '0')} at offset ${at}): save the file as UTF-8 (GBK or GB18030 Chinese text is read as it is)`,
    );
  return decoded(path, 'utf-8');
}

async function byteAt(path: string, at: number): Promise<number> {
  for await (const chunk of createReadStream(path, { start: at, end: at })) return (chunk as Buffer)[0]!;
  return 0;
}

async function* decoded(path: string, encoding: 'utf-8' | 'gb18030'): AsyncGenerator<string> {
  const dec = new TextDecoder(encoding);
  for await (const chunk of byteChunks(path)) yield dec.decode(chunk, { stream: true });
  const rest = dec.decode();
  if (rest) yield rest;
}
