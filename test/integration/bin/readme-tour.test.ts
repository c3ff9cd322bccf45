import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../../bin/main.ts';
import { tmpDir } from '../../helpers/warehouse.ts';

/**
 * The README's five-minute tour, verbatim: every `npm run loanwatch -- …` line of it runs (output
 * redirections dropped; `serve` blocks, so it is left to the demo test) in a fresh directory laid
 * out like a checkout beside ../shared, with the README's own `export`.
 */
const readme = readFileSync('README.md', 'utf8');
const tour = readme.slice(readme.indexOf('## Five-minute tour')).split('```bash\n')[1]!.split('```')[0]!;
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/gu)].map((m) => m[1] ?? m[2]!);
const commands = tour.split('\n').filter((l) => l.startsWith('npm run loanwatch -- '))
  .map((l) => words(l.replace(/^npm run loanwatch -- /u, '').replace(/\s+#.*$/u, '').replace(/\s+>\s*\S+$/u, '')));
const exports = Object.fromEntries([...tour.matchAll(/^export (\w+)=(\S+)/gmu)].map((m) => [m[1]!, m[2]!]));

describe('the README tour', () => {
  const root = tmpDir('tour');
  const work = join(root, 'loanwatch');
  const cwd = process.cwd();
  beforeAll(() => {
    mkdirSync(work);
    symlinkSync(resolve(cwd, 'examples'), join(work, 'examples'));
    symlinkSync(resolve(cwd, '../shared'), join(root, 'shared'));
    process.chdir(work);
    Object.assign(process.env, exports);
    for (const m of ['log', 'error', 'table'] as const) vi.spyOn(console, m).mockImplementation(() => {});
  });
  afterAll(() => { vi.restoreAllMocks(); process.chdir(cwd); rmSync(root, { recursive: true, force: true }); });

  it('has the commands the tour talks about', () => {
    expect(exports.LOANWATCH_DATA_DIR).toBe('./tour-data');
    expect(commands.map((c) => c[0])).toEqual(expect.arrayContaining(['generate', 'ingest', 'snapshot', 'dpd', 'metrics', 'train', 'promote', 'score',
      'evaluate', 'cases', 'experiment', 'warnings', 'report', 'keys', 'serve']));
  });

  it('runs every command verbatim with exit code 0', async () => {
    for (const args of commands.filter((c) => c[0] !== 'serve')) {
      expect(await main(args), args.join(' ')).toBe(0);
    }
    expect(existsSync('out/reports/management-2024-06-zh-CN/report.pdf')).toBe(true);
    expect(existsSync('out/reports/regulatory-2024-06-en/provision-coverage.png')).toBe(true);
  }, 900_000);
});
