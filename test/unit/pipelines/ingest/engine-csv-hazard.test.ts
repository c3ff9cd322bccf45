import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineCsvHazard } from '../../../../pipelines/ingest/engine-csv-hazard.ts';

const dir = mkdtempSync(join(tmpdir(), 'lw-hazard-'));
let n = 0;
/** the hazard at every chunk size from 1 byte to the whole file: boundaries never change it */
async function hazards(text: string) {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, text);
  const found = new Set<string | null>();
  for (let size = 1; size <= text.length + 1; size++) found.add(await engineCsvHazard(p, size));
  found.add(await engineCsvHazard(p));
  return [...found];
}

const never = ['a quote is never closed'];
const bareCr = ['its lines end in a bare CR (old Mac line ends)'];

describe('engineCsvHazard', () => {
  it('a well-formed file (quoted commas, doubled quotes, quoted line breaks and CRs, CRLF, quotes inside a field) has none', async () => {
    expect(await hazards('id,v\r\n1,"x, ""y"""\r\n2,"multi\nline"\r\n3,a"b"c\r\n4,"cr\rin quotes"\r\n')).toEqual([
      null,
    ]);
    expect(await hazards('id,v\n1,""\n2,""""\n3, "spaced"\n4,""""""\n')).toEqual([null]);
    expect(await hazards('')).toEqual([null]);
  });

  it('a quote never closed, on any line, at the start of a field or after spaces, is found', async () => {
    const rows = ['Q1,L1,2024-07-01,1.00,app', 'Q2,L1,2024-07-01,2.00,app', 'Q3,L1,2024-07-01,3.00,app'];
    for (let i = 0; i < rows.length; i++) {
      for (const open of ['"app', ' "app', '"a""pp']) {
        const lines = rows.map((r, k) => (k === i ? r.replace('app', open) : r));
        for (const end of ['\n', '']) expect(await hazards(`h1,h2,h3,h4,h5\n${lines.join('\n')}${end}`)).toEqual(never);
      }
    }
    // a quote inside a field is text: the engine does not open a field there
    expect(await hazards('a,b\n1,x"y\n2,z\n')).toEqual([null]);
  });

  it('bare-CR line ends are found, in a whole file or on one line of a LF file; CRLF is not', async () => {
    expect(await hazards('a,b\r1,2\r3,4\r')).toEqual(bareCr);
    expect(await hazards('a,b\r1,2')).toEqual(bareCr);
    expect(await hazards('a,b\n1,2\r3,4\n')).toEqual(bareCr);
    expect(await hazards('a,b\r\n1,2\r\n')).toEqual([null]);
    expect(await hazards('a,b\r\n1,2\r')).toEqual([null]);
  });
});
