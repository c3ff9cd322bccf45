import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../bin/config-file.ts';
import { loadContactRules } from '../../../pipelines/collections/contact-rules-config.ts';
import { loadCodeTable } from '../../../pipelines/bureau/codes.ts';
import { loadThresholds } from '../../../reports/summary/thresholds.ts';
import { loadAccrualRules } from '../../../warehouse/accrual-rules.ts';
import { jsonText } from '../../../lib/user-json.ts';

/**
 * A JSON file saved as "UTF-8 with BOM" (Notepad, Excel) reads as the same file without it, in every
 * loader of a user's JSON file; it was refused as an unexpected token at the first character, an invisible one.
 */
describe("a user's JSON file with a byte-order mark", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-user-json-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const withBom = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, `\uFEFF${text}`);
    return path;
  };

  it('is read as without it; a BOM inside the text is left alone', () => {
    expect(jsonText('\uFEFF[1]')).toBe('[1]');
    expect(jsonText('[1]')).toBe('[1]');
    expect(jsonText('["\uFEFF"]')).toBe('["\uFEFF"]');
  });

  it('every loader of a JSON file reads it', () => {
    const agents = withBom('agents.json', JSON.stringify([{ agent_id: 'a1', team: 't1' }]));
    expect(readConfigFile(agents, 'agents', (raw) => raw)).toEqual([{ agent_id: 'a1', team: 't1' }]);
    expect(loadContactRules(withBom('contact.json', '{}'))).toEqual(loadContactRules(undefined));
    expect(loadCodeTable(withBom('codes.json', '{}'))).toEqual(loadCodeTable(undefined));
    const thresholds = join(dir, 'thresholds.json');
    writeFileSync(thresholds, readFileSync('reports/summary/default-thresholds.json', 'utf8'));
    expect(loadThresholds(withBom('thresholds-bom.json', readFileSync(thresholds, 'utf8')))).toEqual(
      loadThresholds(thresholds),
    );
    const accrual = readFileSync('pipelines/accrual/default-accrual.json', 'utf8');
    expect(loadAccrualRules(withBom('accrual.json', accrual))).toEqual(
      loadAccrualRules('pipelines/accrual/default-accrual.json'),
    );
  });
});
