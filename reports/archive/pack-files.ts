import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files a pack folder may hold besides those its manifest lists: the workbook, the key figures, the breakdowns. */
const extraFile = /^(manifest\.json|report\.xlsx|summary\.(json|csv)|breakdown-[^/\\]+\.csv)$/u;

/**
 * The files of a pack folder that belong to the pack: those its manifest lists and the known extras
 * present. Never every file of the folder: `--out` may name a folder that holds other things.
 */
export function packFiles(dir: string, manifestFiles: readonly string[]): string[] {
  const present = readdirSync(dir).filter((f) => extraFile.test(f));
  return [...new Set([...manifestFiles.filter((f) => existsSync(join(dir, f))), ...present])].sort();
}

/**
 * The files whose content comes from the warehouse alone, so a pack rebuilt from the same inputs
 * must repeat them byte for byte: every CSV (chart data, key figures, breakdowns) and summary.json.
 * The manifest (generated-at), the PDF (its creation date) and the renderings are not compared.
 */
export const isDataFile = (name: string) => name.endsWith('.csv') || name === 'summary.json';

export interface FileHash {
  name: string;
  sha256: string;
  bytes: number;
}

export const fileHash = (path: string, name: string): FileHash => {
  const body = readFileSync(path);
  return { name, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
};
