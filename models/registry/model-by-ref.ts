import type { Warehouse } from '../../warehouse/connection.ts';
import { currentChampion, loadModel, type ModelVersion } from './registry.ts';

/**
 * The version a reference names: `NAME@VERSION` that version; `NAME` alone the version of it that
 * is champion of its target, else its latest. Scoring by name used the latest version whatever was
 * promoted (review 2026-12-06: v6 promoted, v8 the newest challenger, every score by name from v8).
 */
export async function loadModelByRef(wh: Warehouse, name: string, version?: number): Promise<ModelVersion> {
  if (version !== undefined) return loadModel(wh, name, version);
  const latest = await loadModel(wh, name);
  const champion = await currentChampion(wh, latest.target);
  return champion?.model_name === name ? champion : latest;
}
