/**
 * RFC 4180 record splitter for the streaming path. Yields one record per CSV
 * row with its first physical line number and raw text; a field with an
 * unterminated quote runs to the end of the file (one broken record, which
 * the validator quarantines — nothing is dropped).
 */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
}

export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let raw = '';
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let startLine = 1;
  let pendingCR = false;
  const endRecord = (): CsvRecord => {
    fields.push(field);
    const rec = { line: startLine, fields, raw };
    fields = [];
    field = '';
    raw = '';
    afterQuote = false;
    return rec;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (inQuotes) {
        if (ch === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            raw += '""';
            i++;
            continue;
          }
          if (i + 1 === chunk.length) {
            inQuotes = false;
            afterQuote = true;
            raw += ch;
            continue;
          }
          inQuotes = false;
          afterQuote = true;
          raw += ch;
          continue;
        }
        if (ch === '\n') line++;
        field += ch;
        raw += ch;
        continue;
      }
      if (ch === '"' && afterQuote) {
        inQuotes = true;
        field += '"';
        raw += ch;
        continue;
      } // "" split across chunks
      if (ch === '"' && field === '') {
        inQuotes = true;
        raw += ch;
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
        raw += ch;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        if (ch === '\r') pendingCR = true;
        const rec = endRecord();
        line++;
        startLine = line;
        yield rec;
        continue;
      }
      afterQuote = false;
      field += ch;
      raw += ch;
    }
  }
  if (raw !== '' || fields.length > 0 || field !== '') yield endRecord();
}

/** Splits one header line (no embedded newlines) into cells. */
export function splitHeader(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.replace(/^\uFEFF/, '').trim());
}
