import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/warehouse.ts';

/** Every notebook executes headless from a clean warehouse (`npm run notebooks`), so none can rot unnoticed. */
describe('notebooks', () => {
  const dir = tmpDir('notebooks');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('all execute without an error and show their charts and tables', () => {
    rmSync('out/notebooks', { recursive: true, force: true });
    execFileSync('bash', ['notebooks/run.sh'], { env: { ...process.env, LOANWATCH_DATA_DIR: join(dir, 'data'), NOTEBOOK_LOANS: '1500' }, stdio: 'pipe', timeout: 1_500_000 });
    const notebooks = readdirSync('notebooks').filter((f) => f.endsWith('.ipynb'));
    expect(notebooks.length).toBeGreaterThanOrEqual(3);
    for (const nb of notebooks) {
      const html = readFileSync(join('out/notebooks', nb.replace(/\.ipynb$/u, '.html')), 'utf8');
      expect(html.match(/data:image\/png/gu)?.length ?? 0, nb).toBeGreaterThan(0);
      expect(html, nb).toContain('<table>');
    }
  }, 1_600_000);
});
