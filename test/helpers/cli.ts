import { afterAll, beforeAll, inject, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../bin/main.ts';
import type { Output } from '../../bin/cli/output.ts';
import { loadConfig } from '../../warehouse/config.ts';
import { exec, openWarehouse } from '../../warehouse/connection.ts';
import { copyChdbDir } from './chdb-copy.ts';
import { templateDatabase } from './warehouse-template.ts';
import { tmpDir } from './warehouse.ts';

/**
 * A new CLI data dir as a copy of the run's migrated template (warehouse-template.ts), its database
 * renamed to the CLI's: the first command's migrate then only checks, as on a testWarehouse, where
 * every migration would cost ~1.5 s (several times that beside another file). No-op without a template.
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const template = inject('warehouseTemplate');
  if (!template) return;
  copyChdbDir(template, dataDir);
  const config = loadConfig({ ...process.env, LOANWATCH_DATA_DIR: dataDir });
  const wh = openWarehouse(config);
  try {
    await exec(wh, `RENAME DATABASE ${templateDatabase} TO ${config.CLICKHOUSE_DATABASE}`);
  } finally {
    await wh.close();
  }
}

/**
 * Runs `loanwatch` in-process on a temp data dir: `out` holds the lines the command wrote as its
 * result (stdout), `err` its messages and logs (stderr), both for the last run only.
 */
export function cliHarness(name: string) {
  const dir = tmpDir(name);
  const out: string[] = [];
  const err: string[] = [];
  let text = '';
  const output: Output = {
    line: (s) => {
      text += `${s}\n`;
    },
    write: (s) => {
      text += s;
      return Promise.resolve();
    },
  };
  beforeAll(async () => {
    process.env.LOANWATCH_DATA_DIR = join(dir, 'data');
    await seedDataDir(join(dir, 'data'));
    vi.spyOn(console, 'error').mockImplementation((...a) => {
      err.push(a.join(' '));
    });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    text = '';
    const code = await main(args, output);
    out.push(
      ...text
        .replace(/\n$/u, '')
        .split('\n')
        .filter((l, i, all) => l !== '' || all.length > 1),
    );
    return code;
  };
  /** what the last run wrote to stdout, exactly */
  const stdout = () => text;
  return { dir, out, err, run, stdout };
}
