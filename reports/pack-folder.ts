import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { templateById } from './catalogue.ts';

/**
 * A name a pack writes: its fixed files, the breakdowns, a chart's files by its catalogue id, and
 * the HTML's font (render/html-font.ts). Anything else in the folder is not the pack's to touch,
 * whatever a manifest says: `--out` may be a folder that holds other things, and a manifest is
 * only a file someone could have edited.
 */
export function isPackFileName(name: string): boolean {
  if (name !== basename(name) || name.startsWith('.')) return false;
  if (/^(manifest\.json|summary\.(json|csv)|report\.(html|pdf|xlsx)|breakdown-[a-z]+\.csv)$/u.test(name)) return true;
  const chart = /^(.+?)\.(vl\.json|csv|svg|png)$/u.exec(name);
  return chart !== null && templateById.has(chart[1]!);
}

/**
 * Removes the files the previous pack built in this folder wrote — those its manifest.json lists,
 * and the manifest — before a new pack is written there. A reused `--out` folder otherwise keeps
 * the files the new pack does not write (another month's report.html beside this month's PDF),
 * and the archive, which takes the folder's known files, would keep them as this pack's. Files the
 * manifest does not list, or that a pack never writes, stay. No manifest (or not a pack's): nothing
 * is removed. Returns the names removed.
 */
export function clearPreviousPack(dir: string): string[] {
  let listed: unknown;
  try {
    listed = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files?: unknown }).files;
  } catch {
    return [];
  }
  if (!Array.isArray(listed)) return [];
  const names = [...new Set([...listed.filter((f): f is string => typeof f === 'string'), 'manifest.json'])].filter(
    isPackFileName,
  );
  for (const name of names) rmSync(join(dir, name), { force: true });
  return names;
}
