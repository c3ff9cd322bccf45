/**
 * RFC 4180 record splitter for the streaming path. Yields one record per CSV
 * row with its first physical line number and raw text. A record that breaks
 * the quoting is yielded with `malformed` saying how (the validator quarantines
 * it): a quote inside a quoted field that is not doubled (`"ap"p"`), or a quote
 * never closed — then only the line it opened on is that record, and the lines
 * after it are read again as records of their own (they were one field running
 * to the end of the file, every later row swallowed).
 *
 * Spaces or tabs before an opening quote (`a, "b,c"`) and after a closing one (`"b,c" ,d`) are read
 * as the engine's CSV reader reads them: around the quoted field, not part of it. RFC 4180 would take
 * such a quote as data, and the comma inside would cut the field in two: the loaders read one file
 * alike, and the value's commas are kept (its spaces at either end are trimmed by the stage anyway).
 */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
  malformed?: string;
}

export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let raw = '';
  let inQuotes = false;
  let afterQuote = false;
  /** spaces and tabs after a closing quote: dropped at the field's end, kept if text follows (malformed) */
  let afterQuoteSpace = '';
  let line = 1;
  let startLine = 1;
  let pendingCR = false;
  let malformed = '';
  const endRecord = (): CsvRecord => {
    fields.push(field);
    const rec: CsvRecord = malformed ? { line: startLine, fields, raw, malformed } : { line: startLine, fields, raw };
    fields = [];
    field = '';
    raw = '';
    afterQuote = false;
    afterQuoteSpace = '';
    malformed = '';
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
      if (ch === '"' && afterQuote && afterQuoteSpace === '') {
        inQuotes = true;
        field += '"';
        raw += ch;
        continue;
      } // "" split across chunks
      if (afterQuote && (ch === ' ' || ch === '\t')) {
        afterQuoteSpace += ch;
        raw += ch;
        continue;
      }
      if (ch === '"' && !afterQuote && (field === '' || /^[ \t]+$/u.test(field))) {
        inQuotes = true;
        field = '';
        raw += ch;
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
        afterQuoteSpace = '';
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
      // a character right after a closing quote: the quote inside the field was not doubled
      if (afterQuote) malformed = 'a quote inside a quoted field is not doubled ("" stands for one)';
      afterQuote = false;
      field += afterQuoteSpace + ch;
      afterQuoteSpace = '';
      raw += ch;
    }
  }
  if (inQuotes) {
    const cut = raw.indexOf('\n');
    if (cut >= 0) {
      const first = raw.slice(0, cut).replace(/\r$/u, '');
      // its fields as the commas of the line cut them: the quote's field is the one the reason is about
      const cells = first.split(',');
      yield { line: startLine, fields: cells, raw: first, malformed: 'a quote opened on this line is never closed' };
      for await (const rec of csvRecords([raw.slice(cut + 1)])) yield { ...rec, line: rec.line + startLine };
      return;
    }
    malformed = 'a quote opened on this line is never closed';
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
